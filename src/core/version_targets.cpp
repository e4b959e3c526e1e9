#include "core/version_targets.hpp"

#include <algorithm>
#include <map>

#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/error.hpp"

namespace mreg {
namespace {

using TargetKey = std::pair<std::string, Version>;

VersionTarget tagged_target(const Registry::Impl& impl, const std::string& name, const IndexedVersion& indexed) {
  VersionTarget target;
  target.version.name = name;
  target.version.version = indexed.version;
  target.version.tag = version_tag_name(name, indexed.version);
  try {
    const auto info = read_version_info(impl.repo, name, indexed);
    target.artifacts = read_committed_metadata(impl, name, *git::Oid::from_hex(info.commit)).artifacts;
  } catch (const Error& error) {
    target.version.problem = error.what();
  }
  return target;
}

std::vector<VersionTarget> every_version(const Registry::Impl& impl) {
  const auto tags = TagIndex::read(impl.repo);
  std::map<TargetKey, VersionTarget> targets;
  for (const auto& name : tags.names()) {
    for (const auto& indexed : tags.versions_of(name)) {
      targets.emplace(TargetKey{name, indexed.version}, tagged_target(impl, name, indexed));
    }
  }
  // A version a stage holds is its tag's, already read, unless the tag (or
  // its commit) is not in this clone: then the stage's copy is all there is.
  for (const auto& stage : impl.config.stages) {
    const StageBranch branch = find_stage_branch(impl, stage.name);
    const auto tip = branch.tip();
    if (!tip) continue;
    for (const auto& subtree : stage_subtrees(impl.repo, *tip, impl.config.models_dir)) {
      auto model = read_stage_model(impl, tags, subtree, branch.source());
      if (model.entry.status != StageEntry::Status::unverified || !model.metadata) continue;
      const TargetKey key{subtree.name, *model.entry.version};
      if (const auto known = targets.find(key); known != targets.end() && known->second.version.problem.empty()) {
        continue;
      }
      VersionTarget target;
      target.version.name = subtree.name;
      target.version.version = model.entry.version;
      target.version.tag = version_tag_name(subtree.name, *model.entry.version);
      target.version.tag_checked = false;
      target.artifacts = std::move(model.metadata->artifacts);
      targets.insert_or_assign(key, std::move(target));
    }
  }
  std::vector<VersionTarget> result;
  result.reserve(targets.size());
  for (auto& [key, target] : targets) result.push_back(std::move(target));
  return result;
}

}  // namespace

std::vector<VersionTarget> version_targets(const Registry& registry, const Registry::Impl& impl,
                                           const std::vector<ModelRef>& refs) {
  if (refs.empty()) return every_version(impl);
  std::vector<VersionTarget> targets;
  std::vector<TargetKey> seen;
  for (const auto& ref : refs) {
    auto resolved = registry.resolve(ref);
    const TargetKey key{resolved.info.name, resolved.info.version};
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    VersionTarget target;
    target.version.name = resolved.info.name;
    target.version.version = resolved.info.version;
    target.version.tag = resolved.info.tag;
    target.version.tag_checked = resolved.verified;
    target.artifacts = std::move(resolved.metadata.artifacts);
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace mreg
