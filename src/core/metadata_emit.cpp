#include <fmt/format.h>

#include "core/yaml_emit.hpp"
#include "mreg/metadata.hpp"

namespace mreg {
namespace {

class MetadataWriter {
 public:
  void field(std::string_view key, std::string_view yaml_value) { m_out += fmt::format("{}: {}\n", key, yaml_value); }

  void optional_text(std::string_view key, const std::optional<std::string>& value) {
    if (value) field(key, yaml_string(*value));
  }

  void text_list(std::string_view key, const std::vector<std::string>& values) {
    if (!values.empty()) field(key, yaml_flow_list(values));
  }

  void free_map(std::string_view key, const nlohmann::ordered_json& value) {
    if (value.empty()) return;
    m_out += fmt::format("{}:", key);
    append_yaml_value(m_out, value, 0);
  }

  void description(const std::optional<std::string>& value) {
    if (!value) return;
    if (auto block = yaml_literal_block(*value, 0)) {
      m_out += fmt::format("description: {}", *block);
    } else {
      field("description", yaml_string(*value));
    }
  }

  // One line per metric, so that a changed metric is a one-line diff.
  void metrics(const std::vector<std::pair<std::string, double>>& values) {
    if (values.empty()) return;
    m_out += "metrics:\n";
    for (const auto& [name, value] : values) {
      m_out += "  ";
      append_yaml_key(m_out, name, 2);
      m_out += fmt::format(" {}\n", yaml_double(value));
    }
  }

  void artifacts(const std::vector<Artifact>& values) {
    if (values.empty()) return;
    m_out += "artifacts:\n";
    for (const auto& artifact : values) {
      m_out += fmt::format("  - path: {}\n", yaml_string(artifact.path));
      m_out += fmt::format("    size: {}\n", artifact.size);
      m_out += fmt::format("    digest: {}\n", artifact.digest.id());
      if (artifact.sha256) m_out += fmt::format("    sha256: {}\n", yaml_string(*artifact.sha256));
      if (!artifact.format.empty()) m_out += fmt::format("    format: {}\n", yaml_string(artifact.format));
    }
  }

  std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

}  // namespace

std::string emit_model_metadata(const ModelMetadata& m) {
  MetadataWriter out;
  out.field("schema", std::to_string(m.schema));
  out.field("name", yaml_string(m.name));
  // A version has two dots, so no YAML reader takes it for a number.
  if (m.version) out.field("version", m.version->str());
  out.description(m.description);
  out.optional_text("owner", m.owner);
  out.optional_text("license", m.license);
  out.optional_text("framework", m.framework);
  out.optional_text("task", m.task);
  out.text_list("tags", m.tags);
  out.optional_text("base_model", m.base_model);
  out.text_list("datasets", m.datasets);
  out.free_map("params", m.params);
  out.metrics(m.metrics);
  out.free_map("source", m.source);
  out.artifacts(m.artifacts);
  out.free_map("custom", m.custom);
  return out.take();
}

}  // namespace mreg
