// Registry's read operations: list, versions, resolve.
//
// All of them start from one TagIndex (a single pass over refs/tags), so
// their cost grows with the number of tags read, never with tags × models.
#include <algorithm>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"

namespace mreg {
namespace {

const std::vector<IndexedVersion>& known_versions(const TagIndex& tags, std::string_view name) {
  check_model_name(name);
  const auto& versions = tags.versions_of(name);
  if (versions.empty()) {
    throw Error(ErrorCode::not_found, fmt::format("no registered model named \"{}\"", name),
                "`mreg list` shows the registered models; `mreg register NAME PATH...` adds one");
  }
  return versions;
}

std::string version_list(const std::vector<IndexedVersion>& versions) {
  std::string text;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!text.empty()) text += ", ";
    text += it->version.str();
  }
  return text;
}

}  // namespace

std::vector<ModelSummary> Registry::list() const {
  const auto tags = TagIndex::read(m_impl->repo);
  std::vector<ModelSummary> result;
  for (const auto& name : tags.names()) {
    const auto& versions = tags.versions_of(name);
    ModelSummary summary;
    summary.name = name;
    summary.latest = tags.latest(name);
    summary.version_count = versions.size();
    summary.deprecated_count = static_cast<std::size_t>(
        std::count_if(versions.begin(), versions.end(), [](const IndexedVersion& v) { return v.deprecated; }));
    result.push_back(std::move(summary));
  }
  return result;
}

std::vector<VersionInfo> Registry::versions(std::string_view name) const {
  const auto tags = TagIndex::read(m_impl->repo);
  const auto& versions = known_versions(tags, name);
  std::vector<VersionInfo> result;
  result.reserve(versions.size());
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    result.push_back(read_version_info(m_impl->repo, name, *it));
  }
  return result;
}

ResolvedVersion Registry::resolve(const ModelRef& ref) const {
  const auto tags = TagIndex::read(m_impl->repo);
  const auto& versions = known_versions(tags, ref.name);
  const IndexedVersion* chosen = nullptr;
  switch (ref.kind) {
    case ModelRef::Kind::latest: {
      const auto latest = tags.latest(ref.name);
      if (!latest) {
        throw Error(ErrorCode::not_found, fmt::format("every version of {} is deprecated", ref.name),
                    fmt::format("name a version explicitly, e.g. {}@{}", ref.name, versions.back().version.str()));
      }
      chosen = tags.find(ref.name, *latest);
      break;
    }
    case ModelRef::Kind::version:
      chosen = tags.find(ref.name, *ref.version);
      if (!chosen) {
        throw Error(ErrorCode::not_found, fmt::format("{} has no version {}", ref.name, ref.version->str()),
                    fmt::format("registered versions: {}", version_list(versions)));
      }
      break;
    case ModelRef::Kind::stage:
      throw Error(ErrorCode::not_found,
                  fmt::format("{}: stage references are not supported by this mreg yet", ref.str()),
                  "name a version instead, e.g. " + ref.name + "@latest");
  }
  ResolvedVersion resolved;
  resolved.info = read_version_info(m_impl->repo, ref.name, *chosen);
  resolved.metadata = read_committed_metadata(*m_impl, ref.name, *git::Oid::from_hex(resolved.info.commit));
  return resolved;
}

}  // namespace mreg
