// What one stage commit changed, for `mreg history` (DESIGN §2).
//
// A stage's history is read from its first-parent log by comparing each
// commit's models/<name>/ subtrees with its first parent's, never from
// commit messages: so promotions written by mreg, `git merge --no-ff`,
// `--squash`, `--ff-only` and `git revert` all read the same way. Only
// directories whose tree ids differ are opened, so a commit costs what it
// changed, not the size of the stage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/repository.hpp"

namespace mreg {

// One model directory that differs between two stage trees.
struct ModelDirChange {
  std::string name;               // "fraud", "vision/resnet50"
  std::optional<git::Oid> before;  // nullopt: it appeared
  std::optional<git::Oid> after;   // nullopt: it disappeared
};

// The model directories (directories holding a model.yaml) that differ
// between two trees of the models directory (nullopt: absent), sorted by name.
std::vector<ModelDirChange> changed_model_dirs(const git::Repository& repo, const std::optional<git::Oid>& before,
                                               const std::optional<git::Oid>& after);

}  // namespace mreg
