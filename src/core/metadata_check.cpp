#include "core/metadata_check.hpp"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "mreg/names.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

// Finds paths named twice, and paths that need another artifact's path to be
// a directory ("a" and "a/b"): both cannot exist in one checkout.
void check_path_collisions(const std::vector<Artifact>& artifacts, const MetadataFindingSink& report) {
  std::map<std::string_view, std::size_t> first_index;
  for (std::size_t i = 0; i < artifacts.size(); ++i) {
    const std::string_view path = artifacts[i].path;
    if (artifact_path_problem(path)) continue;
    const auto [existing, inserted] = first_index.emplace(path, i);
    if (!inserted) {
      report(fmt::format("artifacts[{}].path", i),
             fmt::format("{:?} is already artifacts[{}].path; each path may appear once", path, existing->second));
    }
  }
  for (const auto& [path, index] : first_index) {
    for (std::size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
      const auto directory = path.substr(0, slash);
      if (auto file = first_index.find(directory); file != first_index.end()) {
        report(fmt::format("artifacts[{}].path", index),
               fmt::format("{:?} needs {:?} to be a directory, but artifacts[{}] is a file with that path", path,
                           directory, file->second));
        break;
      }
    }
  }
}

}  // namespace

bool has_metadata_field(const ModelMetadata& m, std::string_view field) {
  const auto text = [](const std::optional<std::string>& value) { return value && !value->empty(); };
  if (field == "schema") return true;
  if (field == "name") return !m.name.empty();
  if (field == "version") return m.version.has_value();
  if (field == "description") return text(m.description);
  if (field == "owner") return text(m.owner);
  if (field == "license") return text(m.license);
  if (field == "framework") return text(m.framework);
  if (field == "task") return text(m.task);
  if (field == "tags") return !m.tags.empty();
  if (field == "base_model") return text(m.base_model);
  if (field == "datasets") return !m.datasets.empty();
  if (field == "params") return !m.params.empty();
  if (field == "metrics") return !m.metrics.empty();
  if (field == "source") return !m.source.empty();
  if (field == "artifacts") return !m.artifacts.empty();
  if (field == "custom") return !m.custom.empty();
  return false;
}

void check_metadata_rules(const ModelMetadata& m, const MetadataRules& rules, const MetadataFindingSink& sink) {
  // One finding per field is enough: "missing" and "required" say the same.
  std::set<std::string, std::less<>> reported;
  const auto report = [&](std::string_view field, std::string message) {
    reported.emplace(field);
    sink(field, std::move(message));
  };

  if (m.schema != model_schema_version) {
    report("schema", fmt::format("this mreg supports schema {}, found {}; a newer mreg may read this file",
                                 model_schema_version, m.schema));
  }
  if (m.name.empty()) {
    report("name", "missing; expected the model's name, e.g. fraud-detector");
  } else if (auto problem = model_name_problem(m.name)) {
    report("name", *problem);
  } else if (rules.expected_name && m.name != *rules.expected_name) {
    report("name", fmt::format("{:?} does not match the model's directory, which names {:?}", m.name,
                               *rules.expected_name));
  }
  if (!m.version && !rules.allow_draft) {
    report("version", "missing; a registered version needs one, e.g. 1.3.0");
  }

  const std::pair<const char*, const nlohmann::ordered_json*> free_maps[] = {
      {"params", &m.params}, {"source", &m.source}, {"custom", &m.custom}};
  for (const auto& [field, value] : free_maps) {
    if (!value->is_object()) report(field, fmt::format("expected a map, found {}", value->type_name()));
  }

  std::set<std::string_view> metric_names;
  for (const auto& [key, value] : m.metrics) {
    const auto field = fmt::format("metrics.{}", key);
    if (!metric_names.insert(key).second) report(field, "appears twice; each metric may appear once");
    if (!std::isfinite(value)) report(field, fmt::format("expected a finite number, found {}", value));
  }

  if (m.artifacts.empty() && !rules.allow_draft) {
    report("artifacts", "expected at least one artifact (path, size, digest), found none");
  }
  for (std::size_t i = 0; i < m.artifacts.size(); ++i) {
    const auto& artifact = m.artifacts[i];
    if (auto problem = artifact_path_problem(artifact.path)) report(fmt::format("artifacts[{}].path", i), *problem);
    if (artifact.sha256 && !is_sha256_hex(*artifact.sha256)) {
      report(fmt::format("artifacts[{}].sha256", i),
             fmt::format("expected 64 lowercase hex digits, found {:?}", *artifact.sha256));
    } else if (!artifact.sha256 && rules.require_sha256) {
      report(fmt::format("artifacts[{}].sha256", i),
             "missing; mreg.yaml sets `integrity: sha256` (add the file again to record it)");
    }
  }
  check_path_collisions(m.artifacts, report);

  for (const auto& field : rules.required_fields) {
    if (!has_metadata_field(m, field) && !reported.contains(field)) {
      report(field, "missing or empty; mreg.yaml requires it (require:)");
    }
  }
}

std::vector<Diagnostic> check_model_metadata(const ModelMetadata& metadata, std::string_view file,
                                             const MetadataRules& rules) {
  std::vector<Diagnostic> diagnostics;
  check_metadata_rules(metadata, rules, [&](std::string_view field, std::string message) {
    diagnostics.push_back(Diagnostic{std::string(file), 0, 0, fmt::format("{}: {}", field, message)});
  });
  return diagnostics;
}

}  // namespace mreg
