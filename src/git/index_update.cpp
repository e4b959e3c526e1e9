// Index updates limited to what mreg owns: one directory, or one file.
#include <string>

#include <sys/stat.h>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/repository_impl.hpp"
#include "git/tree_path.hpp"
#include "mreg/error.hpp"

namespace mreg::git {
namespace {

// A file that a tree puts at `path` (relative to the work tree).
struct TreeBlob {
  std::string path;
  git_oid id;
  git_filemode_t mode;
};

void collect_blobs(git_repository* repo, const git_tree* tree, const std::string& prefix,
                   std::vector<TreeBlob>& blobs) {
  const std::size_t count = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const std::string path = prefix + git_tree_entry_name(entry);
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
      const TreePtr subtree = lookup_tree(repo, from_git(*git_tree_entry_id(entry)));
      collect_blobs(repo, subtree.get(), path + '/', blobs);
    } else {
      blobs.push_back(TreeBlob{path, *git_tree_entry_id(entry), git_tree_entry_filemode(entry)});
    }
  }
}

// The repository's index, re-read from disk so that changes made by git
// since this Repository last looked are kept.
IndexPtr fresh_index(git_repository* repo) {
  git_index* raw = nullptr;
  check(git_repository_index(&raw, repo), "opening the index");
  IndexPtr index(raw);
  check(git_index_read(index.get(), 1), "reading the index");
  return index;
}

void write_index(git_index* index) {
  const int rc = git_index_write(index);
  if (rc == GIT_ELOCKED) {
    throw Error(ErrorCode::conflict, fmt::format("cannot write the index: {}", last_error_message()),
                "another git process seems to be running in this repository; wait for it to finish "
                "(if none is, remove the stale .git/index.lock)");
  }
  check(rc, "writing the index");
}

bool is_plain_file(const std::filesystem::path& path) {
  struct stat status;
  return ::lstat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

// Stages the work-tree file at `blob.path` when it holds exactly `blob`, so
// that the entry gets real stat data and `git status` needs no re-hashing.
bool stage_from_work_tree(git_repository* repo, git_index* index, const std::filesystem::path& workdir,
                          const TreeBlob& blob) {
  if (blob.mode != GIT_FILEMODE_BLOB && blob.mode != GIT_FILEMODE_BLOB_EXECUTABLE) return false;
  const std::filesystem::path file = workdir / blob.path;
  if (!is_plain_file(file)) return false;
  git_oid id;
  if (git_repository_hashfile(&id, repo, file.c_str(), GIT_OBJECT_BLOB, blob.path.c_str()) < 0) return false;
  if (!git_oid_equal(&id, &blob.id)) return false;
  check(git_index_add_bypath(index, blob.path.c_str()), fmt::format("staging {}", blob.path));
  // The file may have changed since it was hashed, or its executable bit may
  // differ from the tree's: then the tree's entry is staged as is.
  const git_index_entry* staged = git_index_get_bypath(index, blob.path.c_str(), 0);
  return staged != nullptr && git_oid_equal(&staged->id, &blob.id) && staged->mode == blob.mode;
}

}  // namespace

void Repository::stage_tree_at(std::string_view dir, const Oid& tree) {
  const std::string directory = checked_tree_path(dir, "directory to stage", true);
  const std::filesystem::path work_tree = workdir();
  std::vector<TreeBlob> blobs;
  const TreePtr root = lookup_tree(m_impl->get(), tree);
  collect_blobs(m_impl->get(), root.get(), directory + '/', blobs);

  const IndexPtr index = fresh_index(m_impl->get());
  for (int stage = 0; stage <= 3; ++stage) {
    check(git_index_remove_directory(index.get(), directory.c_str(), stage),
          fmt::format("unstaging {}/", directory));
  }
  for (const TreeBlob& blob : blobs) {
    if (stage_from_work_tree(m_impl->get(), index.get(), work_tree, blob)) continue;
    git_index_entry entry{};
    entry.path = blob.path.c_str();
    entry.id = blob.id;
    entry.mode = blob.mode;
    check(git_index_add(index.get(), &entry), fmt::format("staging {}", blob.path));
  }
  write_index(index.get());
}

void Repository::stage_file(std::string_view path) {
  const std::string file = checked_tree_path(path, "file to stage");
  const std::filesystem::path work_tree = workdir();
  const IndexPtr index = fresh_index(m_impl->get());
  std::error_code ec;
  if (std::filesystem::symlink_status(work_tree / file, ec).type() != std::filesystem::file_type::not_found) {
    check(git_index_add_bypath(index.get(), file.c_str()), fmt::format("staging {}", file));
  } else if (git_index_get_bypath(index.get(), file.c_str(), 0) != nullptr) {
    check(git_index_remove_bypath(index.get(), file.c_str()), fmt::format("staging the removal of {}", file));
  } else {
    throw Error(ErrorCode::not_found,
                fmt::format("cannot stage {}: there is no such file in the work tree or the index", file));
  }
  write_index(index.get());
}

bool Repository::is_ignored(std::string_view path) const {
  const std::string text(path);
  int ignored = 0;
  check(git_ignore_path_is_ignored(&ignored, m_impl->get(), text.c_str()),
        fmt::format("checking whether {} is ignored", text));
  return ignored != 0;
}

std::vector<std::pair<std::string, Oid>> Repository::index_files(std::string_view dir) const {
  std::vector<std::pair<std::string, Oid>> files;
  if (is_bare()) return files;
  const IndexPtr index = fresh_index(m_impl->get());
  const std::string prefix = std::string(dir) + "/";
  for (std::size_t i = 0, count = git_index_entrycount(index.get()); i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index.get(), i);
    if (!entry || GIT_INDEX_ENTRY_STAGE(entry) != 0 || !std::string_view(entry->path).starts_with(prefix)) continue;
    if ((entry->mode & 0170000) != 0100000) continue;  // regular files only (no links, no submodules)
    files.emplace_back(entry->path, from_git(entry->id));
  }
  return files;
}

}  // namespace mreg::git
