// The rules of a stage (DESIGN §3), checked for one promotion.
//
//   from: [a, b]                 the version must be what stage a or b holds
//                                now, verified against its tag
//   require:
//     metrics.auc: ">= 0.90"     the version's metric must pass the gate; a
//                                missing metric fails
//
// These are pure functions of what they are given (no repository), so the
// rules are tested on their own; promote.cpp reads the stages they need.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mreg/config.hpp"
#include "mreg/metadata.hpp"
#include "mreg/stages.hpp"
#include "mreg/version.hpp"

namespace mreg {

// What one `from:` stage holds of the model being promoted.
struct FromStage {
  std::string stage;
  std::optional<StageEntry> entry;  // nullopt: the stage does not hold the model
};

// "from: [staging, canary]"
std::string from_rule_text(const StageConfig& stage);
// "require: metrics.auc >= 0.90"
std::string gate_rule_text(const Gate& gate);

// Passes when one of `holdings` holds exactly `version` of `name`, verified.
RuleCheck check_from_rule(const StageConfig& stage, std::string_view name, const Version& version,
                          const std::vector<FromStage>& holdings);
RuleCheck check_gate(const Gate& gate, const ModelMetadata& metadata);

// Every rule of `stage` in order: the `from:` rule (when there is one), then each gate.
std::vector<RuleCheck> check_stage_rules(const StageConfig& stage, const ModelMetadata& metadata,
                                         const std::vector<FromStage>& holdings);

// Throws Error(invalid) for a promotion refused by its failed checks: the
// message names each broken rule and what was found, the hint the fixes.
[[noreturn]] void throw_rule_failures(const StageConfig& stage, std::string_view name, const Version& version,
                                      const std::vector<RuleCheck>& checks);

}  // namespace mreg
