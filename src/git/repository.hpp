// mreg::git::Repository: the registry's view of a git repository.
//
// The only code that includes git2.h lives in src/git/. This type offers the
// few operations the registry needs, in mreg's terms: reading files and
// subtrees of commits, listing refs once, writing blobs, trees, commits and
// annotated tags, compare-and-swap ref updates, and index updates limited
// to one directory. Every libgit2 failure becomes Error(git) with libgit2's
// message and what we were doing. Not thread-safe; one per thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mreg::git {

struct Oid {
  std::array<std::uint8_t, 20> bytes{};
  std::string hex() const;
  static std::optional<Oid> from_hex(std::string_view hex);
  friend auto operator<=>(const Oid&, const Oid&) = default;
};

struct Signature {
  std::string name;
  std::string email;
  std::int64_t time = 0;  // seconds since the epoch
  int offset_minutes = 0;
};

struct TagInfo {
  std::string name;        // short name, without refs/tags/
  Oid target;              // the peeled commit
  bool annotated = false;
  Signature tagger;        // empty for lightweight tags
  std::string message;     // full message
};

struct CommitInfo {
  Oid id;
  Oid tree;
  std::vector<Oid> parents;
  Signature author;
  Signature committer;
  std::string message;
};

// One entry of a tree, as list_tree() reports it.
struct TreeEntry {
  enum class Kind { tree, blob, other };  // other: a submodule's commit
  std::string name;
  Oid id;
  Kind kind = Kind::other;
};

// A file to place in a new tree.
struct TreeFile {
  std::string path;  // '/'-separated, relative
  std::string content;
  bool executable = false;
};

class Repository {
 public:
  // Finds the repository containing `start` (like `git -C start`); nullopt
  // when there is none. Throws Error(not_found) when `start` is not a directory.
  static std::optional<Repository> discover(const std::filesystem::path& start);
  // `git init` in `directory` (initial branch from init.defaultBranch, else "main").
  static Repository init(const std::filesystem::path& directory);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  bool is_bare() const;
  std::filesystem::path workdir() const;     // throws Error(invalid) in a bare repository
  std::filesystem::path git_dir() const;     // .git (or the worktree's gitdir)
  std::filesystem::path common_dir() const;  // shared by all worktrees
  std::optional<std::string> config_string(std::string_view key) const;
  // Every key whose name starts with `prefix` and ends with `suffix`, once
  // each, sorted, with the value that config_string() reads for it. Names are
  // as git normalizes them: section and key in lower case, a subsection as
  // written. (Filtered here rather than with libgit2's regex iterator, whose
  // PCRE2 matching leaks in libgit2 1.5.)
  std::vector<std::pair<std::string, std::string>> config_entries(std::string_view prefix,
                                                                  std::string_view suffix) const;

  // --- refs ---------------------------------------------------------------
  // Whether git accepts `full_ref` ("refs/heads/pr-1") as a ref name.
  static bool is_valid_ref_name(std::string_view full_ref);
  std::optional<Oid> resolve_ref(std::string_view full_ref) const;  // not peeled
  // The commit that `revision` names, in any form `git rev-parse` accepts
  // ("stage/production", "HEAD~2", "fraud@v1.2.0", a hex id), tags peeled.
  // nullopt when it names nothing; Error(invalid) when it names an object
  // that is not a commit (a tree, a blob).
  std::optional<Oid> resolve_revision(std::string_view revision) const;
  std::optional<Oid> head_commit() const;       // nullopt on an unborn branch
  std::optional<std::string> head_branch_ref() const;  // "refs/heads/main" (also unborn); nullopt when detached
  // Every ref matching a glob ("refs/tags/*"), with its direct target, in one pass.
  // Sorted by name; symbolic refs are resolved (dangling ones left out); no
  // object is read, so 100,000 tags take well under a second.
  std::vector<std::pair<std::string, Oid>> list_refs(std::string_view glob) const;
  // The same answer as list_refs(prefix + "*"), read as git does: loose ref
  // files below the prefix, then a binary search of packed-refs, instead of
  // libgit2 loading every packed ref first (one model's tags among 100,000).
  std::vector<std::pair<std::string, Oid>> list_refs_with_prefix(std::string_view prefix) const;
  // Compare-and-swap: points `ref` at `target` only if it now points at
  // `expected` (nullopt: only if it does not exist). Returns false when another
  // writer moved it first (or holds its lock right now). Uses git's own ref
  // locking; the comparison is made under the lock, for creating too.
  bool update_ref(std::string_view ref, const Oid& target, const std::optional<Oid>& expected,
                  std::string_view reflog_message);
  // Same for a detached HEAD.
  bool update_detached_head(const Oid& target, const Oid& expected);
  // Removes the lock file of `ref` ("refs/heads/x" or "HEAD") when it is
  // older than `age`: git holds a ref's lock for the milliseconds it takes to
  // write 41 bytes, so an old one was left by a killed process, and git
  // itself would refuse every update until someone deletes it. Returns
  // whether a lock was removed.
  bool remove_stale_ref_lock(std::string_view ref, std::chrono::seconds age);

  // --- tags -----------------------------------------------------------------
  std::optional<TagInfo> read_tag(std::string_view tag_name) const;
  // Creates refs/tags/<name> as an annotated tag of `commit`. Returns false
  // (and writes no ref) when the tag already exists; Error(invalid) when git
  // would refuse the name. The message gets a trailing newline when it has
  // none, as git does.
  bool create_annotated_tag(std::string_view tag_name, const Oid& commit, const Signature& tagger,
                            std::string_view message);

  // --- objects --------------------------------------------------------------
  CommitInfo read_commit(const Oid& commit) const;
  // Content of the blob at `path` in the commit's tree; nullopt when absent.
  std::optional<std::string> read_file_at(const Oid& commit, std::string_view path) const;
  // Id of the tree at directory `path` in the commit's tree; nullopt when absent.
  std::optional<Oid> subtree_at(const Oid& commit, std::string_view path) const;
  // The entries of tree `tree`, one level, in git's order.
  std::vector<TreeEntry> list_tree(const Oid& tree) const;
  // Content of blob `blob`; Error(git) when it is missing or not a blob.
  std::string read_blob(const Oid& blob) const;
  // Whether the object database holds `id` (false for what a shallow clone
  // left out, e.g. the parent of its oldest commit).
  bool has_object(const Oid& id) const;
  // Every blob below tree `tree`, as (relative path, content), depth first.
  std::vector<TreeFile> read_tree_files(const Oid& tree) const;

  Oid write_blob(std::string_view content);
  // A tree holding exactly `files`; throws Error(invalid) for a duplicate
  // path, a file that is also a directory, or an unclean path ("..", "//").
  Oid write_tree(const std::vector<TreeFile>& files);
  // The tree of `base_commit` (the empty tree when nullopt) with directory
  // `path` replaced by `subtree`, or removed when `subtree` is nullopt.
  // Intermediate trees are created or dropped (when they become empty); a
  // file standing where a directory is needed is replaced. Removing a path
  // that is not there returns the base tree unchanged; putting the empty tree
  // at `path` removes it.
  Oid replace_subtree(const std::optional<Oid>& base_commit, std::string_view path,
                      const std::optional<Oid>& subtree);
  // The tree of `base_commit` (the empty tree when nullopt) with the file at
  // `path` set to `blob` (a regular, non-executable file).
  Oid replace_blob(const std::optional<Oid>& base_commit, std::string_view path, const Oid& blob);
  // Writes the commit object only (no ref moves); the message gets a trailing
  // newline when it has none.
  Oid create_commit(const Oid& tree, const std::vector<Oid>& parents, const Signature& author,
                    const Signature& committer, std::string_view message);

  // user.name / user.email with the current time; throws Error(invalid) with
  // a hint showing the `git config` commands when they are not set.
  Signature default_signature() const;

  // --- index and work tree ----------------------------------------------------
  // Makes the index entries under directory `dir` exactly the files of `tree`
  // (ids and modes), with stat data from the work tree where the file there
  // has the same content, and writes the index under git's lock. Entries
  // outside `dir` are untouched. Throws Error(conflict) when another git
  // process holds the index lock.
  void stage_tree_at(std::string_view dir, const Oid& tree);
  // `git add <path>` for one work-tree file (a deleted one: its removal);
  // Error(not_found) when the path is neither in the work tree nor the index.
  void stage_file(std::string_view path);
  bool is_ignored(std::string_view path) const;
  // The blobs staged in the index (stage 0) below directory `dir`, as
  // (path, blob id); empty in a bare repository.
  std::vector<std::pair<std::string, Oid>> index_files(std::string_view dir) const;

 private:
  struct Impl;
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace mreg::git
