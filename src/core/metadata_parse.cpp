#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/metadata_check.hpp"
#include "core/yaml_reader.hpp"
#include "core/yaml_util.hpp"
#include "mreg/error.hpp"
#include "mreg/metadata.hpp"

namespace mreg {
namespace {

constexpr std::array<std::string_view, 5> artifact_keys = {"path", "size", "digest", "sha256", "format"};

// Reads one model.yaml. Problems found while reading a field mark it failed,
// so that the rule checks run afterwards on the half-read value do not
// report the same field again.
class MetadataParser {
 public:
  MetadataParser(std::string_view file, std::vector<Diagnostic>& diagnostics)
      : m_file(file), m_reader(file, diagnostics), m_diagnostics(diagnostics) {}

  std::optional<ModelMetadata> parse(std::string_view text, const MetadataRules& rules) {
    const auto root = load_yaml_document(text, m_file, m_diagnostics);
    if (!root) return std::nullopt;
    const YamlField document{"", *root, yaml_position(*root)};
    if (!root->IsMap()) {
      m_reader.report(document.position,
                      fmt::format("expected a map of fields (schema: 1, name: ..., ...), found {}",
                                  describe_yaml_value(*root)));
      return std::nullopt;
    }
    bool has_schema = false;
    for (const auto& entry : m_reader.entries(document)) {
      if (!m_reader.known_key(entry, model_metadata_fields, "",
                              "free-form data belongs under custom:")) {
        continue;
      }
      m_positions[entry.key] = entry.value.position;
      has_schema = has_schema || entry.key == "schema";
      read_field(entry.key, entry.value);
    }
    if (!has_schema) {
      m_reader.report(YamlPosition{}, fmt::format("schema: missing; expected `schema: {}` (the format version of "
                                                  "model.yaml)", model_schema_version));
    }
    check_metadata_rules(m_metadata, rules, [&](std::string_view field, std::string message) {
      if (!failed(field)) m_reader.report(position_of(field), fmt::format("{}: {}", field, message));
    });
    if (m_reader.diagnostic_count() != 0) return std::nullopt;
    return std::move(m_metadata);
  }

 private:
  // Runs `read` and marks `path` failed if it reported anything.
  template <typename Read>
  void tracked(std::string_view path, Read&& read) {
    const std::size_t before = m_reader.diagnostic_count();
    read();
    if (m_reader.diagnostic_count() != before) m_failed.emplace(path);
  }

  void read_field(const std::string& key, const YamlField& value) {
    // Lists and maps of items track their items, so that one bad item does
    // not hide the checks of the others.
    if (key == "metrics") return read_metrics(value);
    if (key == "artifacts") return read_artifacts(value);
    tracked(value.path, [&] { read_scalar_field(key, value); });
  }

  void read_scalar_field(const std::string& key, const YamlField& value) {
    auto& m = m_metadata;
    if (key == "schema") return read_schema(value);
    if (key == "name") return read_text(value, m.name);
    if (key == "version") return read_version(value);
    if (key == "description") return read_optional_text(value, m.description);
    if (key == "owner") return read_optional_text(value, m.owner);
    if (key == "license") return read_optional_text(value, m.license);
    if (key == "framework") return read_optional_text(value, m.framework);
    if (key == "task") return read_optional_text(value, m.task);
    if (key == "tags") return read_text_list(value, m.tags);
    if (key == "base_model") return read_optional_text(value, m.base_model);
    if (key == "datasets") return read_text_list(value, m.datasets);
    if (key == "params") return read_free_map(value, m.params);
    if (key == "source") return read_free_map(value, m.source);
    if (key == "custom") return read_free_map(value, m.custom);
  }

  void read_schema(const YamlField& value) {
    const auto schema = m_reader.integer(value);
    if (schema && *schema != model_schema_version) {
      m_reader.report(value, fmt::format("this mreg supports schema {}, found {}; a newer mreg may read this file",
                                         model_schema_version, *schema));
    }
  }

  void read_text(const YamlField& value, std::string& out) {
    if (value.node.IsNull()) return;
    if (auto text = m_reader.text(value)) out = std::move(*text);
  }

  void read_optional_text(const YamlField& value, std::optional<std::string>& out) {
    if (value.node.IsNull()) return;
    out = m_reader.text(value);
  }

  void read_text_list(const YamlField& value, std::vector<std::string>& out) {
    if (auto list = m_reader.text_list(value)) out = std::move(*list);
  }

  void read_version(const YamlField& value) {
    if (value.node.IsNull()) return;
    const auto text = m_reader.text(value);
    if (!text) return;
    try {
      m_metadata.version = Version::parse_or_throw(*text, "version");
    } catch (const Error& e) {
      m_reader.report(value.position, e.what());
    }
  }

  void read_free_map(const YamlField& value, nlohmann::ordered_json& out) {
    if (m_reader.map_or_null(value)) out = yaml_to_json(value.node, value.path, m_file, m_diagnostics);
  }

  void read_metrics(const YamlField& value) {
    bool is_map = false;
    tracked(value.path, [&] { is_map = m_reader.map_or_null(value); });
    if (!is_map) return;
    for (const auto& entry : m_reader.entries(value)) {
      m_positions[entry.value.path] = entry.value.position;
      tracked(entry.value.path, [&] {
        if (auto number = m_reader.number(entry.value)) m_metadata.metrics.emplace_back(entry.key, *number);
      });
    }
  }

  void read_artifacts(const YamlField& value) {
    if (value.node.IsNull()) return;
    std::optional<std::vector<YamlField>> items;
    tracked(value.path, [&] { items = m_reader.items(value); });
    if (!items) return;
    for (const auto& item : *items) {
      m_positions[item.path] = item.position;
      // Every item gets a slot, read or not, so that artifacts[i] in the
      // rule checks is the i-th item of the file.
      read_artifact(item, m_metadata.artifacts.emplace_back());
    }
  }

  void read_artifact(const YamlField& item, Artifact& artifact) {
    if (!item.node.IsMap()) {
      m_reader.report(item, fmt::format("expected a map with path, size and digest, found {}",
                                        describe_yaml_value(item.node)));
      m_failed.emplace(item.path);
      return;
    }
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : m_reader.entries(item)) {
      if (!m_reader.known_key(entry, artifact_keys, item.path)) continue;
      seen.insert(entry.key);
      m_positions[entry.value.path] = entry.value.position;
      tracked(entry.value.path, [&] { read_artifact_key(entry.key, entry.value, artifact); });
    }
    for (std::string_view key : {"path", "size", "digest"}) {
      if (seen.contains(key)) continue;
      m_reader.report(item, fmt::format("missing {:?}; each artifact needs path, size and digest", key));
      m_failed.emplace(fmt::format("{}.{}", item.path, key));
    }
  }

  void read_artifact_key(const std::string& key, const YamlField& value, Artifact& artifact) {
    if (key == "path") return read_text(value, artifact.path);
    if (key == "size") return read_size(value, artifact.size);
    if (key == "digest") return read_digest(value, artifact.digest);
    if (key == "sha256") return read_optional_text(value, artifact.sha256);
    if (key == "format") return read_text(value, artifact.format);
  }

  void read_size(const YamlField& value, std::uint64_t& out) {
    const auto size = m_reader.integer(value);
    if (!size) return;
    if (*size < 0) {
      m_reader.report(value, fmt::format("expected a size in bytes (an integer >= 0), found {}", *size));
      return;
    }
    out = static_cast<std::uint64_t>(*size);
  }

  void read_digest(const YamlField& value, Digest& out) {
    const auto text = m_reader.text(value);
    if (!text) return;
    if (auto digest = Digest::from_id(*text)) {
      out = *digest;
      return;
    }
    m_reader.report(value, fmt::format("expected \"xxh128:\" followed by 32 lowercase hex digits, found {}",
                                       describe_yaml_value(value.node)));
  }

  // A field, or the closest enclosing one, that failed while being read.
  bool failed(std::string_view field) const {
    for (std::string_view path = field; !path.empty(); path = parent_of(path)) {
      if (m_failed.contains(path)) return true;
    }
    return false;
  }

  YamlPosition position_of(std::string_view field) const {
    for (std::string_view path = field; !path.empty(); path = parent_of(path)) {
      if (auto it = m_positions.find(path); it != m_positions.end()) return it->second;
    }
    return {};
  }

  // "artifacts[2].path" -> "artifacts[2]" -> "artifacts" -> "".
  static std::string_view parent_of(std::string_view path) {
    const std::size_t cut = path.find_last_of(".[");
    return cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
  }

  std::string m_file;
  YamlReader m_reader;
  std::vector<Diagnostic>& m_diagnostics;
  ModelMetadata m_metadata;
  std::map<std::string, YamlPosition, std::less<>> m_positions;
  std::set<std::string, std::less<>> m_failed;
};

}  // namespace

ParsedMetadata parse_model_metadata(std::string_view yaml_text, std::string_view file, const MetadataRules& rules) {
  ParsedMetadata parsed;
  parsed.metadata = MetadataParser(file, parsed.diagnostics).parse(yaml_text, rules);
  // Positioned findings in file order, then those without a position.
  std::stable_sort(parsed.diagnostics.begin(), parsed.diagnostics.end(), [](const auto& a, const auto& b) {
    const auto key = [](const Diagnostic& d) { return std::pair(d.line == 0 ? INT_MAX : d.line, d.column); };
    return key(a) < key(b);
  });
  return parsed;
}

ModelMetadata load_model_metadata(std::string_view yaml_text, std::string_view file, const MetadataRules& rules) {
  auto parsed = parse_model_metadata(yaml_text, file, rules);
  if (!parsed.metadata) throw_diagnostics(parsed.diagnostics);
  return std::move(*parsed.metadata);
}

}  // namespace mreg
