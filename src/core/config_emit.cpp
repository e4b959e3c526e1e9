#include <fmt/format.h>

#include "core/yaml_emit.hpp"
#include "mreg/config.hpp"

namespace mreg {
namespace {

std::string gate_text(const Gate& gate) {
  return gate.text.empty() ? fmt::format("{} {}", gate.op, gate.threshold) : gate.text;
}

void append_stage(std::string& out, const StageConfig& stage) {
  out += fmt::format("  - name: {}\n", yaml_string(stage.name));
  if (!stage.from.empty()) out += fmt::format("    from: {}\n", yaml_flow_list(stage.from));
  if (stage.require.empty()) return;
  out += "    require:\n";
  for (const auto& gate : stage.require) {
    out += fmt::format("      {}: {}\n", yaml_string(gate.field), yaml_string(gate_text(gate)));
  }
}

}  // namespace

// Writes what parse_registry_config() reads back to the same value: the
// format version, the models directory and the stages always, every other
// key only when it differs from its default.
std::string emit_registry_config(const RegistryConfig& config) {
  const RegistryConfig defaults;
  std::string out = fmt::format("registry: {}\n", config.registry);
  out += fmt::format("models_dir: {}\n", yaml_string(config.models_dir));
  if (config.stage_branch_prefix != defaults.stage_branch_prefix) {
    out += fmt::format("stage_branch_prefix: {}\n", yaml_string(config.stage_branch_prefix));
  }
  if (config.stages.empty()) {
    out += "stages: []\n";
  } else {
    out += "stages:\n";
    for (const auto& stage : config.stages) append_stage(out, stage);
  }
  if (!config.require.empty()) out += fmt::format("require: {}\n", yaml_flow_list(config.require));
  if (config.integrity == Integrity::sha256) out += "integrity: sha256\n";
  if (!config.remotes.empty()) {
    out += "remotes:\n";
    for (const auto& [name, url] : config.remotes) out += fmt::format("  {}: {}\n", yaml_string(name), yaml_string(url));
  }
  if (config.default_remote) out += fmt::format("default_remote: {}\n", yaml_string(*config.default_remote));
  return out;
}

}  // namespace mreg
