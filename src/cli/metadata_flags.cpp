#include "cli/metadata_flags.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg::cli {

namespace {

constexpr const char* group = "Metadata (start from the previous version's; flags override)";

std::pair<std::string, std::string> split_key_value(std::string_view flag, std::string_view text,
                                                     std::string_view example) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw Error(ErrorCode::usage, fmt::format("{} '{}': expected KEY=VALUE", flag, text),
                fmt::format("for example: {} {}", flag, example));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

bool is_finite_number(const std::string& text) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(value);
}

// The value of an option when it was given on the command line (an empty
// string given explicitly still counts: it clears the field).
std::optional<std::string> given(const CLI::App& command, const char* name, const std::string& value) {
  if (command.get_option(name)->count() == 0) return std::nullopt;
  return value;
}

}  // namespace

void add_metadata_flags(CLI::App& command, MetadataFlags& flags) {
  command.add_option("--description", flags.description, "What the model is and does (markdown)")
      ->group(group);
  command.add_option("--owner", flags.owner, "Who answers for the model, e.g. risk-ml@example.com")
      ->group(group);
  command.add_option("--license", flags.license, "SPDX license identifier, e.g. apache-2.0")->group(group);
  command.add_option("--framework", flags.framework, "Library that loads the model, e.g. pytorch")
      ->group(group);
  command.add_option("--task", flags.task, "What the model does, e.g. tabular-classification")
      ->group(group);
  command.add_option("--tag", flags.tags, "A tag (repeatable; replaces the list)")
      ->type_name("TAG")
      ->group(group);
  command.add_option("--metric", flags.metrics, "A metric, KEY=NUMBER (repeatable; merged), e.g. auc=0.94")
      ->type_name("KEY=VALUE")
      ->group(group);
  command.add_option("--param", flags.params, "A training parameter, KEY=VALUE (repeatable; merged)")
      ->type_name("KEY=VALUE")
      ->group(group);
  command.add_option("--base-model", flags.base_model,
                     "Lineage: the model this one derives from, a REF or an external id (hf:org/name)")
      ->type_name("REF")
      ->group(group);
  command.add_option("--dataset", flags.datasets, "A training dataset (repeatable; replaces the list)")
      ->type_name("D")
      ->group(group);
  command.add_option("--set", flags.custom, "A free-form value under custom:, KEY=VALUE (repeatable; merged)")
      ->type_name("KEY=VALUE")
      ->group(group);
  command.add_option("--metrics-file", flags.metrics_file, "Merge metrics from a YAML or JSON map")
      ->type_name("FILE")
      ->group(group);
  command.add_option("--params-file", flags.params_file, "Merge params from a YAML or JSON map")
      ->type_name("FILE")
      ->group(group);
}

MetadataEdits to_edits(const CLI::App& command, const MetadataFlags& flags) {
  MetadataEdits edits;
  edits.description = given(command, "--description", flags.description);
  edits.owner = given(command, "--owner", flags.owner);
  edits.license = given(command, "--license", flags.license);
  edits.framework = given(command, "--framework", flags.framework);
  edits.task = given(command, "--task", flags.task);
  edits.base_model = given(command, "--base-model", flags.base_model);
  edits.tags = flags.tags;
  edits.datasets = flags.datasets;
  for (const auto& text : flags.metrics) {
    auto metric = split_key_value("--metric", text, "auc=0.94");
    if (!is_finite_number(metric.second)) {
      throw Error(ErrorCode::usage,
                  fmt::format("--metric '{}': the value '{}' is not a number", text, metric.second),
                  "metrics are numbers, for example: --metric auc=0.94");
    }
    edits.metrics.push_back(std::move(metric));
  }
  for (const auto& text : flags.params) edits.params.push_back(split_key_value("--param", text, "max_depth=8"));
  for (const auto& text : flags.custom) edits.custom.push_back(split_key_value("--set", text, "team=risk"));
  if (!flags.metrics_file.empty()) edits.metrics_file = flags.metrics_file;
  if (!flags.params_file.empty()) edits.params_file = flags.params_file;
  return edits;
}

}  // namespace mreg::cli
