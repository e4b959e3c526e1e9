// Opening and creating repositories, their paths and config, and the lookups
// shared by the other parts of Repository.
#include <set>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/library.hpp"
#include "git/repository_impl.hpp"
#include "mreg/error.hpp"

namespace mreg::git {
namespace {

// libgit2 reports directories with a trailing '/'; std::filesystem does not.
std::filesystem::path directory_path(const char* path) {
  std::string text(path);
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// The value of `key` in a config snapshot; nullopt when the key is not set.
std::optional<std::string> config_value(git_config* snapshot, const std::string& key) {
  const char* value = nullptr;
  const int rc = git_config_get_string(&value, snapshot, key.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, fmt::format("reading git config {}", key));
  return std::string(value);
}

// init.defaultBranch from the user's and the system's git config, as `git init` reads it.
std::string initial_branch() {
  git_config* raw = nullptr;
  check(git_config_open_default(&raw), "reading the global git config");
  const ConfigPtr config(raw);
  check(git_config_snapshot(&raw, config.get()), "reading the global git config");
  const ConfigPtr snapshot(raw);
  const auto branch = config_value(snapshot.get(), "init.defaultBranch");
  return branch && !branch->empty() ? *branch : "main";
}

}  // namespace

std::optional<Repository> Repository::discover(const std::filesystem::path& start) {
  ensure_libgit2_initialized();
  std::error_code ec;
  if (!std::filesystem::is_directory(start, ec)) {
    throw Error(ErrorCode::not_found, fmt::format("{} is not a directory", start.string()));
  }
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, start.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, fmt::format("opening the git repository containing {}", start.string()));
  auto impl = std::make_unique<Impl>();
  impl->repo.reset(raw);
  return Repository(std::move(impl));
}

Repository Repository::init(const std::filesystem::path& directory) {
  ensure_libgit2_initialized();
  const std::string branch = initial_branch();
  git_repository_init_options options;
  check(git_repository_init_options_init(&options, GIT_REPOSITORY_INIT_OPTIONS_VERSION),
        "preparing git init");
  options.flags = GIT_REPOSITORY_INIT_MKPATH;
  options.initial_head = branch.c_str();
  git_repository* raw = nullptr;
  check(git_repository_init_ext(&raw, directory.c_str(), &options),
        fmt::format("creating a git repository in {}", directory.string()));
  auto impl = std::make_unique<Impl>();
  impl->repo.reset(raw);
  return Repository(std::move(impl));
}

Repository::Repository(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

bool Repository::is_bare() const { return git_repository_is_bare(m_impl->get()) != 0; }

std::filesystem::path Repository::workdir() const {
  const char* workdir = git_repository_workdir(m_impl->get());
  if (workdir == nullptr) {
    throw Error(ErrorCode::invalid,
                fmt::format("{} is a bare repository, and this needs a work tree", git_dir().string()),
                "run the command in a clone that has a work tree");
  }
  return directory_path(workdir);
}

std::filesystem::path Repository::git_dir() const {
  return directory_path(git_repository_path(m_impl->get()));
}

std::filesystem::path Repository::common_dir() const {
  return directory_path(git_repository_commondir(m_impl->get()));
}

std::optional<std::string> Repository::config_string(std::string_view key) const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, m_impl->get()), "reading git config");
  const ConfigPtr snapshot(raw);
  return config_value(snapshot.get(), std::string(key));
}

std::vector<std::pair<std::string, std::string>> Repository::config_entries(std::string_view prefix,
                                                                            std::string_view suffix) const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, m_impl->get()), "reading git config");
  const ConfigPtr snapshot(raw);
  git_config_iterator* raw_iterator = nullptr;
  const std::string what = fmt::format("listing git config {}*{}", prefix, suffix);
  check(git_config_iterator_new(&raw_iterator, snapshot.get()), what);
  const Handle<git_config_iterator, git_config_iterator_free> iterator(raw_iterator);
  // The iterator yields a key once per file that sets it (and per value of a
  // multi-valued key); the set keeps one, and config_value() picks the value
  // git would use.
  std::set<std::string> names;
  git_config_entry* entry = nullptr;
  int rc = 0;
  while ((rc = git_config_next(&entry, iterator.get())) == 0) {
    const std::string_view name = entry->name;
    if (name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix)) {
      names.insert(std::string(name));
    }
  }
  if (rc != GIT_ITEROVER) check(rc, what);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& name : names) {
    if (auto value = config_value(snapshot.get(), name)) entries.emplace_back(name, std::move(*value));
  }
  return entries;
}

CommitPtr lookup_commit(git_repository* repo, const Oid& id) {
  const git_oid oid = to_git(id);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo, &oid), fmt::format("reading commit {}", id.hex()));
  return CommitPtr(raw);
}

TreePtr lookup_tree(git_repository* repo, const Oid& id) {
  const git_oid oid = to_git(id);
  git_tree* raw = nullptr;
  check(git_tree_lookup(&raw, repo, &oid), fmt::format("reading tree {}", id.hex()));
  return TreePtr(raw);
}

BlobPtr lookup_blob(git_repository* repo, const git_oid& id) {
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, &id), fmt::format("reading blob {}", from_git(id).hex()));
  return BlobPtr(raw);
}

TreePtr commit_tree(git_repository* repo, const Oid& commit) {
  const CommitPtr object = lookup_commit(repo, commit);
  git_tree* raw = nullptr;
  check(git_commit_tree(&raw, object.get()), fmt::format("reading the tree of commit {}", commit.hex()));
  return TreePtr(raw);
}

TreeEntryPtr entry_at(const git_tree* tree, const std::string& path) {
  git_tree_entry* raw = nullptr;
  const int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) return nullptr;
  check(rc, fmt::format("looking up {} in tree {}", path, from_git(*git_tree_id(tree)).hex()));
  return TreeEntryPtr(raw);
}

SignaturePtr make_signature(const Signature& signature, std::string_view role) {
  git_signature* raw = nullptr;
  check(git_signature_new(&raw, signature.name.c_str(), signature.email.c_str(), signature.time,
                          signature.offset_minutes),
        fmt::format("making the {} signature \"{} <{}>\"", role, signature.name, signature.email));
  return SignaturePtr(raw);
}

}  // namespace mreg::git
