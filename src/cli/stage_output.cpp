#include "cli/stage_output.hpp"

#include <fmt/format.h>

namespace mreg::cli {
namespace {

nlohmann::ordered_json version_or_null(const std::optional<Version>& version) {
  return version ? nlohmann::ordered_json(version->str()) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json stage_change_json(const StageChange& change, bool pushed) {
  nlohmann::ordered_json out;
  out["stage"] = change.stage;
  out["branch"] = change.branch;
  out["commit"] = change.commit.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(change.commit);
  out["name"] = change.name;
  out["version"] = version_or_null(change.version);
  out["previous"] = version_or_null(change.previous);
  out["no_op"] = change.no_op;
  auto checks = nlohmann::ordered_json::array();
  for (const auto& check : change.checks) {
    checks.push_back({{"rule", check.rule}, {"passed", check.passed}, {"detail", check.detail}});
  }
  out["checks"] = std::move(checks);
  out["pushed"] = pushed;
  return out;
}

void print_rule_checks(const StageChange& change, const Style& style) {
  for (const auto& check : change.checks) {
    const std::string mark = check.passed ? style.green("ok    ") : style.yellow("forced");
    fmt::print("  {}  {}: {}\n", mark, check.rule, check.detail);
  }
}

void print_pull_request_steps(const StageChange& change, const std::string& stage_branch, const std::string& remote,
                              bool pushed) {
  fmt::print("to propose it as a pull request:\n");
  if (!pushed) fmt::print("  git push {} {}\n", remote, change.branch);
  fmt::print("  then open a pull request from {} into {}\n", change.branch, stage_branch);
}

}  // namespace mreg::cli
