// Opening and creating registries; the accessors every operation shares.
#include "mreg/registry.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "core/branch_commit.hpp"
#include "core/registry_impl.hpp"
#include "core/work_tree.hpp"
#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

// DESIGN §1: the store lives in git's common dir so worktrees share it, unless
// MREG_CACHE_DIR or git config mreg.cacheDir names another one.
fs::path store_root(const git::Repository& repo) {
  if (const char* env = std::getenv("MREG_CACHE_DIR"); env && *env) return fs::absolute(env);
  if (auto configured = repo.config_string("mreg.cacheDir"); configured && !configured->empty()) {
    return fs::absolute(repo.workdir() / *configured);
  }
  return repo.common_dir() / "mreg";
}

// A clone that has checked out a stage branch and has no mreg.yaml in its
// work tree (a deploy machine ran `git clone --depth 1 --branch
// stage/production`) can still read its stages: the config is the default
// branch's mreg.yaml when that was fetched (refs/remotes/<remote>/HEAD),
// else the defaults with one stage per stage branch in the clone and no
// rules. nullopt when the current branch is not a stage branch.
std::optional<RegistryConfig> deploy_clone_config(const git::Repository& repo) {
  const RegistryConfig defaults;
  const std::string stage_refs = branch_ref(defaults.stage_branch_prefix);
  const auto head = repo.head_branch_ref();
  if (!head || !head->starts_with(stage_refs)) return std::nullopt;
  auto remote = repo.config_string("mreg.gitRemote");
  if (!remote || remote->empty()) remote = "origin";
  if (const auto default_branch = repo.resolve_ref(fmt::format("refs/remotes/{}/HEAD", *remote))) {
    if (auto text = repo.read_file_at(*default_branch, config_file_name)) {
      return load_registry_config(*text, fmt::format("{}/HEAD:{}", *remote, config_file_name));
    }
  }
  std::set<std::string> stages;
  const std::string remote_stage_refs = fmt::format("refs/remotes/{}/{}", *remote, defaults.stage_branch_prefix);
  for (const auto& glob : {stage_refs, remote_stage_refs}) {
    for (const auto& [ref, target] : repo.list_refs(glob + "*")) {
      const std::string stage = ref.substr(glob.size());
      if (!stage_name_problem(stage)) stages.insert(stage);
    }
  }
  RegistryConfig config;
  for (const auto& stage : stages) config.stages.push_back(StageConfig{stage, {}, {}});
  return config;
}

}  // namespace

std::string Registry::Impl::model_dir(std::string_view name) const {
  return fmt::format("{}/{}", config.models_dir, name);
}

std::string Registry::Impl::model_file(std::string_view name) const {
  return fmt::format("{}/{}/model.yaml", config.models_dir, name);
}

std::string Registry::Impl::git_remote() const {
  auto configured = repo.config_string("mreg.gitRemote");
  return configured && !configured->empty() ? *configured : std::string("origin");
}

void Registry::Impl::require_work_tree_config(std::string_view what) const {
  if (config_in_work_tree) return;
  throw Error(ErrorCode::invalid,
              fmt::format("cannot {} here: there is no {} in the work tree, which is a checkout of a stage branch "
                          "(it holds only the stage's models)",
                          what, config_file_name),
              "run it in a clone of the registry's default branch");
}

Registry::Registry(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const RegistryConfig& Registry::config() const { return m_impl->config; }
const fs::path& Registry::workdir() const { return m_impl->workdir; }
BlobStore& Registry::store() { return m_impl->store; }
std::string Registry::git_remote() const { return m_impl->git_remote(); }

Registry Registry::open(const fs::path& start) {
  auto repo = git::Repository::discover(start);
  if (!repo) {
    throw Error(ErrorCode::not_found, fmt::format("not a git repository (or any parent): {}", start.string()),
                "run `mreg init` to create a registry here");
  }
  if (repo->is_bare()) {
    throw Error(ErrorCode::invalid, fmt::format("{} is a bare repository", repo->git_dir().string()),
                "run mreg in a clone with a work tree");
  }
  const fs::path workdir = repo->workdir();
  const auto config_text = read_work_file(workdir / config_file_name);
  std::optional<RegistryConfig> config;
  if (config_text) {
    config = load_registry_config(*config_text, config_file_name);
  } else {
    config = deploy_clone_config(*repo);
  }
  if (!config) {
    throw Error(ErrorCode::not_found, fmt::format("no {} in {}", config_file_name, workdir.string()),
                "run `mreg init` to make this repository a registry");
  }
  const fs::path root = store_root(*repo);
  return Registry(std::make_unique<Impl>(Impl{std::move(*repo), workdir, std::move(*config), BlobStore(root),
                                              config_text.has_value(), FactCache(root / "cache.sqlite")}));
}

InitResult Registry::init(const fs::path& directory, const InitOptions& options) {
  for (const auto& stage : options.stages) {
    if (auto problem = stage_name_problem(stage)) {
      throw Error(ErrorCode::invalid, fmt::format("--stages: {}", *problem));
    }
  }
  InitResult result;
  auto repo = git::Repository::discover(directory);
  if (!repo) {
    fs::create_directories(directory);
    repo = git::Repository::init(directory);
    result.created_git_repository = true;
  }
  if (repo->is_bare()) {
    throw Error(ErrorCode::invalid, fmt::format("{} is a bare repository", repo->git_dir().string()),
                "run `mreg init` in a clone with a work tree");
  }
  result.workdir = repo->workdir();
  const fs::path config_path = result.workdir / config_file_name;
  if (fs::exists(config_path)) {
    throw Error(ErrorCode::already_exists, fmt::format("{} already exists", config_path.string()),
                "this repository is already a registry; edit mreg.yaml to change its settings");
  }
  const auto config = RegistryConfig::with_stages(options.stages);
  const std::string text = emit_registry_config(config);
  // Commit before touching the work tree, so a missing identity leaves nothing behind.
  if (options.commit) {
    const auto signature = repo->default_signature();
    const auto blob = repo->write_blob(text);
    const auto commit = commit_on_head(
        *repo, [&](const std::optional<git::Oid>& head) { return repo->replace_blob(head, config_file_name, blob); },
        signature, "mreg init\n");
    result.commit = commit.hex();
  }
  write_work_file(config_path, text);
  fs::create_directories(result.workdir / config.models_dir);
  repo->stage_file(config_file_name);
  return result;
}

}  // namespace mreg
