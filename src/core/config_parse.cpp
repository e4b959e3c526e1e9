#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/metadata_check.hpp"
#include "core/name_rules.hpp"
#include "core/yaml_reader.hpp"
#include "core/yaml_util.hpp"
#include "mreg/config.hpp"
#include "mreg/names.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

constexpr std::array<std::string_view, 8> config_keys = {
    "registry", "models_dir", "stage_branch_prefix", "stages", "require", "integrity", "remotes", "default_remote"};
constexpr std::array<std::string_view, 3> stage_keys = {"name", "from", "require"};
constexpr std::array<std::string_view, 4> url_schemes = {"file", "s3", "http", "https"};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Why `prefix` cannot start a branch name (git check-ref-format's rules, for
// the part that mreg.yaml controls), or nullopt.
std::optional<std::string> branch_prefix_problem(std::string_view prefix) {
  if (prefix.empty() || prefix.back() != '/') {
    return fmt::format("{:?} must end with '/', e.g. stage/", prefix);
  }
  if (prefix.front() == '/') return fmt::format("{:?} must not start with '/'", prefix);
  for (char c : prefix) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || std::string_view(" ~^:?*[\\").find(c) != std::string_view::npos) {
      return fmt::format("{:?} contains {:?}, which git does not allow in branch names", prefix,
                         std::string_view(&c, 1));
    }
  }
  if (prefix.find("..") != std::string_view::npos || prefix.find("@{") != std::string_view::npos ||
      prefix.find("//") != std::string_view::npos) {
    return fmt::format("{:?} contains \"..\", \"@{{\" or \"//\", which git does not allow in branch names", prefix);
  }
  std::size_t start = 0;
  for (std::size_t slash = prefix.find('/'); slash != std::string_view::npos; slash = prefix.find('/', start)) {
    const auto segment = prefix.substr(start, slash - start);
    if (segment.front() == '.' || segment.ends_with(".lock")) {
      return fmt::format("{:?}: the part {:?} starts with '.' or ends with \".lock\", which git does not allow",
                         prefix, segment);
    }
    start = slash + 1;
  }
  return std::nullopt;
}

std::optional<std::string> remote_url_problem(std::string_view url) {
  if (url.empty()) return std::string("expected a URL (file://, s3://, http://, https://) or a path, found nothing");
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return fmt::format("{:?} contains a control character", url);
  }
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return std::nullopt;  // a plain path
  const auto scheme = url.substr(0, separator);
  if (std::find(url_schemes.begin(), url_schemes.end(), scheme) == url_schemes.end()) {
    return fmt::format("{:?} has the unsupported scheme \"{}://\"; expected file://, s3://, http://, https:// or a "
                       "plain path",
                       url, scheme);
  }
  if (separator + 3 == url.size()) return fmt::format("{:?} names no location after \"{}://\"", url, scheme);
  return std::nullopt;
}

// ">= 0.90" -> Gate; nullopt when it is not an operator and a finite number.
std::optional<Gate> parse_gate(std::string field, std::string_view text) {
  Gate gate;
  gate.field = std::move(field);
  gate.text = std::string(trim(text));
  std::string_view rest = gate.text;
  for (std::string_view op : {">=", "<=", "==", "!=", ">", "<"}) {
    if (rest.starts_with(op)) {
      gate.op = std::string(op);
      rest.remove_prefix(op.size());
      break;
    }
  }
  if (gate.op.empty()) return std::nullopt;
  const auto number = yaml_scalar_to_json(trim(rest));
  if (!number.is_number() || !std::isfinite(number.get<double>())) return std::nullopt;
  gate.threshold = number.get<double>();
  return gate;
}

class ConfigParser {
 public:
  ConfigParser(std::string_view file, std::vector<Diagnostic>& diagnostics)
      : m_file(file), m_reader(file, diagnostics), m_diagnostics(diagnostics) {}

  std::optional<RegistryConfig> parse(std::string_view text) {
    const auto root = load_yaml_document(text, m_file, m_diagnostics);
    if (!root) return std::nullopt;
    const YamlField document{"", *root, yaml_position(*root)};
    if (!root->IsMap()) {
      m_reader.report(document.position, fmt::format("expected a map of settings (registry: {}, stages: ...), found {}",
                                                     registry_format_version, describe_yaml_value(*root)));
      return std::nullopt;
    }
    bool has_registry = false;
    for (const auto& entry : m_reader.entries(document)) {
      if (!m_reader.known_key(entry, config_keys, "")) continue;
      has_registry = has_registry || entry.key == "registry";
      read_setting(entry);
    }
    if (!has_registry) {
      m_reader.report(YamlPosition{}, fmt::format("registry: missing; expected `registry: {}` (the format version of "
                                                  "mreg.yaml)", registry_format_version));
    }
    check_references();
    if (m_reader.diagnostic_count() != 0) return std::nullopt;
    return std::move(m_config);
  }

 private:
  void read_setting(const YamlEntry& entry) {
    const auto& value = entry.value;
    if (entry.key == "registry") return read_registry(value);
    if (entry.key == "models_dir") return read_models_dir(value);
    if (entry.key == "stage_branch_prefix") return read_branch_prefix(value);
    if (entry.key == "stages") return read_stages(value);
    if (entry.key == "require") return read_required_fields(value);
    if (entry.key == "integrity") return read_integrity(value);
    if (entry.key == "remotes") return read_remotes(value);
    if (entry.key == "default_remote") return read_default_remote(value);
  }

  void read_registry(const YamlField& value) {
    const auto format = m_reader.integer(value);
    if (!format) return;
    if (*format != registry_format_version) {
      m_reader.report(value, fmt::format("this mreg reads registry format {}, found {}; a newer mreg may read this "
                                         "registry", registry_format_version, *format));
    }
  }

  void read_models_dir(const YamlField& value) {
    auto dir = m_reader.text(value);
    if (!dir) return;
    if (auto problem = artifact_path_problem(*dir)) {
      m_reader.report(value, fmt::format("expected a relative path inside the repository, e.g. models: {}", *problem));
      return;
    }
    m_config.models_dir = std::move(*dir);
  }

  void read_branch_prefix(const YamlField& value) {
    auto prefix = m_reader.text(value);
    if (!prefix) return;
    if (auto problem = branch_prefix_problem(*prefix)) return m_reader.report(value, *problem);
    m_config.stage_branch_prefix = std::move(*prefix);
  }

  void read_stages(const YamlField& value) {
    if (value.node.IsNull()) return;
    const auto items = m_reader.items(value);
    if (!items) return;
    for (const auto& item : *items) read_stage(item);
  }

  void read_stage(const YamlField& item) {
    if (!item.node.IsMap()) {
      m_reader.report(item, fmt::format("expected a map such as {{name: production, from: [staging]}}, found {}",
                                        describe_yaml_value(item.node)));
      return;
    }
    StageConfig stage;
    bool has_name = false;
    for (const auto& entry : m_reader.entries(item)) {
      if (!m_reader.known_key(entry, stage_keys, item.path)) continue;
      if (entry.key == "name") {
        has_name = true;
        read_stage_name(entry.value, stage);
      } else if (entry.key == "from") {
        read_stage_from(entry.value, stage);
      } else if (entry.key == "require") {
        read_gates(entry.value, stage);
      }
    }
    if (!has_name) m_reader.report(item, "missing \"name\"; each stage needs a name, e.g. production");
    m_config.stages.push_back(std::move(stage));
  }

  void read_stage_name(const YamlField& value, StageConfig& stage) {
    auto name = m_reader.text(value);
    if (!name) return;
    if (auto problem = stage_name_problem(*name)) return m_reader.report(value, *problem);
    if (!m_stage_positions.emplace(*name, value.position).second) {
      return m_reader.report(value, fmt::format("stage {:?} is configured twice", *name));
    }
    stage.name = std::move(*name);
  }

  void read_stage_from(const YamlField& value, StageConfig& stage) {
    // `from: staging` is read as `from: [staging]`.
    if (value.node.IsScalar()) {
      m_from.push_back({stage_index(), value, value.node.Scalar()});
      stage.from.push_back(value.node.Scalar());
      return;
    }
    const auto items = m_reader.items(value);
    if (!items) return;
    for (const auto& item : *items) {
      auto name = m_reader.text(item);
      if (!name) continue;
      m_from.push_back({stage_index(), item, *name});
      stage.from.push_back(std::move(*name));
    }
  }

  void read_gates(const YamlField& value, StageConfig& stage) {
    if (!m_reader.map_or_null(value)) return;
    for (const auto& entry : m_reader.entries(value)) {
      if (!entry.key.starts_with("metrics.") || entry.key.size() == std::string_view("metrics.").size()) {
        m_reader.report(entry.key_position,
                        fmt::format("{}: gates are on metrics; expected a key like metrics.auc, found {:?}", value.path,
                                    entry.key));
        continue;
      }
      const auto text = m_reader.text(entry.value);
      if (!text) continue;
      if (auto gate = parse_gate(entry.key, *text)) {
        stage.require.push_back(std::move(*gate));
      } else {
        m_reader.report(entry.value,
                        fmt::format("expected a comparison such as \">= 0.90\" (>=, >, <=, <, == or != and a "
                                    "number, quoted), found {}", describe_yaml_value(entry.value.node)));
      }
    }
  }

  void read_required_fields(const YamlField& value) {
    const auto items = value.node.IsNull() ? std::optional<std::vector<YamlField>>{} : m_reader.items(value);
    if (!items) return;
    for (const auto& item : *items) {
      auto field = m_reader.text(item);
      if (!field) continue;
      if (std::find(model_metadata_fields.begin(), model_metadata_fields.end(), *field) ==
          model_metadata_fields.end()) {
        std::string message = fmt::format("{:?} is not a model.yaml field", *field);
        if (auto suggestion = closest_match(*field, model_metadata_fields)) {
          message += fmt::format("; did you mean {:?}?", *suggestion);
        }
        message += fmt::format(" (expected {})", fmt::join(model_metadata_fields, ", "));
        m_reader.report(item, std::move(message));
        continue;
      }
      m_config.require.push_back(std::move(*field));
    }
  }

  void read_integrity(const YamlField& value) {
    const auto text = m_reader.text(value);
    if (!text) return;
    if (*text == "xxh128") {
      m_config.integrity = Integrity::xxh128;
    } else if (*text == "sha256") {
      m_config.integrity = Integrity::sha256;
    } else {
      m_reader.report(value, fmt::format("expected xxh128 or sha256, found {}", describe_yaml_value(value.node)));
    }
  }

  void read_remotes(const YamlField& value) {
    if (!m_reader.map_or_null(value)) return;
    for (const auto& entry : m_reader.entries(value)) {
      if (auto problem = name_segment_problem(entry.key)) {
        m_reader.report(entry.key_position, fmt::format("{}: invalid remote name {:?}: {}", value.path, entry.key,
                                                        *problem));
        continue;
      }
      auto url = m_reader.text(entry.value);
      if (!url) continue;
      if (auto problem = remote_url_problem(*url)) {
        m_reader.report(entry.value, *problem);
        continue;
      }
      m_config.remotes.emplace_back(entry.key, std::move(*url));
    }
  }

  void read_default_remote(const YamlField& value) {
    if (value.node.IsNull()) return;
    auto name = m_reader.text(value);
    if (!name) return;
    m_default_remote = value;
    m_config.default_remote = std::move(*name);
  }

  std::size_t stage_index() const { return m_config.stages.size(); }

  // Checks that need the whole file: `from:` names configured stages and
  // forms no cycle, and default_remote names a remote.
  void check_references() {
    for (const auto& stage : m_config.stages) {
      if (!stage.name.empty()) m_stages_by_name.emplace(stage.name, &stage);
    }
    for (const auto& from : m_from) {
      if (from.name == m_config.stages[from.stage].name) {
        m_reader.report(from.field, fmt::format("stage {:?} cannot come from itself", from.name));
      } else if (!m_stages_by_name.contains(from.name)) {
        std::vector<std::string_view> names;
        for (const auto& stage : m_config.stages) names.push_back(stage.name);
        m_reader.report(from.field, fmt::format("{:?} is not a configured stage (stages: {})", from.name,
                                                listing(names)));
      }
    }
    report_cycle();
    if (m_default_remote && m_config.default_remote) {
      std::vector<std::string_view> names;
      for (const auto& [name, url] : m_config.remotes) names.push_back(name);
      if (std::find(names.begin(), names.end(), *m_config.default_remote) == names.end()) {
        m_reader.report(*m_default_remote, fmt::format("{:?} is not a configured remote (remotes: {})",
                                                       *m_config.default_remote, listing(names)));
      }
    }
  }

  // Names for a message, the first few only: a hostile file may hold many.
  static std::string listing(const std::vector<std::string_view>& names) {
    constexpr std::size_t shown = 20;
    if (names.size() <= shown) return fmt::format("{}", fmt::join(names, ", "));
    return fmt::format("{}, ... ({} in all)", fmt::join(names.begin(), names.begin() + shown, ", "), names.size());
  }

  // A cycle in `from:` would make its stages unreachable by any promotion.
  // Stages are ordered the way a topological sort does (iteratively: a file
  // may configure thousands); those left over lie on or behind a cycle.
  void report_cycle() {
    std::map<std::string_view, std::size_t> waiting;  // stage -> its from: stages not yet ordered
    std::map<std::string_view, std::vector<std::string_view>> followers;
    for (const auto& stage : m_config.stages) {
      if (!stage.name.empty()) waiting.emplace(stage.name, 0);
    }
    for (const auto& stage : m_config.stages) {
      for (const auto& previous : stage.from) {
        if (stage.name.empty() || previous == stage.name || !waiting.contains(previous)) continue;
        ++waiting[stage.name];
        followers[previous].push_back(stage.name);
      }
    }
    std::vector<std::string_view> ready;
    for (const auto& [name, count] : waiting) {
      if (count == 0) ready.push_back(name);
    }
    while (!ready.empty()) {
      const auto name = ready.back();
      ready.pop_back();
      for (const auto follower : followers[name]) {
        if (--waiting[follower] == 0) ready.push_back(follower);
      }
    }
    const auto stuck = std::find_if(waiting.begin(), waiting.end(), [](const auto& entry) { return entry.second > 0; });
    if (stuck == waiting.end()) return;

    // Walk back along from: within the leftover stages until one repeats.
    std::vector<std::string_view> walk;
    std::map<std::string_view, std::size_t> seen_at;
    std::string_view current = stuck->first;
    while (!seen_at.contains(current)) {
      seen_at.emplace(current, walk.size());
      walk.push_back(current);
      for (const auto& previous : m_stages_by_name.at(current)->from) {
        if (previous != current && waiting.contains(previous) && waiting[previous] > 0) {
          current = previous;
          break;
        }
      }
    }
    std::vector<std::string_view> cycle(walk.begin() + static_cast<std::ptrdiff_t>(seen_at[current]), walk.end());
    cycle.push_back(current);
    const auto position = m_stage_positions.find(cycle.front());
    m_reader.report(position == m_stage_positions.end() ? YamlPosition{} : position->second,
                    fmt::format("stages: the from: rules form a cycle ({}), so no version could be promoted into "
                                "these stages", fmt::join(cycle, " <- ")));
  }

  struct FromReference {
    std::size_t stage;
    YamlField field;
    std::string name;
  };

  std::string m_file;
  YamlReader m_reader;
  std::vector<Diagnostic>& m_diagnostics;
  RegistryConfig m_config;
  std::map<std::string, YamlPosition, std::less<>> m_stage_positions;
  std::map<std::string_view, const StageConfig*> m_stages_by_name;  // filled once all stages are read
  std::vector<FromReference> m_from;
  std::optional<YamlField> m_default_remote;
};

}  // namespace

ParsedConfig parse_registry_config(std::string_view yaml_text, std::string_view file) {
  ParsedConfig parsed;
  parsed.config = ConfigParser(file, parsed.diagnostics).parse(yaml_text);
  return parsed;
}

RegistryConfig load_registry_config(std::string_view yaml_text, std::string_view file) {
  auto parsed = parse_registry_config(yaml_text, file);
  if (!parsed.config) throw_diagnostics(parsed.diagnostics);
  return std::move(*parsed.config);
}

}  // namespace mreg
