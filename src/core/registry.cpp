// Opening and creating registries; the accessors every operation shares.
#include "mreg/registry.hpp"

#include <cstdlib>
#include <fstream>
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

}  // namespace

std::string Registry::Impl::model_dir(std::string_view name) const {
  return fmt::format("{}/{}", config.models_dir, name);
}

std::string Registry::Impl::model_file(std::string_view name) const {
  return fmt::format("{}/{}/model.yaml", config.models_dir, name);
}

Registry::Registry(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const RegistryConfig& Registry::config() const { return m_impl->config; }
const fs::path& Registry::workdir() const { return m_impl->workdir; }
BlobStore& Registry::store() { return m_impl->store; }

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
  if (!config_text) {
    throw Error(ErrorCode::not_found, fmt::format("no {} in {}", config_file_name, workdir.string()),
                "run `mreg init` to make this repository a registry");
  }
  auto config = load_registry_config(*config_text, config_file_name);
  auto store = BlobStore(store_root(*repo));
  return Registry(std::make_unique<Impl>(Impl{std::move(*repo), workdir, std::move(config), std::move(store)}));
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
