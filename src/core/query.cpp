// Registry's read operations: list, versions, resolve.
//
// All of them start from one TagIndex (a single pass over refs/tags), so
// their cost grows with the number of tags read, never with tags × models;
// list and NAME#STAGE also read the stage branches' tips (stage_reader.hpp).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"
#include "mreg/refs.hpp"

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

// Configured stages whose tip holds `subtree` at models/<name>.
std::vector<std::string> stages_holding(const Registry::Impl& impl, std::string_view name, const git::Oid& subtree) {
  std::vector<std::string> result;
  const std::string directory = impl.model_dir(name);
  for (const auto& stage : impl.config.stages) {
    const auto tip = find_stage_branch(impl, stage.name).tip();
    if (tip && impl.repo.subtree_at(*tip, directory) == subtree) result.push_back(stage.name);
  }
  return result;
}

std::string version_list(const std::vector<IndexedVersion>& versions) {
  std::string text;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!text.empty()) text += ", ";
    text += it->version.str();
  }
  return text;
}

ResolvedVersion resolve_indexed(const Registry::Impl& impl, std::string_view name, const IndexedVersion& indexed) {
  ResolvedVersion resolved;
  resolved.info = read_version_info(impl.repo, name, indexed);
  resolved.metadata = read_committed_metadata(impl, name, *git::Oid::from_hex(resolved.info.commit));
  if (const auto subtree = tagged_subtree(impl, name, indexed)) {
    resolved.stages = stages_holding(impl, name, *subtree);
  }
  return resolved;
}

// NAME#STAGE: what the stage's tip holds at models/NAME, trusted only when it
// is the tagged version's subtree, or read from the stage alone when the tag
// is not in this clone.
ResolvedVersion resolve_stage_ref(const Registry::Impl& impl, const TagIndex& tags, const ModelRef& ref) {
  check_model_name(ref.name);
  const StageConfig& stage = configured_stage(impl, ref.stage);
  const StageBranch branch = find_stage_branch(impl, stage.name);
  const auto tip = branch.tip();
  const std::string promote_hint =
      fmt::format("promote a version there with `mreg promote {}@VERSION {}`; `mreg stages` shows what each stage holds",
                  ref.name, stage.name);
  if (!tip) {
    throw Error(ErrorCode::not_found,
                fmt::format("{}: stage {} holds nothing yet (there is no branch {})", ref.str(), stage.name,
                            branch.branch),
                promote_hint);
  }
  const std::string source = branch.source();
  auto model = read_stage_model(impl, tags, *tip, ref.name, source);
  if (!model) {
    throw Error(ErrorCode::not_found,
                fmt::format("{}: stage {} does not hold {} ({} has no {}/)", ref.str(), stage.name, ref.name, source,
                            impl.model_dir(ref.name)),
                promote_hint);
  }
  const StageEntry& entry = model->entry;
  const std::string fix = fmt::format(
      "put a registered version back with `mreg promote {}@VERSION {}`, or undo the edit with `git revert` of the "
      "commit that made it (`git log {} -- {}` shows it)",
      ref.name, stage.name, source, impl.model_dir(ref.name));
  switch (entry.status) {
    case StageEntry::Status::verified: {
      auto resolved = resolve_indexed(impl, ref.name, *tags.find(ref.name, *entry.version));
      resolved.stage_commit = tip->hex();
      return resolved;
    }
    case StageEntry::Status::modified:
    case StageEntry::Status::invalid:
      throw Error(ErrorCode::invalid, fmt::format("{}: {}", ref.str(), entry.problem), fix);
    case StageEntry::Status::unverified:
      break;
  }
  ResolvedVersion resolved;
  resolved.info.name = ref.name;
  resolved.info.version = *entry.version;
  resolved.info.tag = version_tag_name(ref.name, *entry.version);
  resolved.info.deprecated = entry.deprecated;
  resolved.metadata = std::move(*model->metadata);
  resolved.stages = stages_holding(impl, ref.name, model->tree);
  resolved.stage_commit = tip->hex();
  resolved.verified = false;
  return resolved;
}

}  // namespace

std::vector<ModelSummary> Registry::list() const {
  const auto& impl = *m_impl;
  const auto tags = TagIndex::read(impl.repo);
  std::map<std::string, ModelSummary, std::less<>> models;
  for (const auto& name : tags.names()) {
    const auto& versions = tags.versions_of(name);
    ModelSummary& summary = models[name];
    summary.name = name;
    summary.latest = tags.latest(name);
    summary.version_count = versions.size();
    summary.deprecated_count = static_cast<std::size_t>(
        std::count_if(versions.begin(), versions.end(), [](const IndexedVersion& v) { return v.deprecated; }));
  }
  // A model may be on a stage without a tag in this clone (a clone of the stage branch only).
  for (const auto& stage : impl.config.stages) {
    for (auto& entry : read_stage_state(impl, tags, find_stage_branch(impl, stage.name)).models) {
      ModelSummary& summary = models[entry.name];
      summary.name = entry.name;
      summary.stages.emplace_back(stage.name, std::move(entry));
    }
  }
  std::vector<ModelSummary> result;
  result.reserve(models.size());
  for (auto& [name, summary] : models) result.push_back(std::move(summary));
  return result;
}

std::vector<VersionInfo> Registry::versions(std::string_view name) const {
  check_model_name(name);
  const auto tags = TagIndex::read_model(m_impl->repo, name);
  const auto& versions = known_versions(tags, name);
  std::vector<VersionInfo> result;
  result.reserve(versions.size());
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    result.push_back(read_version_info(m_impl->repo, name, *it));
  }
  return result;
}

ResolvedVersion Registry::resolve(const ModelRef& ref) const {
  const auto& impl = *m_impl;
  check_model_name(ref.name);
  const auto tags = TagIndex::read_model(impl.repo, ref.name);
  if (ref.kind == ModelRef::Kind::stage) return resolve_stage_ref(impl, tags, ref);
  const auto& versions = known_versions(tags, ref.name);
  const IndexedVersion* chosen = nullptr;
  if (ref.kind == ModelRef::Kind::latest) {
    const auto latest = tags.latest(ref.name);
    if (!latest) {
      throw Error(ErrorCode::not_found, fmt::format("every version of {} is deprecated", ref.name),
                  fmt::format("name a version explicitly, e.g. {}@{}", ref.name, versions.back().version.str()));
    }
    chosen = tags.find(ref.name, *latest);
  } else {
    chosen = tags.find(ref.name, *ref.version);
    if (!chosen) {
      throw Error(ErrorCode::not_found, fmt::format("{} has no version {}", ref.name, ref.version->str()),
                  fmt::format("registered versions: {}", version_list(versions)));
    }
  }
  return resolve_indexed(impl, ref.name, *chosen);
}

}  // namespace mreg
