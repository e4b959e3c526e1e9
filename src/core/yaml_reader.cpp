#include "core/yaml_reader.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace mreg {
namespace {

using json = nlohmann::ordered_json;

// A scalar as the core schema types it; diagnostics about odd tags or
// ranges are the business of yaml_to_json(), not of describing a value.
json typed_scalar(const YAML::Node& node) {
  std::vector<Diagnostic> ignored;
  return yaml_to_json(node, "", "", ignored);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Long values are cut short in messages, so that one bad field cannot bury
// the rest of the report.
std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t shown = 60;
  if (text.size() <= shown) return fmt::format("{:?}", text);
  return fmt::format("{:?}... ({} bytes)", text.substr(0, shown), text.size());
}

}  // namespace

YamlReader::YamlReader(std::string_view file, std::vector<Diagnostic>& diagnostics)
    : m_file(file), m_diagnostics(diagnostics) {}

void YamlReader::report(YamlPosition position, std::string message) {
  m_diagnostics.push_back(make_diagnostic(m_file, position, std::move(message)));
}

void YamlReader::report(const YamlField& field, std::string message) {
  report(field.position, fmt::format("{}: {}", field.path, message));
}

std::vector<YamlEntry> YamlReader::entries(const YamlField& map) {
  std::vector<YamlEntry> result;
  for (const auto& entry : map.node) {
    const auto key_position = yaml_position(entry.first);
    if (!entry.first.IsScalar()) {
      report(key_position, fmt::format("{}: keys must be text, found {}", map.path.empty() ? "document" : map.path,
                                       describe_yaml_value(entry.first)));
      continue;
    }
    const std::string& key = entry.first.Scalar();
    auto value_position = yaml_position(entry.second);
    if (entry.second.IsNull() || value_position.line == 0) value_position = key_position;
    result.push_back(YamlEntry{key, key_position,
                               YamlField{map.path.empty() ? key : fmt::format("{}.{}", map.path, key), entry.second,
                                         value_position}});
  }
  return result;
}

bool YamlReader::known_key(const YamlEntry& entry, std::span<const std::string_view> allowed, std::string_view where,
                           std::string_view hint) {
  if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) return true;
  std::string message = where.empty() ? std::string() : fmt::format("{}: ", where);
  message += fmt::format("unknown key {:?}", entry.key);
  if (auto suggestion = closest_match(entry.key, allowed)) message += fmt::format("; did you mean {:?}?", *suggestion);
  message += fmt::format(" (expected {})", fmt::join(allowed, ", "));
  if (!hint.empty()) message += fmt::format("; {}", hint);
  report(entry.key_position, std::move(message));
  return false;
}

bool YamlReader::map_or_null(const YamlField& field) {
  if (field.node.IsMap()) return true;
  if (!field.node.IsNull()) report(field, fmt::format("expected a map, found {}", describe_yaml_value(field.node)));
  return false;
}

std::optional<std::string> YamlReader::text(const YamlField& field) {
  if (field.node.IsScalar()) return field.node.Scalar();
  report(field, fmt::format("expected text, found {}", describe_yaml_value(field.node)));
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YamlField& field) {
  if (field.node.IsScalar()) {
    const auto value = typed_scalar(field.node);
    if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
    if (value.is_number_unsigned()) {
      const auto number = value.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(number);
      }
    }
  }
  report(field, fmt::format("expected an integer, found {}", describe_yaml_value(field.node)));
  return std::nullopt;
}

std::optional<double> YamlReader::number(const YamlField& field) {
  if (field.node.IsScalar()) {
    const auto value = typed_scalar(field.node);
    if (value.is_number()) return value.get<double>();
  }
  report(field, fmt::format("expected a number, found {}", describe_yaml_value(field.node)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::text_list(const YamlField& field) {
  if (field.node.IsNull()) return std::vector<std::string>{};
  auto list = items(field);
  if (!list) return std::nullopt;
  std::vector<std::string> texts;
  bool ok = true;
  for (const auto& item : *list) {
    auto value = text(item);
    ok = ok && value.has_value();
    if (value) texts.push_back(std::move(*value));
  }
  if (!ok) return std::nullopt;
  return texts;
}

std::optional<std::vector<YamlField>> YamlReader::items(const YamlField& field) {
  if (!field.node.IsSequence()) {
    report(field, fmt::format("expected a list, found {}", describe_yaml_value(field.node)));
    return std::nullopt;
  }
  std::vector<YamlField> result;
  std::size_t index = 0;
  for (const auto& item : field.node) {
    auto position = yaml_position(item);
    if (item.IsNull() || position.line == 0) position = field.position;
    result.push_back(YamlField{fmt::format("{}[{}]", field.path, index++), item, position});
  }
  return result;
}

std::string describe_yaml_value(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  if (!node.IsScalar()) return "nothing";
  const auto value = typed_scalar(node);
  const auto& text = node.Scalar();
  if (value.is_string()) {
    return node.Tag() == "?" ? quoted_excerpt(text) : fmt::format("the quoted text {}", quoted_excerpt(text));
  }
  if (value.is_number()) return fmt::format("the number {}", text);
  if (value.is_boolean()) return text;
  return "nothing";
}

std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace mreg
