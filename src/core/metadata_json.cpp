#include "mreg/metadata.hpp"

namespace mreg {

nlohmann::ordered_json metadata_to_json(const ModelMetadata& m) {
  using json = nlohmann::ordered_json;
  json out = json::object();
  const auto optional_text = [&](const char* key, const std::optional<std::string>& value) {
    if (value) out[key] = *value;
  };
  out["schema"] = m.schema;
  out["name"] = m.name;
  if (m.version) out["version"] = m.version->str();
  optional_text("description", m.description);
  optional_text("owner", m.owner);
  optional_text("license", m.license);
  optional_text("framework", m.framework);
  optional_text("task", m.task);
  // Lists and maps are always present, empty or not, so that consumers of
  // --json need no special case.
  out["tags"] = m.tags;
  optional_text("base_model", m.base_model);
  out["datasets"] = m.datasets;
  out["params"] = m.params;
  json metrics = json::object();
  for (const auto& [name, value] : m.metrics) metrics[name] = value;
  out["metrics"] = std::move(metrics);
  out["source"] = m.source;
  json artifacts = json::array();
  for (const auto& artifact : m.artifacts) {
    json item = {{"path", artifact.path}, {"size", artifact.size}, {"digest", artifact.digest.id()}};
    if (artifact.sha256) item["sha256"] = *artifact.sha256;
    if (!artifact.format.empty()) item["format"] = artifact.format;
    artifacts.push_back(std::move(item));
  }
  out["artifacts"] = std::move(artifacts);
  out["custom"] = m.custom;
  return out;
}

}  // namespace mreg
