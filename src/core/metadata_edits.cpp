#include "core/metadata_edits.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/yaml_util.hpp"
#include "mreg/error.hpp"

namespace mreg {
namespace {

double parse_metric(std::string_view flag, std::string_view key, std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    throw Error(ErrorCode::invalid,
                fmt::format("{} {}={}: a metric's value must be a finite number, e.g. {}=0.93", flag, key, text, key));
  }
  return value;
}

void check_key(std::string_view flag, std::string_view key) {
  if (key.empty()) throw Error(ErrorCode::invalid, fmt::format("{}: empty key; expected KEY=VALUE", flag));
}

// A metrics/params file: a YAML (or JSON) map.
nlohmann::ordered_json read_map_file(const std::filesystem::path& path, std::string_view flag) {
  auto map = load_yaml_file_as_json(path);
  if (!map.is_object()) {
    throw Error(ErrorCode::invalid,
                fmt::format("{} {}: expected a map of name -> value, found {}", flag, path.string(), map.type_name()));
  }
  return map;
}

}  // namespace

void apply_metadata_edits(ModelMetadata& metadata, const MetadataEdits& edits) {
  if (edits.description) metadata.description = edits.description;
  if (edits.owner) metadata.owner = edits.owner;
  if (edits.license) metadata.license = edits.license;
  if (edits.framework) metadata.framework = edits.framework;
  if (edits.task) metadata.task = edits.task;
  if (edits.base_model) metadata.base_model = edits.base_model;
  if (!edits.tags.empty()) metadata.tags = edits.tags;
  if (!edits.datasets.empty()) metadata.datasets = edits.datasets;

  if (edits.metrics_file) {
    const auto metrics = read_map_file(*edits.metrics_file, "--metrics-file");
    for (const auto& [key, value] : metrics.items()) {
      if (!value.is_number()) {
        throw Error(ErrorCode::invalid, fmt::format("--metrics-file {}: metric \"{}\" must be a number, found {}",
                                                    edits.metrics_file->string(), key, value.dump()));
      }
      metadata.set_metric(key, value.get<double>());
    }
  }
  for (const auto& [key, text] : edits.metrics) {
    check_key("--metric", key);
    metadata.set_metric(key, parse_metric("--metric", key, text));
  }

  if (edits.params_file) {
    const auto params = read_map_file(*edits.params_file, "--params-file");
    for (const auto& [key, value] : params.items()) {
      metadata.params[key] = value;
    }
  }
  for (const auto& [key, text] : edits.params) {
    check_key("--param", key);
    metadata.params[key] = yaml_scalar_to_json(text);
  }
  for (const auto& [key, text] : edits.custom) {
    check_key("--set", key);
    metadata.custom[key] = yaml_scalar_to_json(text);
  }
}

}  // namespace mreg
