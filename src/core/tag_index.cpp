#include "core/tag_index.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mreg/refs.hpp"

namespace mreg {

TagIndex TagIndex::read(const git::Repository& repo) { return from_refs(repo.list_refs("refs/tags/*"), {}); }

TagIndex TagIndex::read_model(const git::Repository& repo, std::string_view name) {
  return from_refs(repo.list_refs_with_prefix(fmt::format("refs/tags/{}@v", name)), name);
}

TagIndex TagIndex::from_refs(const std::vector<std::pair<std::string, git::Oid>>& refs, std::string_view only) {
  constexpr std::string_view prefix = "refs/tags/";
  TagIndex index;
  std::map<std::string, std::vector<Version>, std::less<>> deprecations;
  for (const auto& [ref, target] : refs) {
    auto parsed = parse_tag_name(std::string_view(ref).substr(prefix.size()));
    if (!parsed || (!only.empty() && parsed->model != only)) continue;
    if (parsed->deprecation) {
      deprecations[parsed->model].push_back(parsed->version);
    } else {
      index.m_models[parsed->model].push_back({parsed->version, target, false});
    }
  }
  for (auto& [name, versions] : index.m_models) {
    std::sort(versions.begin(), versions.end(),
              [](const IndexedVersion& a, const IndexedVersion& b) { return a.version < b.version; });
    if (auto it = deprecations.find(name); it != deprecations.end()) {
      for (auto& entry : versions) {
        entry.deprecated = std::find(it->second.begin(), it->second.end(), entry.version) != it->second.end();
      }
    }
  }
  return index;
}

const std::vector<IndexedVersion>& TagIndex::versions_of(std::string_view name) const {
  static const std::vector<IndexedVersion> none;
  auto it = m_models.find(name);
  return it == m_models.end() ? none : it->second;
}

const IndexedVersion* TagIndex::find(std::string_view name, const Version& version) const {
  const auto& versions = versions_of(name);
  auto it = std::lower_bound(versions.begin(), versions.end(), version,
                             [](const IndexedVersion& entry, const Version& v) { return entry.version < v; });
  return it != versions.end() && it->version == version ? &*it : nullptr;
}

std::optional<Version> TagIndex::latest(std::string_view name) const {
  const auto& versions = versions_of(name);
  std::optional<Version> prerelease;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->deprecated) continue;
    if (!it->version.is_prerelease()) return it->version;
    if (!prerelease) prerelease = it->version;
  }
  return prerelease;
}

std::optional<Version> TagIndex::highest(std::string_view name) const {
  const auto& versions = versions_of(name);
  if (versions.empty()) return std::nullopt;
  return versions.back().version;
}

std::vector<std::string> TagIndex::names() const {
  std::vector<std::string> result;
  result.reserve(m_models.size());
  for (const auto& [name, versions] : m_models) result.push_back(name);
  return result;
}

}  // namespace mreg
