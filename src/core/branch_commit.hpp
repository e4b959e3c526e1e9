// Committing on a branch without touching anything else.
//
// Both functions write a commit object on top of a branch's tip and move the
// branch with a compare-and-swap; the work tree, the index and (for
// commit_on_branch) HEAD are never read or written. When another process
// moved the branch first (parallel CI jobs registering or promoting at once)
// the commit is planned again on the new tip and retried, so no one's commit
// is lost and every commit on the branch was planned on its own parent.
// After many lost races in a row they throw Error(conflict).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "git/repository.hpp"

namespace mreg {

using TreeBuilder = std::function<git::Oid(const std::optional<git::Oid>& head)>;

// commit_on_head(): the tree from the current HEAD commit (nullopt on an
// unborn branch); the commit goes on the current branch, or a detached HEAD.
git::Oid commit_on_head(git::Repository& repo, const TreeBuilder& build_tree, const git::Signature& signature,
                        std::string_view message);

// What to commit on top of a given parent.
struct CommitPlan {
  git::Oid tree;
  std::string message;
};

// Plans the commit on `parent` (nullopt: a root commit); nullopt when there is
// nothing to commit. It is called again after a lost race, so it must read
// what it checks from `parent` and may throw to refuse.
using CommitPlanner = std::function<std::optional<CommitPlan>(const std::optional<git::Oid>& parent)>;

// Commits on the branch `ref` ("refs/heads/stage/production"). When `ref`
// does not exist, the commit's parent is `start_when_absent` (nullopt: a
// root commit, the start of an orphan branch) and the branch is created.
// Returns the new commit, or nullopt when the planner had nothing to commit.
std::optional<git::Oid> commit_on_branch(git::Repository& repo, std::string_view ref,
                                         const std::optional<git::Oid>& start_when_absent, const CommitPlanner& plan,
                                         const git::Signature& signature);

}  // namespace mreg
