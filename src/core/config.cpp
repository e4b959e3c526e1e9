#include "mreg/config.hpp"

#include <cmath>

namespace mreg {

bool Gate::passes(double value) const {
  // A metric that is not a number passes no gate, "!=" included.
  if (std::isnan(value)) return false;
  if (op == ">=") return value >= threshold;
  if (op == ">") return value > threshold;
  if (op == "<=") return value <= threshold;
  if (op == "<") return value < threshold;
  if (op == "==") return value == threshold;
  if (op == "!=") return value != threshold;
  return false;
}

std::optional<bool> Gate::higher_is_better() const {
  if (op == ">=" || op == ">") return true;
  if (op == "<=" || op == "<") return false;
  return std::nullopt;
}

RegistryConfig RegistryConfig::with_stages(const std::vector<std::string>& stage_names) {
  RegistryConfig config;
  const std::vector<std::string> names = stage_names.empty() ? std::vector<std::string>{"staging", "production"}
                                                             : stage_names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    StageConfig stage;
    stage.name = names[i];
    if (i > 0) stage.from.push_back(names[i - 1]);
    config.stages.push_back(std::move(stage));
  }
  return config;
}

const StageConfig* RegistryConfig::find_stage(std::string_view name) const {
  for (const auto& stage : stages) {
    if (stage.name == name) return &stage;
  }
  return nullptr;
}

}  // namespace mreg
