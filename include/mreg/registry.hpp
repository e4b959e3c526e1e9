// Registry: the operations the CLI offers, for any program to call.
//
// Start here. A Registry is a git repository with an mreg.yaml at the top of
// its work tree; it owns a BlobStore in git's common dir (.git/mreg, or
// MREG_CACHE_DIR / git config mreg.cacheDir). Reads never change the
// repository. Writes (add, register_version) touch only the model's own
// directory in the work tree and index, the current branch, and the new tag;
// other staged or unstaged changes are left exactly as they were. Stage
// changes (promote, demote) write a commit and move a stage branch, and
// deprecate writes a tag: none of them touches the work tree, index or HEAD.
// A checkout of a stage branch without mreg.yaml (a deploy clone) opens for
// reading, with the stages it holds; it refuses every write.
//
// Failure contract: every operation throws mreg::Error; a failed operation
// leaves no tag, no moved branch and no half-written file behind (objects
// already stored are kept: they are content-addressed and harmless).
// A Registry object is not thread-safe; separate processes may work on one
// repository at once (branch updates are compare-and-swap and retried).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mreg/blob_store.hpp"
#include "mreg/config.hpp"
#include "mreg/diagnostic.hpp"
#include "mreg/diff.hpp"
#include "mreg/maintenance.hpp"
#include "mreg/remote.hpp"
#include "mreg/metadata.hpp"
#include "mreg/progress.hpp"
#include "mreg/refs.hpp"
#include "mreg/stages.hpp"
#include "mreg/version.hpp"

namespace mreg {

// The metadata flags of DESIGN §6. Unset members leave the base value alone.
struct MetadataEdits {
  std::optional<std::string> description, owner, license, framework, task, base_model;
  std::vector<std::string> tags;      // when non-empty, replaces the list
  std::vector<std::string> datasets;  // when non-empty, replaces the list
  std::vector<std::pair<std::string, std::string>> metrics;  // "--metric K=V", merged
  std::vector<std::pair<std::string, std::string>> params;   // "--param K=V", merged
  std::vector<std::pair<std::string, std::string>> custom;   // "--set K=V", merged
  std::optional<std::filesystem::path> metrics_file, params_file;  // YAML or JSON maps, merged
};

struct InitOptions {
  std::vector<std::string> stages;  // empty: staging, production
  bool commit = false;              // also commit mreg.yaml
};

struct InitResult {
  std::filesystem::path workdir;
  bool created_git_repository = false;
  std::optional<std::string> commit;  // with InitOptions::commit
};

struct AddOptions {
  std::string name;
  std::vector<std::filesystem::path> paths;  // files or directories; replace the artifact list
  MetadataEdits edits;
};

struct AddResult {
  ModelMetadata metadata;              // the draft as written
  std::filesystem::path metadata_file; // absolute path of models/<name>/model.yaml
  std::uint64_t bytes_total = 0;       // bytes of the artifacts ingested
  std::uint64_t bytes_new = 0;         // of those, bytes the store did not have (the rest was deduplicated)
  std::uint64_t bytes_hashed = 0;      // bytes read; files unchanged since they were last stored are not read
  std::vector<std::string> warnings;   // e.g. "model.safetensors: malformed header ...; chunked by content only"
};

struct RegisterOptions {
  AddOptions add;                 // paths may be empty: the draft's artifacts are kept
  std::optional<Version> version; // exact version
  std::optional<Bump> bump;       // else bump from the latest (default: minor; first 0.1.0)
  std::string message;            // extra tag message text
};

struct VersionInfo {
  std::string name;
  Version version;
  std::string tag;                // "name@v1.2.0"
  std::string commit;             // hex id of the tagged commit
  std::string tagger_name, tagger_email;
  std::int64_t time = 0;          // tagger time, seconds since the epoch
  int time_offset_minutes = 0;
  std::string message;            // tag message after the first line
  bool deprecated = false;
  std::string deprecation_reason;
};

struct RegisterResult {
  VersionInfo version;
  ModelMetadata metadata;
  std::optional<Version> previous_latest;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_new = 0;
  std::uint64_t bytes_hashed = 0;
  std::vector<std::string> warnings;
};

struct ModelSummary {
  std::string name;
  std::optional<Version> latest;  // nullopt when every version is deprecated (or no tag is in this clone)
  std::size_t version_count = 0;
  std::size_t deprecated_count = 0;
  // What each configured stage holds of this model, in the order of mreg.yaml;
  // stages that do not hold it are left out.
  std::vector<std::pair<std::string, StageEntry>> stages;
};

struct ResolvedVersion {
  VersionInfo info;
  ModelMetadata metadata;
  // Configured stages whose branch holds exactly this version (the tagged
  // subtree), in the order of mreg.yaml.
  std::vector<std::string> stages;
  // NAME#STAGE only: the stage commit read. When `verified` is false the
  // version tag is not in this clone (a clone of the stage branch only): the
  // metadata is the stage's copy, and `info` holds only name, version and tag.
  std::string stage_commit;
  bool verified = true;
};

enum class Overwrite { no, yes };

struct RemoteInfo {
  std::string name;
  std::string url;
  bool is_default = false;
  bool from_git_config = false;  // the URL comes from git config mreg.remote.<name>.url
};

struct TransferOptions {
  std::string remote;  // a remote's name or a URL; empty: the default remote
  int jobs = 8;        // parallel transfers
};

struct TransferReport {
  std::string remote;              // where: the remote's name, else its URL
  std::size_t files = 0;           // artifact files the versions need
  std::size_t objects_sent = 0;    // objects and manifests transferred
  std::size_t objects_skipped = 0; // push: objects the remote had; fetch: files the local store had
  std::uint64_t bytes_sent = 0;    // bytes transferred
  double seconds = 0;
};

struct GetResult {
  enum class FileStatus { written, unchanged, replaced };
  std::filesystem::path directory;
  std::vector<std::pair<std::string, FileStatus>> files;  // artifact path -> what happened
  std::uint64_t bytes_written = 0;
  // False for NAME#STAGE read from a stage whose version tag `tag` is not in
  // this clone: the artifact list is the stage's copy, the files are still
  // checked against its digests.
  bool verified = true;
  std::string tag;
};

class Registry {
 public:
  // Creates mreg.yaml and the models directory in `directory` (running
  // `git init` there when it is not inside a repository) and stages mreg.yaml.
  // Throws Error(already_exists) when mreg.yaml exists.
  static InitResult init(const std::filesystem::path& directory, const InitOptions& options);

  // Finds the repository containing `start` and reads its mreg.yaml. Throws
  // Error(not_found) with a hint to run `mreg init` when there is none.
  static Registry open(const std::filesystem::path& start);

  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  ~Registry();

  const RegistryConfig& config() const;
  const std::filesystem::path& workdir() const;
  BlobStore& store();
  // The git remote that stage branches and tags go to: git config
  // mreg.gitRemote, else "origin".
  std::string git_remote() const;

  // Stores the files and writes the draft models/<name>/model.yaml (without a
  // version), staged in the index.
  AddResult add(const AddOptions& options, Progress& progress = no_progress());
  // add() if paths are given, then commits models/<name>/ on the current
  // branch and creates the annotated version tag.
  RegisterResult register_version(const RegisterOptions& options, Progress& progress = no_progress());

  std::vector<ModelSummary> list() const;           // sorted by name
  std::vector<VersionInfo> versions(std::string_view name) const;  // newest first
  ResolvedVersion resolve(const ModelRef& ref) const;

  // Materializes a version's artifacts under `directory`, verified. Identical
  // files are left alone; a different existing file is replaced only with
  // Overwrite::yes (else Error(already_exists) before anything is written).
  GetResult get(const ModelRef& ref, const std::filesystem::path& directory, Overwrite overwrite,
                Progress& progress = no_progress());

  // --- stages (stages.hpp) ---------------------------------------------------
  // Configured stages in order, each with what its branch holds.
  std::vector<StageState> stages() const;
  StageState stage(std::string_view stage) const;  // Error(not_found) for an unconfigured stage
  // The promotion commit of DESIGN §2 on the stage branch (or options.branch),
  // written without touching the work tree, index or current branch. Refuses
  // unknown stages, deprecated versions and broken rules (unless forced), with
  // the rule and the fix named; a no-op when the stage already holds it.
  StageChange promote(const PromoteOptions& options);
  StageChange demote(const DemoteOptions& options);
  // Creates the deprecation tag "<name>@v<version>!" with `reason` as message.
  DeprecateResult deprecate(const ModelRef& ref, std::string_view reason);
  // Registrations, promotions, demotions and deprecations, oldest first; all
  // models when `name` is empty.
  std::vector<HistoryEvent> history(std::string_view name = {}) const;

  // --- comparing (diff.hpp) ----------------------------------------------------
  DiffReport diff(const ModelRef& a, const ModelRef& b) const;
  // What moving a stage branch from `base` to `head` (any revisions git
  // accepts) does: promotions with the stage's rules checked, demotions, and
  // problems (subtrees that are not registered versions'). The stage is
  // `stage`, else the one whose branch `base` names ("stage/production",
  // "origin/stage/production"); Error(usage) when neither says.
  ReviewReport review(std::string_view base, std::string_view head, std::string_view stage = {}) const;

  // Validates the given files (model.yaml or mreg.yaml, told apart by name),
  // or with no paths mreg.yaml and every models/**/model.yaml in the work tree.
  std::vector<Diagnostic> validate(const std::vector<std::filesystem::path>& paths) const;

  // --- the local blob store (maintenance.hpp) ----------------------------------
  // Re-hashes every file that the versions `refs` name and reports each
  // artifact's state; with no refs, every version tag's version and every
  // version a stage holds whose tag is not in this clone. Throws only when a
  // ref names nothing (as resolve() does); a version whose metadata cannot be
  // read is reported in its entry. A corrupt object is moved aside.
  VerifyReport verify(const std::vector<ModelRef>& refs = {}) const;
  // Deletes what nothing needs from the local store (or, with dry_run, says
  // what it would delete). Throws Error(invalid) and deletes nothing when a
  // model.yaml on a ref or in a work tree cannot be read, since what it
  // names cannot be known, and when the store is set by MREG_CACHE_DIR or
  // mreg.cacheDir (other clones that share it have refs this one cannot see).
  GcReport gc(const GcOptions& options);

  // --- blob remotes (remote.hpp, DESIGN §3 remotes) ---------------------------
  // Every configured remote: mreg.yaml's `remotes`, with per-user overrides
  // from git config (mreg.remote.<name>.url replaces a URL or adds a remote;
  // mreg.defaultRemote replaces default_remote).
  std::vector<RemoteInfo> remotes() const;
  // The remote called `name_or_url`, else `name_or_url` read as a URL when it
  // looks like one (contains "://" or starts with '/' or '.'), else the
  // default remote when it is empty. Throws Error(not_found) naming the
  // configured remotes, with the `mreg remote add` hint.
  RemoteUrl remote_url(std::string_view name_or_url = {}) const;
  // Edits mreg.yaml's remotes (and stages it in the index): the first remote
  // added becomes default_remote; `make_default` makes this one the default.
  // Error(conflict) when `name` exists; Error(invalid) for a bad name or URL.
  void add_remote(std::string_view name, std::string_view url, bool make_default);
  // Error(not_found) when there is no such remote in mreg.yaml. Removing the
  // default remote makes the first remaining one (if any) the default.
  void remove_remote(std::string_view name);
  // Makes an existing remote the default.
  void set_default_remote(std::string_view name);

  // Uploads every object the versions `refs` need (none: every version tag
  // and every stage's versions) that the remote lacks, chunks before their
  // manifests. Returns what was sent and skipped.
  TransferReport push(const std::vector<ModelRef>& refs, const TransferOptions& options,
                      Progress& progress = no_progress());
  // Brings every object the versions need that the local store lacks,
  // verified before it enters the store.
  TransferReport fetch(const std::vector<ModelRef>& refs, const TransferOptions& options,
                       Progress& progress = no_progress());
  // Whether the remote holds every object the versions need (HEAD requests;
  // a chunked file's manifest is read to find its chunks). Statuses: ok,
  // missing, corrupt (wrong size, unreadable manifest).
  VerifyReport verify_remote(const std::vector<ModelRef>& refs, const TransferOptions& options) const;

  // --- git hooks (DESIGN §7; src/core/hook_*.cpp) -----------------------------
  // One line of what git gives pre-push, pre-receive or update: a ref moving
  // from `old_id` to `new_id` (hex; all zeros for "absent").
  struct RefUpdate {
    std::string ref;     // "refs/tags/fraud@v1.2.0", "refs/heads/stage/production"
    std::string old_id, new_id;
  };
  // Installs hooks/'s scripts (pre-commit and pre-push; with `server`,
  // pre-receive) into the hooks directory of the repository containing
  // `start` (core.hooksPath honoured). A hook already there that is not
  // mreg's is kept as NAME.local and run first; Error(conflict) when
  // NAME.local is taken too, unless `overwrite` (the old NAME is then lost).
  // Returns the paths written.
  static std::vector<std::filesystem::path> install_hooks(const std::filesystem::path& start, bool server,
                                                          Overwrite overwrite);
  // pre-commit: validates the staged (index) mreg.yaml and models/**/model.yaml
  // and checks that every artifact they name is in the local store or on the
  // default remote. Empty when all is well.
  std::vector<Diagnostic> check_staged() const;
  // pre-push: the versions that the pushed refs need (version tags and every
  // version on pushed stage tips); no object or remote is read for refs that
  // are neither.
  std::vector<ModelRef> pushed_versions(const std::vector<RefUpdate>& updates) const;
  // Server guard (update / pre-receive) of the bare repository `git_dir`:
  // one message per refused ref, naming the ref, the rule and the fix; empty
  // when every update may go in. Version tags created by `updates` count as
  // registered (pre-receive runs before git writes any ref of the push).
  static std::vector<std::string> guard_ref_updates(const std::filesystem::path& git_dir,
                                                    const std::vector<RefUpdate>& updates);

 public:
  // Opaque to users; declared here so the library's implementation files share it.
  struct Impl;

 private:
  explicit Registry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace mreg
