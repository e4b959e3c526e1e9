// Reading what a stage branch holds (DESIGN §2).
//
// A stage's state is read from its tip's tree, never from commit messages:
// every directory below models/ that holds a model.yaml is one model, and
// it is trusted only when its tree id is the tree id that the model's
// version tag has at models/<name>. A version tag that is not in this clone
// (a deploy machine cloned the stage branch only) leaves the entry
// unverified; a differing tree (edited by hand) or an unreadable model.yaml
// is reported with what is wrong and how to fix it.
//
// A stage branch that does not exist locally is read from the remote-
// tracking branch of the git remote (git config mreg.gitRemote, else
// "origin"), as in a fresh clone, so that a promotion continues the
// stage's history instead of starting an unrelated one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry_impl.hpp"
#include "core/stage_rules.hpp"
#include "core/tag_index.hpp"
#include "git/repository.hpp"
#include "mreg/error.hpp"
#include "mreg/metadata.hpp"
#include "mreg/stages.hpp"

namespace mreg {

// The branch of a stage and where its current state comes from.
struct StageBranch {
  std::string stage;
  std::string branch;                  // "stage/production"
  std::string ref;                     // "refs/heads/stage/production": what promotions move
  std::optional<git::Oid> local_tip;   // nullopt when the local branch does not exist
  std::optional<git::Oid> remote_tip;  // the remote-tracking branch, read only when there is no local one
  std::string remote_branch;           // "origin/stage/production" when remote_tip is set

  // The commit that holds the stage's state: the local tip, else the remote one.
  std::optional<git::Oid> tip() const { return local_tip ? local_tip : remote_tip; }
  // What the state was read from, for messages: "stage/production" or "origin/stage/production".
  std::string source() const { return local_tip || !remote_tip ? branch : remote_branch; }
};

StageBranch find_stage_branch(const Registry::Impl& impl, std::string_view stage);

// A model directory in a stage commit's tree.
struct StageSubtree {
  std::string name;  // "fraud", "vision/resnet50"
  git::Oid tree;     // the id of models/<name>
  std::optional<git::Oid> model_file;  // its model.yaml blob, when already known
};

// Every model directory below `models_dir` in `commit`'s tree (a directory
// holding a model.yaml is a model; its subdirectories are its own files),
// sorted by name. An absent models directory gives none.
std::vector<StageSubtree> stage_subtrees(const git::Repository& repo, const git::Oid& commit,
                                         std::string_view models_dir);

// One model of a stage commit, read and checked.
struct StageModel {
  StageEntry entry;
  git::Oid tree;                          // the subtree on the stage
  // model.yaml on the stage, parsed only when the entry is not verified (a
  // verified copy is the tagged version's: read that instead); nullopt when invalid.
  std::optional<ModelMetadata> metadata;
};

StageModel read_stage_model(const Registry::Impl& impl, const TagIndex& tags, const StageSubtree& subtree,
                            std::string_view stage_source);

// The model `name` on stage commit `commit`; nullopt when the stage does not hold it.
std::optional<StageModel> read_stage_model(const Registry::Impl& impl, const TagIndex& tags, const git::Oid& commit,
                                           std::string_view name, std::string_view stage_source);

// Every model on the stage's tip, sorted by name.
StageState read_stage_state(const Registry::Impl& impl, const TagIndex& tags, const StageBranch& branch);

// The tree at models/<name> in the commit that a version tag points at;
// nullopt when that commit is not in this clone. Throws Error(corrupt) when
// the commit does not hold the model's directory.
std::optional<git::Oid> tagged_subtree(const Registry::Impl& impl, std::string_view name,
                                       const IndexedVersion& version);

// The configured stage called `stage`; throws Error(code) naming the
// configured stages when there is none.
const StageConfig& configured_stage(const Registry::Impl& impl, std::string_view stage,
                                    ErrorCode code = ErrorCode::invalid);

// What each of the stage's `from:` stages holds of `name` now (for the `from:` rule).
std::vector<FromStage> from_holdings(const Registry::Impl& impl, const TagIndex& tags, const StageConfig& stage,
                                     std::string_view name);

}  // namespace mreg
