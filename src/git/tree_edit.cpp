// Writing trees: from a list of files, and by replacing one directory of a commit's tree.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/repository_impl.hpp"
#include "git/tree_path.hpp"
#include "mreg/error.hpp"

namespace mreg::git {
namespace {

// git's id of the tree with no entries.
constexpr std::string_view empty_tree_hex = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

// The directory structure of write_tree's files, before anything is written.
struct DirectoryNode {
  std::map<std::string, std::unique_ptr<DirectoryNode>> directories;
  std::map<std::string, const TreeFile*> files;
};

void add_file(DirectoryNode& root, const TreeFile& file) {
  const std::string path = checked_tree_path(file.path, "tree file path");
  DirectoryNode* node = &root;
  std::size_t start = 0;
  for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', start)) {
    const std::string name = path.substr(start, slash - start);
    if (node->files.count(name) != 0) {
      throw Error(ErrorCode::invalid,
                  fmt::format("cannot write a tree with both a file \"{}\" and a file \"{}\" below it",
                              path.substr(0, slash), path));
    }
    auto& child = node->directories[name];
    if (!child) child = std::make_unique<DirectoryNode>();
    node = child.get();
    start = slash + 1;
  }
  const std::string name = path.substr(start);
  if (node->directories.count(name) != 0) {
    throw Error(ErrorCode::invalid,
                fmt::format("cannot write a tree with both a file \"{}\" and files below it", path));
  }
  if (!node->files.emplace(name, &file).second) {
    throw Error(ErrorCode::invalid, fmt::format("cannot write a tree with the file \"{}\" twice", path));
  }
}

TreeBuilderPtr new_tree_builder(git_repository* repo, const git_tree* source) {
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, repo, source), "starting a tree");
  return TreeBuilderPtr(raw);
}

git_oid write_directory(git_repository* repo, const DirectoryNode& node, const std::string& path) {
  const TreeBuilderPtr builder = new_tree_builder(repo, nullptr);
  for (const auto& [name, child] : node.directories) {
    const std::string child_path = path + name + '/';
    const git_oid id = write_directory(repo, *child, child_path);
    check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &id, GIT_FILEMODE_TREE),
          fmt::format("adding {} to a tree", child_path));
  }
  for (const auto& [name, file] : node.files) {
    git_oid id;
    check(git_blob_create_from_buffer(&id, repo, file->content.data(), file->content.size()),
          fmt::format("writing the blob of {}", file->path));
    const git_filemode_t mode = file->executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &id, mode),
          fmt::format("adding {} to a tree", file->path));
  }
  git_oid id;
  check(git_treebuilder_write(&id, builder.get()),
        fmt::format("writing the tree of {}", path.empty() ? "/" : path));
  return id;
}

// The entry at `path` or above it in `tree` that is not a tree, if any: a
// file standing where replace_subtree needs a directory.
std::optional<std::string> file_in_the_way(const git_tree* tree, const std::string& path) {
  for (std::size_t end = path.find('/');; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    const TreeEntryPtr entry = entry_at(tree, prefix);
    if (!entry) return std::nullopt;
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return prefix;
    if (end == std::string::npos) return std::nullopt;
  }
}

git_oid write_empty_tree(git_repository* repo) {
  git_oid id;
  check(git_treebuilder_write(&id, new_tree_builder(repo, nullptr).get()), "writing the empty tree");
  return id;
}

// `baseline` (nullptr: the empty tree) with one entry upserted as a
// directory or removed; libgit2 drops the directories a removal leaves empty.
git_oid updated_tree(git_repository* repo, git_tree* baseline, git_tree_update_t action,
                     const std::string& path, const git_oid* subtree,
                     git_filemode_t filemode = GIT_FILEMODE_TREE) {
  git_tree_update update{};
  update.action = action;
  update.path = path.c_str();
  if (subtree) {
    update.id = *subtree;
    update.filemode = filemode;
  }
  git_oid id;
  check(git_tree_create_updated(&id, repo, baseline, 1, &update),
        subtree ? fmt::format("putting tree {} at {}", from_git(*subtree).hex(), path)
                : fmt::format("removing {} from a tree", path));
  return id;
}

}  // namespace

Oid Repository::write_tree(const std::vector<TreeFile>& files) {
  DirectoryNode root;
  for (const TreeFile& file : files) add_file(root, file);
  return from_git(write_directory(m_impl->get(), root, ""));
}

Oid Repository::replace_subtree(const std::optional<Oid>& base_commit, std::string_view path,
                                const std::optional<Oid>& subtree) {
  const std::string directory = checked_tree_path(path, "subtree path", true);
  git_repository* repo = m_impl->get();
  const TreePtr base = base_commit ? commit_tree(repo, *base_commit) : nullptr;
  // An empty directory cannot exist in git: putting the empty tree there removes it.
  if (!subtree || subtree->hex() == empty_tree_hex) {
    if (!base) return from_git(write_empty_tree(repo));
    if (!entry_at(base.get(), directory)) return from_git(*git_tree_id(base.get()));
    return from_git(updated_tree(repo, base.get(), GIT_TREE_UPDATE_REMOVE, directory, nullptr));
  }
  TreePtr start;
  if (base) {
    if (const auto file = file_in_the_way(base.get(), directory)) {
      const git_oid cleared = updated_tree(repo, base.get(), GIT_TREE_UPDATE_REMOVE, *file, nullptr);
      start = lookup_tree(repo, from_git(cleared));
    }
  }
  const git_oid id = to_git(*subtree);
  return from_git(
      updated_tree(repo, start ? start.get() : base.get(), GIT_TREE_UPDATE_UPSERT, directory, &id));
}

Oid Repository::replace_blob(const std::optional<Oid>& base_commit, std::string_view path, const Oid& blob) {
  const std::string file = checked_tree_path(path, "file path");
  git_repository* repo = m_impl->get();
  const TreePtr base = base_commit ? commit_tree(repo, *base_commit) : nullptr;
  const git_oid id = to_git(blob);
  return from_git(updated_tree(repo, base.get(), GIT_TREE_UPDATE_UPSERT, file, &id, GIT_FILEMODE_BLOB));
}

}  // namespace mreg::git
