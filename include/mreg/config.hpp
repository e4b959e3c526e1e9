// mreg.yaml (DESIGN §3): the registry's configuration, committed at the root.
//
// Parsing is strict like model.yaml's: unknown keys, unknown stages in
// `from:`, malformed gates and an unsupported `registry:` major are errors
// with file:line:col.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mreg/diagnostic.hpp"

namespace mreg {

inline constexpr int registry_format_version = 1;
inline constexpr std::string_view config_file_name = "mreg.yaml";

// A promotion gate such as `metrics.auc: ">= 0.90"`.
struct Gate {
  std::string field;   // "metrics.auc"
  std::string op;      // one of >=, >, <=, <, ==, !=
  double threshold = 0;
  std::string text;    // as written, ">= 0.90"

  bool passes(double value) const;
  // Whether larger values are better (>=, >), smaller (<=, <), or neither.
  std::optional<bool> higher_is_better() const;
};

struct StageConfig {
  std::string name;
  std::vector<std::string> from;  // stages a version must be in first
  std::vector<Gate> require;
};

enum class Integrity { xxh128, sha256 };

struct RegistryConfig {
  int registry = registry_format_version;
  std::string models_dir = "models";
  std::string stage_branch_prefix = "stage/";
  std::vector<StageConfig> stages;
  std::vector<std::string> require;  // extra required model.yaml fields
  Integrity integrity = Integrity::xxh128;
  std::vector<std::pair<std::string, std::string>> remotes;  // name -> URL, in file order
  std::optional<std::string> default_remote;

  // `stages` given in order, each but the first `from:` its predecessor;
  // with no names: staging, production.
  static RegistryConfig with_stages(const std::vector<std::string>& stage_names = {});
  const StageConfig* find_stage(std::string_view name) const;
};

struct ParsedConfig {
  std::optional<RegistryConfig> config;
  std::vector<Diagnostic> diagnostics;
};

ParsedConfig parse_registry_config(std::string_view yaml_text, std::string_view file);
RegistryConfig load_registry_config(std::string_view yaml_text, std::string_view file);
std::string emit_registry_config(const RegistryConfig& config);

}  // namespace mreg
