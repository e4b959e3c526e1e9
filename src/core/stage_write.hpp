// Writing stage commits (DESIGN §2): their messages, and where they go.
//
// A stage change is written with libgit2 alone: a commit object whose tree
// is the stage tip's tree with one models/<name>/ directory replaced or
// removed, then a compare-and-swap of the branch. The work tree, the index
// and HEAD are never touched. On the stage branch a lost race re-plans on
// the new tip (re-reading the stage and re-checking its rules); on a new
// branch for a pull request (--branch NEW) the commit starts from the
// stage's tip and NEW must not exist.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/branch_commit.hpp"
#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "mreg/version.hpp"

namespace mreg {

// "promote <name> v1.3.0 to production", the optional text, and the trailers
// Mreg-Model, Mreg-Version, Mreg-Previous (when the stage held a version), Mreg-Tag.
std::string promotion_message(std::string_view name, const Version& version, std::string_view stage,
                              const std::optional<Version>& previous, std::string_view text);
// "demote <name> v1.2.0 from production", the optional text, and the trailers
// Mreg-Model, Mreg-Previous (when the removed copy named a version).
std::string demotion_message(std::string_view name, const std::optional<Version>& previous, std::string_view stage,
                             std::string_view text);

// Writes the planned commit on the stage branch (creating it when needed)
// or, with `new_branch`, on that new branch from the stage's tip. Returns
// the commit, or nullopt when the planner found nothing to do. Throws
// Error(already_exists) when `new_branch` exists.
std::optional<git::Oid> write_stage_commit(Registry::Impl& impl, const StageBranch& stage,
                                           const std::optional<std::string>& new_branch, const CommitPlanner& plan,
                                           const git::Signature& signature);

}  // namespace mreg
