// model.yaml (DESIGN §4): a model version's metadata.
//
// parse_model_metadata() validates strictly and reports every problem with
// file:line:col (unknown top-level keys are errors: typos are the common
// case). emit_model_metadata() writes keys in the documented order, so a
// parse/emit round trip is stable and diffs stay small. Free-form maps
// (params, source, custom) keep their keys in order and their YAML scalar
// types (int, float, bool, null, string).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mreg/diagnostic.hpp"
#include "mreg/digest.hpp"
#include "mreg/version.hpp"

namespace mreg {

inline constexpr int model_schema_version = 1;

struct Artifact {
  std::string path;                   // relative, normalized, unique within the version
  std::uint64_t size = 0;
  Digest digest;                      // whole-file XXH3-128
  std::optional<std::string> sha256;  // 64 lowercase hex, only with integrity: sha256
  std::string format;                 // e.g. "safetensors"; empty when unknown

  friend bool operator==(const Artifact&, const Artifact&) = default;
};

struct ModelMetadata {
  int schema = model_schema_version;
  std::string name;
  std::optional<Version> version;  // absent in a draft
  std::optional<std::string> description;
  std::optional<std::string> owner;
  std::optional<std::string> license;
  std::optional<std::string> framework;
  std::optional<std::string> task;
  std::vector<std::string> tags;
  std::optional<std::string> base_model;
  std::vector<std::string> datasets;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  std::vector<std::pair<std::string, double>> metrics;  // in file order
  nlohmann::ordered_json source = nlohmann::ordered_json::object();
  std::vector<Artifact> artifacts;
  nlohmann::ordered_json custom = nlohmann::ordered_json::object();

  std::optional<double> metric(std::string_view key) const;
  void set_metric(std::string key, double value);  // replaces or appends

  friend bool operator==(const ModelMetadata&, const ModelMetadata&) = default;
};

struct MetadataRules {
  std::optional<std::string> expected_name;  // the directory's name, when known
  std::vector<std::string> required_fields;  // mreg.yaml `require:` (top-level keys)
  bool allow_draft = false;  // a draft may lack `version` and `artifacts`
  bool require_sha256 = false;  // mreg.yaml `integrity: sha256`: every artifact records its SHA-256
};

struct ParsedMetadata {
  std::optional<ModelMetadata> metadata;  // set when there are no diagnostics
  std::vector<Diagnostic> diagnostics;
};

ParsedMetadata parse_model_metadata(std::string_view yaml_text, std::string_view file,
                                    const MetadataRules& rules = {});
// parse_model_metadata() that throws Error(invalid) listing every diagnostic.
ModelMetadata load_model_metadata(std::string_view yaml_text, std::string_view file,
                                  const MetadataRules& rules = {});

// Checks a metadata value built in memory (after flags were applied) against
// the same rules; diagnostics carry `file` and no position.
std::vector<Diagnostic> check_model_metadata(const ModelMetadata& metadata, std::string_view file,
                                             const MetadataRules& rules);

std::string emit_model_metadata(const ModelMetadata& metadata);
nlohmann::ordered_json metadata_to_json(const ModelMetadata& metadata);

// Guesses an artifact's format from its path and first bytes ("safetensors",
// "gguf", "onnx", "pytorch", "pickle", "numpy", "json", ...); empty if unknown.
std::string detect_artifact_format(std::string_view path, std::string_view head_bytes);

}  // namespace mreg
