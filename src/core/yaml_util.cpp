#include "core/yaml_util.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

using json = nlohmann::ordered_json;

YamlPosition position_of_offset(std::string_view text, std::size_t offset) {
  const auto before = text.substr(0, offset);
  const std::size_t line_start = before.rfind('\n');
  YamlPosition position;
  position.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  position.column = static_cast<int>(line_start == std::string_view::npos ? offset + 1 : offset - line_start);
  return position;
}

// The offset of the first byte that is not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or of a control
// character other than tab, CR and LF.
std::optional<std::pair<std::size_t, std::string>> text_problem(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return std::pair{i, fmt::format("control character {:?} is not allowed in YAML text",
                                        std::string_view(text.data() + i, 1))};
      }
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
      code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      code = c & 0x07;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xc0) == 0x80;
      code = (code << 6) | (next & 0x3f);
    }
    if (valid && length == 3) valid = code >= 0x800 && (code < 0xd800 || code > 0xdfff);
    if (valid && length == 4) valid = code >= 0x10000 && code <= 0x10ffff;
    if (!valid) return std::pair{i, std::string("the text is not valid UTF-8")};
    i += length;
  }
  return std::nullopt;
}

// Walks the tree as a reader would see it (aliases expanded), stopping at
// the first limit it hits, and reports duplicate keys on the way.
class DocumentGuard {
 public:
  DocumentGuard(std::string_view file, std::vector<Diagnostic>& diagnostics)
      : m_file(file), m_diagnostics(diagnostics) {}

  // False (after appending the diagnostic) when a limit was exceeded.
  bool walk(const YAML::Node& node, int depth) {
    if (depth > max_yaml_depth) {
      return fail(node, fmt::format("the document nests deeper than {} levels", max_yaml_depth));
    }
    if (++m_nodes > max_yaml_nodes) {
      return fail(node, fmt::format("the document has more than {} nodes once aliases are expanded", max_yaml_nodes));
    }
    if (node.IsScalar()) {
      m_scalar_bytes += node.Scalar().size();
      if (m_scalar_bytes > max_yaml_scalar_bytes) {
        return fail(node, fmt::format("the document holds more than {} MiB of text once aliases are expanded",
                                      max_yaml_scalar_bytes >> 20));
      }
      return true;
    }
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!walk(item, depth + 1)) return false;
      }
      return true;
    }
    if (!node.IsMap()) return true;
    std::unordered_map<std::string, YAML::Mark> seen;
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) check_duplicate(seen, entry.first);
      if (!walk(entry.first, depth + 1) || !walk(entry.second, depth + 1)) return false;
    }
    return true;
  }

 private:
  bool fail(const YAML::Node& node, std::string message) {
    m_diagnostics.push_back(make_diagnostic(m_file, yaml_position(node), std::move(message)));
    return false;
  }

  void check_duplicate(std::unordered_map<std::string, YAML::Mark>& seen, const YAML::Node& key) {
    const auto [first, inserted] = seen.emplace(key.Scalar(), key.Mark());
    if (inserted) return;
    const auto position = yaml_position(key);
    // An aliased map is walked once per alias; report its duplicates once.
    if (!m_reported.emplace(position.line, position.column).second) return;
    m_diagnostics.push_back(make_diagnostic(
        m_file, position,
        fmt::format("duplicate key {:?} (first at line {}); each key may appear once", key.Scalar(),
                    yaml_position(first->second).line)));
  }

  std::string_view m_file;
  std::vector<Diagnostic>& m_diagnostics;
  std::size_t m_nodes = 0;
  std::size_t m_scalar_bytes = 0;
  std::set<std::pair<int, int>> m_reported;
};

// Records where the document it is handed starts, and nothing else.
class DocumentStartRecorder : public YAML::EventHandler {
 public:
  YAML::Mark start = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where a second document starts, if the text holds one. yaml-cpp 0.7's
// LoadAll() never returns on a stray ',' (yaml-cpp issue #1040): the parser
// reports an empty document for it again and again without moving on, so
// this asks the parser for two documents at most.
std::optional<YAML::Mark> second_document_start(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStartRecorder recorder;
  if (!parser.HandleNextDocument(recorder) || !parser.HandleNextDocument(recorder)) return std::nullopt;
  return recorder.start;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t count_digits(std::string_view text, std::size_t from) {
  std::size_t n = 0;
  while (from + n < text.size() && is_digit(text[from + n])) ++n;
  return n;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view text) {
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  const std::size_t before = count_digits(text, i);
  i += before;
  if (i < text.size() && text[i] == '.') {
    const std::size_t after = count_digits(text, i + 1);
    if (before == 0 && after == 0) return false;
    i += 1 + after;
  } else if (before == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    const std::size_t exponent = count_digits(text, i);
    if (exponent == 0) return false;
    i += exponent;
  }
  return i == text.size();
}

// An unsigned magnitude as the smallest JSON integer type that holds it.
std::optional<json> integer_value(bool negative, std::uint64_t magnitude) {
  constexpr auto max_signed = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative) {
    if (magnitude <= max_signed) return json(static_cast<std::int64_t>(magnitude));
    return json(magnitude);
  }
  if (magnitude <= max_signed) return json(-static_cast<std::int64_t>(magnitude));
  if (magnitude == max_signed + 1) return json(std::numeric_limits<std::int64_t>::min());
  return std::nullopt;
}

std::optional<json> parse_integer(std::string_view digits, int base, bool negative) {
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return integer_value(negative, magnitude);
}

bool all_of(std::string_view text, bool (*pred)(char)) {
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return !text.empty();
}

// Core-schema resolution of a plain scalar. nullopt: a number that does not
// fit (the caller decides whether that is an error).
std::optional<json> resolve_plain(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return json(nullptr);
  if (text == "true" || text == "True" || text == "TRUE") return json(true);
  if (text == "false" || text == "False" || text == "FALSE") return json(false);

  const bool negative = text[0] == '-';
  const auto unsigned_part = (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
  if (all_of(unsigned_part, is_digit)) return parse_integer(unsigned_part, 10, negative);
  if (text.size() > 2 && text[0] == '0' && text[1] == 'o' &&
      all_of(text.substr(2), [](char c) { return c >= '0' && c <= '7'; })) {
    return parse_integer(text.substr(2), 8, false);
  }
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x' &&
      all_of(text.substr(2), [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); })) {
    return parse_integer(text.substr(2), 16, false);
  }
  if (unsigned_part == ".inf" || unsigned_part == ".Inf" || unsigned_part == ".INF") {
    return json(negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return json(std::numeric_limits<double>::quiet_NaN());
  if (is_core_float(text)) {
    // from_chars takes no '+'; it also gives out-of-range for values that
    // would round to zero or infinity, which we refuse rather than change.
    const auto number = text[0] == '+' ? text.substr(1) : text;
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
    return json(value);
  }
  return json(std::string(text));
}

std::string child_field(std::string_view field, std::string_view key) {
  return field.empty() ? std::string(key) : fmt::format("{}.{}", field, key);
}

constexpr std::string_view str_tag = "tag:yaml.org,2002:str";
constexpr std::string_view int_tag = "tag:yaml.org,2002:int";
constexpr std::string_view float_tag = "tag:yaml.org,2002:float";
constexpr std::string_view bool_tag = "tag:yaml.org,2002:bool";
constexpr std::string_view null_tag = "tag:yaml.org,2002:null";

std::string_view field_label(std::string_view field) { return field.empty() ? "document" : field; }

json scalar_to_json(const YAML::Node& node, std::string_view field, std::string_view file,
                    std::vector<Diagnostic>& diagnostics) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "!" || tag == str_tag) return json(text);
  auto report = [&](std::string message) {
    diagnostics.push_back(make_diagnostic(file, yaml_position(node), fmt::format("{}: {}", field_label(field), message)));
    return json(text);
  };
  auto resolved = resolve_plain(text);
  if (!resolved) return report(fmt::format("the number {} is out of range", text));
  if (tag == "?") return *resolved;
  if (tag == int_tag) {
    if (resolved->is_number_integer()) return *resolved;
    return report(fmt::format("tagged !!int, but {:?} is not an integer", text));
  }
  if (tag == float_tag) {
    if (resolved->is_number()) return json(resolved->get<double>());
    return report(fmt::format("tagged !!float, but {:?} is not a number", text));
  }
  if (tag == bool_tag) {
    if (resolved->is_boolean()) return *resolved;
    return report(fmt::format("tagged !!bool, but {:?} is not true or false", text));
  }
  if (tag == null_tag) {
    if (resolved->is_null()) return *resolved;
    return report(fmt::format("tagged !!null, but {:?} is not null", text));
  }
  return report(fmt::format("unsupported tag {:?}; plain values, quoted strings, lists and maps are supported", tag));
}

}  // namespace

YamlPosition yaml_position(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

YamlPosition yaml_position(const YAML::Node& node) { return yaml_position(node.Mark()); }

Diagnostic make_diagnostic(std::string_view file, YamlPosition position, std::string message) {
  return Diagnostic{std::string(file), position.line, position.column, std::move(message)};
}

std::optional<YAML::Node> load_yaml_document(std::string_view text, std::string_view file,
                                             std::vector<Diagnostic>& diagnostics) {
  if (text.size() > max_yaml_bytes) {
    diagnostics.push_back(make_diagnostic(file, {}, fmt::format("the file is {} bytes, more than the {} KiB allowed",
                                                                text.size(), max_yaml_bytes >> 10)));
    return std::nullopt;
  }
  if (auto problem = text_problem(text)) {
    diagnostics.push_back(make_diagnostic(file, position_of_offset(text, problem->first), problem->second));
    return std::nullopt;
  }
  const std::string input(text);
  std::optional<YAML::Node> document;
  std::optional<YAML::Mark> second_start;
  try {
    document.emplace(YAML::Load(input));
    second_start = second_document_start(input);
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.push_back(make_diagnostic(file, yaml_position(e.mark), "the document nests too deeply"));
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diagnostics.push_back(make_diagnostic(file, yaml_position(e.mark), fmt::format("malformed YAML: {}", e.msg)));
    return std::nullopt;
  }
  if (second_start) {
    diagnostics.push_back(make_diagnostic(file, yaml_position(*second_start),
                                          "expected one YAML document, found another here (after '---', or text "
                                          "that does not continue the first)"));
    return std::nullopt;
  }
  DocumentGuard guard(file, diagnostics);
  if (!guard.walk(*document, 1)) return std::nullopt;
  return document;
}

nlohmann::ordered_json yaml_scalar_to_json(std::string_view plain_text) {
  auto resolved = resolve_plain(plain_text);
  return resolved ? std::move(*resolved) : json(std::string(plain_text));
}

bool yaml_plain_is_string(std::string_view plain_text) {
  const auto resolved = resolve_plain(plain_text);
  return resolved && resolved->is_string();
}

nlohmann::ordered_json yaml_to_json(const YAML::Node& node, std::string_view field, std::string_view file,
                                    std::vector<Diagnostic>& diagnostics) {
  if (node.IsScalar()) return scalar_to_json(node, field, file, diagnostics);
  if (node.IsSequence()) {
    json list = json::array();
    std::size_t index = 0;
    for (const auto& item : node) {
      list.push_back(yaml_to_json(item, fmt::format("{}[{}]", field, index++), file, diagnostics));
    }
    return list;
  }
  if (node.IsMap()) {
    json map = json::object();
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        diagnostics.push_back(make_diagnostic(
            file, yaml_position(entry.first),
            fmt::format("{}: keys must be strings, found {}", field_label(field),
                        entry.first.IsNull() ? "null" : "a list or map")));
        continue;
      }
      const std::string& key = entry.first.Scalar();
      map[key] = yaml_to_json(entry.second, child_field(field, key), file, diagnostics);
    }
    return map;
  }
  return json(nullptr);
}

nlohmann::ordered_json load_yaml_file_as_json(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    const bool missing = error == std::errc::no_such_file_or_directory;
    throw Error(missing ? ErrorCode::not_found : ErrorCode::io,
                fmt::format("cannot read {}: {}", path.string(), error.message()));
  }
  if (size > max_yaml_bytes) {
    throw Error(ErrorCode::invalid,
                fmt::format("{}: the file is {} bytes, more than the {} KiB allowed", path.string(), size,
                            max_yaml_bytes >> 10));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, fmt::format("cannot open {}", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(ErrorCode::io, fmt::format("cannot read {}", path.string()));

  std::vector<Diagnostic> diagnostics;
  const auto file = path.string();
  const auto root = load_yaml_document(buffer.str(), file, diagnostics);
  json value = root ? yaml_to_json(*root, "", file, diagnostics) : json();
  if (!diagnostics.empty()) throw_diagnostics(diagnostics);
  return value;
}

}  // namespace mreg
