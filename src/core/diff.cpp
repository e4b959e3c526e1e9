// Registry::diff and the metadata comparison it shares with review.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/metadata_diff.hpp"
#include "core/registry_impl.hpp"
#include "core/tensor_diff.hpp"
#include "mreg/registry.hpp"

namespace mreg {
namespace {

using json = nlohmann::ordered_json;

json optional_json(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

// Nested objects become dotted keys; anything else (arrays included) is a leaf.
void flatten(const json& value, const std::string& prefix, std::vector<std::pair<std::string, json>>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, child] : value.items()) flatten(child, prefix + "." + key, out);
    return;
  }
  out.emplace_back(prefix, value);
}

// Compares two maps flattened under `prefix`: keys in the newer map's order,
// then the keys only the older one has.
void compare_map(const std::string& prefix, const json& a, const json& b, std::vector<FieldChange>& out) {
  std::vector<std::pair<std::string, json>> before, after;
  if (a.is_object()) flatten(a, prefix, before);
  if (b.is_object()) flatten(b, prefix, after);
  // An empty map flattens to one leaf {} under the prefix itself, which only
  // says "nothing here"; the keys on the other side say what changed.
  std::erase_if(before, [&](const auto& entry) { return entry.first == prefix; });
  std::erase_if(after, [&](const auto& entry) { return entry.first == prefix; });
  const auto find = [](const auto& entries, const std::string& key) -> const json* {
    for (const auto& [name, value] : entries) {
      if (name == key) return &value;
    }
    return nullptr;
  };
  for (const auto& [key, value] : after) {
    const json* old = find(before, key);
    if (!old) {
      out.push_back({key, nullptr, value});
    } else if (*old != value) {
      out.push_back({key, *old, value});
    }
  }
  for (const auto& [key, value] : before) {
    if (!find(after, key)) out.push_back({key, value, nullptr});
  }
}

void compare_field(std::string field, json before, json after, std::vector<FieldChange>& out) {
  if (before != after) out.push_back({std::move(field), std::move(before), std::move(after)});
}

std::vector<FieldChange> compare_fields(const ModelMetadata& a, const ModelMetadata& b) {
  std::vector<FieldChange> out;
  compare_field("name", a.name, b.name, out);
  compare_field("description", optional_json(a.description), optional_json(b.description), out);
  compare_field("owner", optional_json(a.owner), optional_json(b.owner), out);
  compare_field("license", optional_json(a.license), optional_json(b.license), out);
  compare_field("framework", optional_json(a.framework), optional_json(b.framework), out);
  compare_field("task", optional_json(a.task), optional_json(b.task), out);
  compare_field("tags", a.tags, b.tags, out);
  compare_field("base_model", optional_json(a.base_model), optional_json(b.base_model), out);
  compare_field("datasets", a.datasets, b.datasets, out);
  compare_map("params", a.params, b.params, out);
  compare_map("source", a.source, b.source, out);
  compare_map("custom", a.custom, b.custom, out);
  return out;
}

std::vector<MetricChange> compare_metrics(const RegistryConfig& config, const ModelMetadata& a,
                                          const ModelMetadata& b) {
  std::vector<MetricChange> out;
  for (const auto& [name, value] : b.metrics) out.push_back({name, a.metric(name), value, std::nullopt});
  for (const auto& [name, value] : a.metrics) {
    if (!b.metric(name)) out.push_back({name, value, std::nullopt, std::nullopt});
  }
  for (auto& change : out) {
    if (!change.before || !change.after || *change.before == *change.after) continue;
    if (const auto higher = metric_higher_is_better(config, change.name)) {
      change.improved = (*change.after > *change.before) == *higher;
    }
  }
  return out;
}

std::vector<ArtifactChange> compare_artifacts(const ModelMetadata& a, const ModelMetadata& b) {
  std::map<std::string, ArtifactChange> by_path;
  for (const auto& artifact : a.artifacts) {
    auto& change = by_path[artifact.path];
    change.path = artifact.path;
    change.kind = ArtifactChange::Kind::removed;
    change.size_before = artifact.size;
    change.digest_before = artifact.digest.id();
  }
  for (const auto& artifact : b.artifacts) {
    auto& change = by_path[artifact.path];
    change.path = artifact.path;
    change.size_after = artifact.size;
    change.digest_after = artifact.digest.id();
    if (!change.size_before) {
      change.kind = ArtifactChange::Kind::added;
    } else if (change.digest_before != change.digest_after || *change.size_before != artifact.size) {
      change.kind = ArtifactChange::Kind::changed;
    } else {
      change.kind = ArtifactChange::Kind::unchanged;
    }
  }
  std::vector<ArtifactChange> out;
  out.reserve(by_path.size());
  for (auto& [path, change] : by_path) out.push_back(std::move(change));
  return out;
}

}  // namespace

std::optional<bool> metric_higher_is_better(const RegistryConfig& config, std::string_view metric) {
  const std::string field = fmt::format("metrics.{}", metric);
  for (const auto& stage : config.stages) {
    for (const auto& gate : stage.require) {
      if (gate.field != field) continue;
      if (auto higher = gate.higher_is_better()) return higher;
    }
  }
  return std::nullopt;
}

DiffReport compare_metadata(const RegistryConfig& config, std::string ref_a, const ModelMetadata& a,
                            std::string ref_b, const ModelMetadata& b) {
  DiffReport report;
  report.ref_a = std::move(ref_a);
  report.ref_b = std::move(ref_b);
  report.fields = compare_fields(a, b);
  report.metrics = compare_metrics(config, a, b);
  report.artifacts = compare_artifacts(a, b);
  return report;
}

DiffReport Registry::diff(const ModelRef& a, const ModelRef& b) const {
  const ResolvedVersion before = resolve(a);
  const ResolvedVersion after = resolve(b);
  const auto label = [](const ResolvedVersion& resolved) {
    return fmt::format("{}@{}", resolved.info.name, resolved.info.version.str());
  };
  DiffReport report =
      compare_metadata(m_impl->config, label(before), before.metadata, label(after), after.metadata);
  for (auto& change : report.artifacts) {
    const auto find = [&](const ModelMetadata& metadata) {
      return std::find_if(metadata.artifacts.begin(), metadata.artifacts.end(),
                          [&](const Artifact& artifact) { return artifact.path == change.path; });
    };
    const auto a = find(before.metadata);
    const auto b = find(after.metadata);
    if (a != before.metadata.artifacts.end() && b != after.metadata.artifacts.end()) {
      compare_tensors(m_impl->store, *a, *b, change);
    }
  }
  return report;
}

}  // namespace mreg
