// Registry::promote: the promotion commit of DESIGN §2.
//
// The version is resolved and checked once (registered, verified, not
// deprecated); what the stage holds and the stage's rules are read from the
// parent the commit is planned on, so a promotion retried after a lost race
// is checked against the stage as it now is.
#include <algorithm>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/stage_rules.hpp"
#include "core/stage_write.hpp"
#include "core/tag_index.hpp"
#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {

StageChange Registry::promote(const PromoteOptions& options) {
  auto& impl = *m_impl;
  impl.require_work_tree_config("promote");
  const StageConfig& stage = configured_stage(impl, options.stage);
  const ResolvedVersion source = resolve(options.ref);
  const std::string& name = source.info.name;
  const Version& version = source.info.version;
  if (!source.verified) {
    throw Error(ErrorCode::not_found,
                fmt::format("cannot promote {} v{}: its version tag {} is not in this clone", name, version.str(),
                            source.info.tag),
                "fetch the tags (`git fetch --tags`) and promote by version: mreg promote " + name + "@" +
                    version.str() + " " + stage.name);
  }
  if (source.info.deprecated) {
    throw Error(ErrorCode::invalid,
                fmt::format("cannot promote {} v{} to {}: it is deprecated{}", name, version.str(), stage.name,
                            source.info.deprecation_reason.empty() ? ""
                                                                   : " (" + source.info.deprecation_reason + ")"),
                fmt::format("deprecated versions are never promoted; `mreg versions {}` lists the others", name));
  }
  const auto signature = impl.repo.default_signature();
  const auto tags = TagIndex::read(impl.repo);
  const IndexedVersion* indexed = tags.find(name, version);
  if (!indexed) {
    throw Error(ErrorCode::conflict, fmt::format("tag {} disappeared while promoting it", source.info.tag));
  }
  const auto subtree = tagged_subtree(impl, name, *indexed);
  if (!subtree) throw Error(ErrorCode::not_found, fmt::format("the commit of tag {} is not in this clone", source.info.tag));

  const StageBranch branch = find_stage_branch(impl, stage.name);
  StageChange change;
  change.stage = stage.name;
  change.branch = options.branch ? *options.branch : branch.branch;
  change.name = name;
  change.version = version;
  const std::string directory = impl.model_dir(name);
  const auto plan = [&](const std::optional<git::Oid>& parent) -> std::optional<CommitPlan> {
    change.previous.reset();
    change.checks.clear();
    change.no_op = false;
    std::optional<StageModel> current;
    if (parent) current = read_stage_model(impl, tags, *parent, name, branch.source());
    if (current) change.previous = current->entry.version;
    if (current && current->tree == *subtree) {
      change.no_op = true;
      return std::nullopt;
    }
    change.checks = check_stage_rules(stage, source.metadata, from_holdings(impl, tags, stage, name));
    const bool refused = std::any_of(change.checks.begin(), change.checks.end(),
                                     [](const RuleCheck& check) { return !check.passed; });
    if (refused && !options.force) throw_rule_failures(stage, name, version, change.checks);
    return CommitPlan{impl.repo.replace_subtree(parent, directory, *subtree),
                      promotion_message(name, version, stage.name, change.previous, options.message)};
  };
  if (const auto commit = write_stage_commit(impl, branch, options.branch, plan, signature)) {
    change.commit = commit->hex();
  }
  return change;
}

}  // namespace mreg
