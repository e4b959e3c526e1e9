// Reading commits, files and trees; writing blobs and commits; the user's signature.
#include <string>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/repository_impl.hpp"
#include "mreg/error.hpp"

namespace mreg::git {
namespace {

void collect_files(git_repository* repo, const git_tree* tree, const std::string& prefix,
                   std::vector<TreeFile>& files) {
  const std::size_t count = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const std::string path = prefix + git_tree_entry_name(entry);
    switch (git_tree_entry_type(entry)) {
      case GIT_OBJECT_TREE: {
        const TreePtr subtree = lookup_tree(repo, from_git(*git_tree_entry_id(entry)));
        collect_files(repo, subtree.get(), path + '/', files);
        break;
      }
      case GIT_OBJECT_BLOB: {
        const BlobPtr blob = lookup_blob(repo, *git_tree_entry_id(entry));
        const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
        const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
        files.push_back(TreeFile{path, std::string(data, size),
                                 git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE});
        break;
      }
      default:  // a submodule's commit: not a file of this repository
        break;
    }
  }
}

}  // namespace

CommitInfo Repository::read_commit(const Oid& commit) const {
  const CommitPtr object = lookup_commit(m_impl->get(), commit);
  CommitInfo info;
  info.id = commit;
  info.tree = from_git(*git_commit_tree_id(object.get()));
  const unsigned parents = git_commit_parentcount(object.get());
  for (unsigned i = 0; i < parents; ++i) {
    info.parents.push_back(from_git(*git_commit_parent_id(object.get(), i)));
  }
  info.author = from_git(git_commit_author(object.get()));
  info.committer = from_git(git_commit_committer(object.get()));
  const char* message = git_commit_message(object.get());
  info.message = message ? message : "";
  return info;
}

std::optional<std::string> Repository::read_file_at(const Oid& commit, std::string_view path) const {
  if (path.empty()) return std::nullopt;
  const TreePtr tree = commit_tree(m_impl->get(), commit);
  const TreeEntryPtr entry = entry_at(tree.get(), std::string(path));
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  const BlobPtr blob = lookup_blob(m_impl->get(), *git_tree_entry_id(entry.get()));
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::optional<Oid> Repository::subtree_at(const Oid& commit, std::string_view path) const {
  const TreePtr tree = commit_tree(m_impl->get(), commit);
  if (path.empty()) return from_git(*git_tree_id(tree.get()));
  const TreeEntryPtr entry = entry_at(tree.get(), std::string(path));
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return std::nullopt;
  return from_git(*git_tree_entry_id(entry.get()));
}

std::vector<TreeEntry> Repository::list_tree(const Oid& tree) const {
  const TreePtr object = lookup_tree(m_impl->get(), tree);
  const std::size_t count = git_tree_entrycount(object.get());
  std::vector<TreeEntry> entries;
  entries.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(object.get(), i);
    TreeEntry::Kind kind = TreeEntry::Kind::other;
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) kind = TreeEntry::Kind::tree;
    if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) kind = TreeEntry::Kind::blob;
    entries.push_back(TreeEntry{git_tree_entry_name(entry), from_git(*git_tree_entry_id(entry)), kind});
  }
  return entries;
}

std::string Repository::read_blob(const Oid& blob) const {
  const BlobPtr object = lookup_blob(m_impl->get(), to_git(blob));
  const auto* data = static_cast<const char*>(git_blob_rawcontent(object.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(object.get())));
}

bool Repository::has_object(const Oid& id) const {
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, m_impl->get()), "opening the object database");
  const OdbPtr odb(raw);
  const git_oid oid = to_git(id);
  return git_odb_exists(odb.get(), &oid) == 1;
}

std::vector<TreeFile> Repository::read_tree_files(const Oid& tree) const {
  const TreePtr root = lookup_tree(m_impl->get(), tree);
  std::vector<TreeFile> files;
  collect_files(m_impl->get(), root.get(), "", files);
  return files;
}

Oid Repository::write_blob(std::string_view content) {
  git_oid oid;
  check(git_blob_create_from_buffer(&oid, m_impl->get(), content.data(), content.size()), "writing a blob");
  return from_git(oid);
}

Oid Repository::create_commit(const Oid& tree, const std::vector<Oid>& parents, const Signature& author,
                              const Signature& committer, std::string_view message) {
  const TreePtr tree_object = lookup_tree(m_impl->get(), tree);
  std::vector<CommitPtr> parent_objects;
  std::vector<const git_commit*> parent_pointers;
  for (const Oid& parent : parents) {
    parent_objects.push_back(lookup_commit(m_impl->get(), parent));
    parent_pointers.push_back(parent_objects.back().get());
  }
  const SignaturePtr author_signature = make_signature(author, "author");
  const SignaturePtr committer_signature = make_signature(committer, "committer");
  std::string text(message);
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  git_oid oid;
  check(git_commit_create(&oid, m_impl->get(), nullptr, author_signature.get(), committer_signature.get(),
                          nullptr, text.c_str(), tree_object.get(), parent_pointers.size(),
                          parent_pointers.data()),
        fmt::format("writing a commit of tree {}", tree.hex()));
  return from_git(oid);
}

Signature Repository::default_signature() const {
  git_signature* raw = nullptr;
  const int rc = git_signature_default(&raw, m_impl->get());
  if (rc == GIT_ENOTFOUND) {
    throw Error(ErrorCode::invalid,
                fmt::format("git identity is not set: {} (needed to record who made the change)",
                            last_error_message()),
                "tell git who you are:\n"
                "  git config --global user.name \"Your Name\"\n"
                "  git config --global user.email you@example.com");
  }
  check(rc, "reading user.name and user.email from git config");
  const SignaturePtr signature(raw);
  return from_git(signature.get());
}

}  // namespace mreg::git
