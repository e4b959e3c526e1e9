// Registry's blob remotes (DESIGN §3 `remotes`, `default_remote`): reading
// them with the user's git config overrides, resolving a --remote argument,
// and editing them in mreg.yaml.
//
// mreg.yaml holds what the team shares; git config holds what one user
// changes for themselves (a mirror closer to them, another default), as
// git's own remote.<name>.url does.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/name_rules.hpp"
#include "core/registry_impl.hpp"
#include "core/work_tree.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

constexpr std::string_view git_url_prefix = "mreg.remote.";
constexpr std::string_view git_url_suffix = ".url";
constexpr std::string_view git_default_key = "mreg.defaultRemote";

// The same rule that parse_registry_config() applies to `remotes:` keys, so
// that whatever `mreg remote add` accepts, mreg.yaml accepts too.
void check_remote_name(std::string_view name) {
  if (auto problem = name_segment_problem(name)) {
    throw Error(ErrorCode::invalid, fmt::format("invalid remote name {:?}: {}", name, *problem),
                "e.g. origin, team-s3 or nas");
  }
}

bool is_plain_relative_path(std::string_view url) {
  return !url.empty() && url.find("://") == std::string_view::npos && !fs::path(url).is_absolute();
}

std::string names_of(const std::vector<RemoteInfo>& remotes) {
  if (remotes.empty()) return "none is configured";
  std::vector<std::string_view> names;
  for (const auto& remote : remotes) names.push_back(remote.name);
  return fmt::format("remotes: {}", fmt::join(names, ", "));
}

// The remotes as mreg.yaml lists them, then those that only git config adds
// (sorted by name), with git config's URLs in place of mreg.yaml's.
std::vector<RemoteInfo> merged_remotes(const Registry::Impl& impl) {
  std::vector<RemoteInfo> remotes;
  for (const auto& [name, url] : impl.config.remotes) remotes.push_back(RemoteInfo{name, url, false, false});
  for (const auto& [key, url] : impl.repo.config_entries(git_url_prefix, git_url_suffix)) {
    const std::string name =
        key.substr(git_url_prefix.size(), key.size() - git_url_prefix.size() - git_url_suffix.size());
    if (auto problem = name_segment_problem(name)) {
      throw Error(ErrorCode::invalid, fmt::format("git config {}: invalid remote name {:?}: {}", key, name, *problem),
                  fmt::format("rename it, or remove it with: git config --unset {}", key));
    }
    auto existing = std::find_if(remotes.begin(), remotes.end(), [&](const RemoteInfo& r) { return r.name == name; });
    if (existing == remotes.end()) existing = remotes.insert(remotes.end(), RemoteInfo{name, {}, false, false});
    existing->url = url;
    existing->from_git_config = true;
  }
  return remotes;
}

std::optional<std::string> git_default_remote(const Registry::Impl& impl) {
  auto configured = impl.repo.config_string(git_default_key);
  return configured && !configured->empty() ? configured : std::nullopt;
}

std::optional<std::string> default_remote_name(const Registry::Impl& impl) {
  if (auto configured = git_default_remote(impl)) return configured;
  return impl.config.default_remote;
}

// A configured URL that is a relative path is relative to the top of the
// work tree, where mreg.yaml is, so that it names the same directory from
// any subdirectory (as git reads a relative remote.<name>.url).
RemoteUrl parse_configured_url(const Registry::Impl& impl, const std::string& url) {
  if (is_plain_relative_path(url)) return RemoteUrl::parse((impl.workdir / url).lexically_normal().string());
  return RemoteUrl::parse(url);
}

// mreg.yaml as the work tree has it now (not as it was when the registry
// was opened), for editing.
RegistryConfig load_work_tree_config(const Registry::Impl& impl) {
  const auto text = read_work_file(impl.workdir / config_file_name);
  if (!text) {
    throw Error(ErrorCode::not_found, fmt::format("no {} in {}", config_file_name, impl.workdir.string()),
                "run `mreg init` to make this repository a registry");
  }
  return load_registry_config(*text, config_file_name);
}

// Writes `config` as mreg.yaml and stages it, as `mreg init` does. Emitting
// writes mreg.yaml in its canonical form: comments and the original layout
// are not kept (`mreg init` writes none, so its file changes only by the new
// keys). The text is read back first, so a file that would not load is
// never written.
void save_work_tree_config(Registry::Impl& impl, RegistryConfig config) {
  const std::string text = emit_registry_config(config);
  load_registry_config(text, config_file_name);
  write_work_file(impl.workdir / config_file_name, text);
  impl.repo.stage_file(config_file_name);
  impl.config = std::move(config);
}

using RemoteEntries = std::vector<std::pair<std::string, std::string>>;

RemoteEntries::iterator find_entry(RemoteEntries& remotes, std::string_view name) {
  return std::find_if(remotes.begin(), remotes.end(), [&](const auto& entry) { return entry.first == name; });
}

// `name` is not among mreg.yaml's `remotes`; say so, and say where it is
// when the user's git config has it (only git config can change it there).
[[noreturn]] void throw_not_in_config(const Registry::Impl& impl, const RemoteEntries& remotes, std::string_view name,
                                      std::string_view git_config_hint) {
  const std::string key = fmt::format("{}{}{}", git_url_prefix, name, git_url_suffix);
  if (impl.repo.config_string(key)) {
    throw Error(ErrorCode::not_found,
                fmt::format("remote {:?} is not in {}; it is set in your git config ({})", name, config_file_name, key),
                std::string(git_config_hint));
  }
  std::vector<std::string_view> names;
  for (const auto& [configured, url] : remotes) names.push_back(configured);
  const std::string listing =
      names.empty() ? std::string("it has none") : fmt::format("remotes: {}", fmt::join(names, ", "));
  throw Error(ErrorCode::not_found, fmt::format("no remote {:?} in {} ({})", name, config_file_name, listing),
              "see them with: mreg remote list");
}

}  // namespace

std::vector<RemoteInfo> Registry::remotes() const {
  auto remotes = merged_remotes(*m_impl);
  if (const auto default_name = default_remote_name(*m_impl)) {
    for (auto& remote : remotes) remote.is_default = remote.name == *default_name;
  }
  return remotes;
}

RemoteUrl Registry::remote_url(std::string_view name_or_url) const {
  const auto remotes = merged_remotes(*m_impl);
  const auto find = [&](std::string_view name) {
    return std::find_if(remotes.begin(), remotes.end(), [&](const RemoteInfo& r) { return r.name == name; });
  };
  if (name_or_url.empty()) {
    const auto default_name = default_remote_name(*m_impl);
    if (!default_name) {
      throw Error(ErrorCode::not_found, fmt::format("no default remote is configured ({})", names_of(remotes)),
                  remotes.empty() ? "add one with: mreg remote add NAME URL (the first one added becomes the default)"
                                  : "choose one with: mreg remote default NAME, or pass --remote NAME");
    }
    const auto found = find(*default_name);
    if (found == remotes.end()) {
      const bool from_git = git_default_remote(*m_impl).has_value();
      throw Error(ErrorCode::not_found,
                  fmt::format("the default remote {:?} ({}) is not a configured remote ({})", *default_name,
                              from_git ? fmt::format("git config {}", git_default_key) : "mreg.yaml default_remote",
                              names_of(remotes)),
                  from_git ? fmt::format("fix it with: git config {} NAME", git_default_key)
                           : std::string("fix it with: mreg remote default NAME"));
    }
    return parse_configured_url(*m_impl, found->url);
  }
  if (const auto found = find(name_or_url); found != remotes.end()) return parse_configured_url(*m_impl, found->url);
  if (name_or_url.find("://") != std::string_view::npos || name_or_url.starts_with('/') ||
      name_or_url.starts_with('.')) {
    return RemoteUrl::parse(name_or_url);
  }
  throw Error(ErrorCode::not_found, fmt::format("no remote called {:?} ({})", name_or_url, names_of(remotes)),
              "add it with: mreg remote add NAME URL, or give a URL (s3://..., https://..., /path)");
}

void Registry::add_remote(std::string_view name, std::string_view url, bool make_default) {
  m_impl->require_work_tree_config("add a remote");
  check_remote_name(name);
  RemoteUrl::parse(url);
  auto config = load_work_tree_config(*m_impl);
  if (const auto existing = find_entry(config.remotes, name); existing != config.remotes.end()) {
    throw Error(ErrorCode::already_exists,
                fmt::format("remote {:?} already exists in {} ({})", name, config_file_name, existing->second),
                fmt::format("remove it first (mreg remote remove {}), or give yourself another URL for it with: "
                            "git config {}{}{} URL",
                            name, git_url_prefix, name, git_url_suffix));
  }
  std::string stored(url);
  if (is_plain_relative_path(url)) {
    // Given relative to the current directory; stored relative to the top
    // of the work tree (see parse_configured_url).
    const auto target = fs::weakly_canonical(fs::absolute(fs::path(url)));
    stored = target.lexically_relative(fs::weakly_canonical(m_impl->workdir)).generic_string();
    if (stored.empty()) stored = ".";
  }
  config.remotes.emplace_back(name, std::move(stored));
  if (make_default || !config.default_remote) config.default_remote = std::string(name);
  save_work_tree_config(*m_impl, std::move(config));
}

void Registry::remove_remote(std::string_view name) {
  m_impl->require_work_tree_config("remove a remote");
  auto config = load_work_tree_config(*m_impl);
  const auto existing = find_entry(config.remotes, name);
  if (existing == config.remotes.end()) {
    throw_not_in_config(*m_impl, config.remotes, name,
                        fmt::format("remove it from your git config with: git config --unset {}{}{}", git_url_prefix,
                                    name, git_url_suffix));
  }
  config.remotes.erase(existing);
  if (config.default_remote == name) {
    config.default_remote = config.remotes.empty() ? std::nullopt : std::optional(config.remotes.front().first);
  }
  save_work_tree_config(*m_impl, std::move(config));
}

void Registry::set_default_remote(std::string_view name) {
  m_impl->require_work_tree_config("change the default remote");
  auto config = load_work_tree_config(*m_impl);
  if (find_entry(config.remotes, name) == config.remotes.end()) {
    // mreg.yaml's default_remote must name one of its own remotes.
    throw_not_in_config(*m_impl, config.remotes, name,
                        fmt::format("make it your own default with: git config {} {}", git_default_key, name));
  }
  config.default_remote = std::string(name);
  save_work_tree_config(*m_impl, std::move(config));
}

}  // namespace mreg
