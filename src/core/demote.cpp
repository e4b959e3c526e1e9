// Registry::demote: the commit that removes models/<name>/ from a stage.
//
// Any copy is removed, a registered version or one edited by hand, so demote
// is also how a broken stage entry is cleared.
#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/stage_write.hpp"
#include "core/tag_index.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"

namespace mreg {

StageChange Registry::demote(const DemoteOptions& options) {
  auto& impl = *m_impl;
  impl.require_work_tree_config("demote");
  check_model_name(options.name);
  const StageConfig& stage = configured_stage(impl, options.stage);
  const auto signature = impl.repo.default_signature();
  const auto tags = TagIndex::read(impl.repo);
  const StageBranch branch = find_stage_branch(impl, stage.name);

  StageChange change;
  change.stage = stage.name;
  change.branch = options.branch ? *options.branch : branch.branch;
  change.name = options.name;
  const std::string directory = impl.model_dir(options.name);
  const auto plan = [&](const std::optional<git::Oid>& parent) -> std::optional<CommitPlan> {
    std::optional<StageModel> current;
    if (parent) current = read_stage_model(impl, tags, *parent, options.name, branch.source());
    if (!current) {
      throw Error(ErrorCode::not_found, fmt::format("stage {} does not hold {}", stage.name, options.name),
                  "`mreg stages` shows what each stage holds");
    }
    change.previous = current->entry.version;
    return CommitPlan{impl.repo.replace_subtree(parent, directory, std::nullopt),
                      demotion_message(options.name, change.previous, stage.name, options.message)};
  };
  change.commit = write_stage_commit(impl, branch, options.branch, plan, signature)->hex();
  return change;
}

}  // namespace mreg
