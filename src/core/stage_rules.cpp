#include "core/stage_rules.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr std::string_view metrics_prefix = "metrics.";

std::string holding_text(const FromStage& holding, std::string_view name) {
  if (!holding.entry) return fmt::format("{} does not hold {}", holding.stage, name);
  const StageEntry& entry = *holding.entry;
  const std::string version = entry.version ? "v" + entry.version->str() : std::string("no version");
  if (entry.status == StageEntry::Status::verified) return fmt::format("{} holds {} {}", holding.stage, name, version);
  return fmt::format("{} holds {} {}, {}", holding.stage, name, version, to_string(entry.status));
}

}  // namespace

std::string from_rule_text(const StageConfig& stage) {
  return fmt::format("from: [{}]", fmt::join(stage.from, ", "));
}

std::string gate_rule_text(const Gate& gate) { return fmt::format("require: {} {}", gate.field, gate.text); }

RuleCheck check_from_rule(const StageConfig& stage, std::string_view name, const Version& version,
                          const std::vector<FromStage>& holdings) {
  RuleCheck check;
  check.rule = from_rule_text(stage);
  for (const auto& holding : holdings) {
    const bool holds = holding.entry && holding.entry->status == StageEntry::Status::verified &&
                       holding.entry->version == version;
    if (holds) {
      check.passed = true;
      check.detail = fmt::format("{} v{} is in {}", name, version.str(), holding.stage);
      return check;
    }
  }
  std::vector<std::string> found;
  for (const auto& holding : holdings) found.push_back(holding_text(holding, name));
  check.detail = fmt::format("{} v{} is not in {} ({})", name, version.str(), fmt::join(stage.from, " or "),
                             fmt::join(found, "; "));
  return check;
}

RuleCheck check_gate(const Gate& gate, const ModelMetadata& metadata) {
  RuleCheck check;
  check.rule = gate_rule_text(gate);
  const std::string_view field = gate.field;
  const std::string_view metric =
      field.starts_with(metrics_prefix) ? field.substr(metrics_prefix.size()) : field;
  const auto value = metadata.metric(metric);
  if (!value) {
    check.detail = fmt::format("{} has no metric {}", metadata.name, metric);
    return check;
  }
  check.passed = gate.passes(*value);
  check.detail = fmt::format("{} is {}", metric, *value);
  return check;
}

std::vector<RuleCheck> check_stage_rules(const StageConfig& stage, const ModelMetadata& metadata,
                                         const std::vector<FromStage>& holdings) {
  std::vector<RuleCheck> checks;
  if (!stage.from.empty() && metadata.version) {
    checks.push_back(check_from_rule(stage, metadata.name, *metadata.version, holdings));
  }
  for (const auto& gate : stage.require) checks.push_back(check_gate(gate, metadata));
  return checks;
}

void throw_rule_failures(const StageConfig& stage, std::string_view name, const Version& version,
                         const std::vector<RuleCheck>& checks) {
  std::string message = fmt::format("cannot promote {} v{} to {}: it breaks the stage's rules in mreg.yaml", name,
                                    version.str(), stage.name);
  std::vector<std::string> fixes;
  for (const auto& check : checks) {
    if (check.passed) continue;
    message += fmt::format("\n  {}: {}", check.rule, check.detail);
    if (check.rule.starts_with("from:")) {
      fixes.push_back(fmt::format("promote it to {} first (mreg promote {}@{} {})", stage.from.front(), name,
                                  version.str(), stage.from.front()));
    } else if (fixes.empty() || !fixes.back().starts_with("register")) {
      fixes.push_back("register a version whose metrics pass the gates");
    }
  }
  fixes.push_back("--force skips these checks (a server hook may still enforce them)");
  throw Error(ErrorCode::invalid, message, fmt::format("{}", fmt::join(fixes, "; ")));
}

}  // namespace mreg
