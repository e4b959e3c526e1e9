// Printing stage changes (promote, demote): the result line, the rules
// checked, the pull-request instructions for --branch, and their JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "mreg/stages.hpp"

namespace mreg::cli {

// {"stage", "branch", "commit" (null for a no-op), "name", "version" (null for
// a demotion), "previous" (string or null), "no_op", "checks": [{"rule", "passed", "detail"}], "pushed"}
nlohmann::ordered_json stage_change_json(const StageChange& change, bool pushed);

// "  ok      from: [staging]: fraud v1.3.0 is in staging", one line per check.
void print_rule_checks(const StageChange& change, const Style& style);

// For --branch NEW: how to turn the branch into a pull request into the stage.
void print_pull_request_steps(const StageChange& change, const std::string& stage_branch,
                              const std::string& remote, bool pushed);

}  // namespace mreg::cli
