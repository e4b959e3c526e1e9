// Committing on the current branch without touching anything else.
//
// commit_on_head() builds a tree from the current HEAD commit (or none on an
// unborn branch), writes a commit on top of it and moves the branch with a
// compare-and-swap. When another process moved the branch first (parallel CI
// jobs registering at once) the tree is rebuilt on the new tip and the commit
// retried, so no one's commit is lost.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "git/repository.hpp"

namespace mreg {

using TreeBuilder = std::function<git::Oid(const std::optional<git::Oid>& head)>;

git::Oid commit_on_head(git::Repository& repo, const TreeBuilder& build_tree, const git::Signature& signature,
                        std::string_view message);

}  // namespace mreg
