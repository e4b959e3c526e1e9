// Registry::review: what moving a stage branch from one commit to another
// does, read from the two trees the way a stage is always read (DESIGN §2).
//
// Each models/<name>/ directory whose tree differs between the two commits
// is one item: a promotion (it appeared or now holds another version), a
// demotion (it disappeared), or a problem (the new subtree is not a
// registered, non-deprecated version's, or a file outside models/ changed).
// A promotion is checked against the target stage's rules, with the
// `from:` stages read as they are now, exactly as `mreg promote` checks it.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/metadata_diff.hpp"
#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/stage_rules.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg {
namespace {

// The stage whose branch `revision` names: "stage/production",
// "origin/stage/production", or either spelled out from "refs/". nullopt
// when it names no stage branch; Error when it names an unconfigured one.
std::optional<std::string> stage_of_revision(const Registry::Impl& impl, std::string_view revision) {
  for (const std::string_view prefix : {"refs/heads/", "refs/remotes/"}) {
    if (revision.starts_with(prefix)) revision.remove_prefix(prefix.size());
  }
  std::vector<std::string_view> candidates{revision};
  if (const auto slash = revision.find('/'); slash != std::string_view::npos) {
    candidates.push_back(revision.substr(slash + 1));  // after a remote's name
  }
  const std::string_view branch_prefix = impl.config.stage_branch_prefix;
  for (const auto candidate : candidates) {
    if (!candidate.starts_with(branch_prefix) || candidate.size() == branch_prefix.size()) continue;
    const auto stage = candidate.substr(branch_prefix.size());
    if (stage_name_problem(stage)) continue;
    return configured_stage(impl, stage).name;
  }
  return std::nullopt;
}

git::Oid commit_of(const Registry::Impl& impl, std::string_view revision, std::string_view role) {
  if (auto commit = impl.repo.resolve_revision(revision)) return *commit;
  throw Error(ErrorCode::not_found, fmt::format("{} {:?} names no commit in this repository", role, revision),
              "fetch it first, e.g. `git fetch origin stage/production`, and name it as git does "
              "(origin/stage/production, HEAD, a commit id)");
}

// The metadata of the version a stage holds; nullopt for a copy that is not
// a version's (edited by hand, or invalid). A verified copy is the tagged
// version's byte for byte, which the reader need not have parsed: it is
// read from `commit` then.
std::optional<ModelMetadata> stage_metadata(const Registry::Impl& impl, const StageModel& model,
                                            const git::Oid& commit) {
  switch (model.entry.status) {
    case StageEntry::Status::verified:
      return model.metadata ? model.metadata : read_committed_metadata(impl, model.entry.name, commit);
    case StageEntry::Status::unverified: return model.metadata;
    case StageEntry::Status::modified:
    case StageEntry::Status::invalid: break;
  }
  return std::nullopt;
}

struct SubtreePair {
  std::optional<git::Oid> before, after;
};

std::map<std::string, SubtreePair> model_subtrees(const Registry::Impl& impl, const git::Oid& base,
                                                  const git::Oid& head) {
  std::map<std::string, SubtreePair> models;
  for (const auto& subtree : stage_subtrees(impl.repo, base, impl.config.models_dir)) {
    models[subtree.name].before = subtree.tree;
  }
  for (const auto& subtree : stage_subtrees(impl.repo, head, impl.config.models_dir)) {
    models[subtree.name].after = subtree.tree;
  }
  return models;
}

// Top-level entries of `head` outside the models directory that `base` does
// not have as they are: a stage branch holds nothing but model directories.
std::vector<std::string> stray_paths(const Registry::Impl& impl, const git::Oid& base, const git::Oid& head) {
  const std::string_view models_dir = impl.config.models_dir;
  const std::string_view models_top = models_dir.substr(0, models_dir.find('/'));
  const auto base_entries = impl.repo.list_tree(*impl.repo.subtree_at(base, ""));
  std::vector<std::string> paths;
  for (const auto& entry : impl.repo.list_tree(*impl.repo.subtree_at(head, ""))) {
    if (entry.name == models_top) continue;
    const bool unchanged = std::any_of(base_entries.begin(), base_entries.end(), [&](const git::TreeEntry& old) {
      return old.name == entry.name && old.id == entry.id;
    });
    if (!unchanged) paths.push_back(entry.kind == git::TreeEntry::Kind::tree ? entry.name + "/" : entry.name);
  }
  return paths;
}

}  // namespace

ReviewReport Registry::review(std::string_view base, std::string_view head, std::string_view stage) const {
  const auto& impl = *m_impl;
  ReviewReport report;
  report.base = std::string(base);
  report.head = std::string(head);
  if (!stage.empty()) {
    report.stage = configured_stage(impl, stage).name;
  } else if (auto named = stage_of_revision(impl, base)) {
    report.stage = std::move(*named);
  } else {
    throw Error(ErrorCode::usage, fmt::format("cannot tell which stage {:?} is the branch of", base),
                fmt::format("name the base as {0}STAGE or origin/{0}STAGE, or pass --stage STAGE",
                            impl.config.stage_branch_prefix));
  }
  const StageConfig& stage_config = configured_stage(impl, report.stage);
  const git::Oid base_commit = commit_of(impl, base, "base");
  const git::Oid head_commit = commit_of(impl, head, "head");
  report.base_commit = base_commit.hex();
  report.head_commit = head_commit.hex();

  const auto tags = TagIndex::read(impl.repo);
  for (const auto& [name, trees] : model_subtrees(impl, base_commit, head_commit)) {
    if (trees.before == trees.after) continue;
    ReviewItem item;
    item.stage = report.stage;
    item.name = name;
    std::optional<ModelMetadata> before_metadata, after_metadata;
    if (trees.before) {
      const auto before = read_stage_model(impl, tags, StageSubtree{name, *trees.before, std::nullopt}, base);
      item.before = before.entry.version;
      before_metadata = stage_metadata(impl, before, base_commit);
    }
    if (trees.after) {
      const auto after = read_stage_model(impl, tags, StageSubtree{name, *trees.after, std::nullopt}, head);
      const StageEntry& entry = after.entry;
      item.after = entry.version;
      if (entry.status != StageEntry::Status::verified) {
        item.problem = entry.problem;
      } else if (entry.deprecated) {
        item.problem = fmt::format("{} v{} is deprecated, and deprecated versions are never promoted", name,
                                   entry.version->str());
      } else {
        after_metadata = stage_metadata(impl, after, head_commit);
        item.checks = check_stage_rules(stage_config, *after_metadata, from_holdings(impl, tags, stage_config, name));
      }
    }
    if (before_metadata && after_metadata) {
      item.diff = compare_metadata(impl.config, fmt::format("{}@{}", name, item.before->str()), *before_metadata,
                                   fmt::format("{}@{}", name, item.after->str()), *after_metadata);
    }
    report.items.push_back(std::move(item));
  }
  for (auto& path : stray_paths(impl, base_commit, head_commit)) {
    ReviewItem item;
    item.stage = report.stage;
    item.problem = fmt::format("{} on {} is outside {}/: a stage branch holds only {}/<name>/ directories", path,
                               head, impl.config.models_dir, impl.config.models_dir);
    item.name = std::move(path);
    report.items.push_back(std::move(item));
  }
  std::stable_sort(report.items.begin(), report.items.end(),
                   [](const ReviewItem& a, const ReviewItem& b) { return a.name < b.name; });
  return report;
}

}  // namespace mreg
