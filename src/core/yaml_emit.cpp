#include "core/yaml_emit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/yaml_util.hpp"

namespace mreg {
namespace {

using json = nlohmann::ordered_json;

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// '?' is left out: yaml-cpp misreads it inside flow lists.
bool is_plain_char(char c) {
  return is_ascii_alnum(c) || std::string_view(" _./-+@:~()=%&!*^$;<>").find(c) != std::string_view::npos;
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Words and number-like forms that YAML 1.1 readers take for booleans,
// numbers (hex, sexagesimal "1:20", "1_000") or dates ("2024-01-01...").
bool looks_like_yaml11_value(std::string_view text) {
  const std::string lower = ascii_lower(text);
  for (std::string_view word : {"yes", "no", "on", "off"}) {
    if (lower == word) return true;
  }
  const auto unsigned_part = text.substr(text.front() == '-' || text.front() == '+' ? 1 : 0);
  if (unsigned_part.starts_with("0x")) return true;
  if (text.size() >= 5 && std::all_of(text.begin(), text.begin() + 4, is_digit) && text[4] == '-') return true;
  return text.find_first_of("0123456789") != std::string_view::npos &&
         text.find_first_not_of("0123456789_:.+-eE") == std::string_view::npos;
}

bool can_be_plain(std::string_view text) {
  if (text.empty() || text.size() > 1024) return false;
  const char first = text.front();
  if (!is_ascii_alnum(first) && first != '_' && first != '/' && first != '.') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_plain_char(text[i])) return false;
    if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) return false;
  }
  if (text.back() == ' ') return false;
  if (looks_like_yaml11_value(text)) return false;
  return yaml_plain_is_string(text);
}

// The length of the UTF-8 sequence at `i` if it is one that YAML wants
// escaped (C1 controls, line and paragraph separators, the byte order mark),
// else 0.
std::size_t special_unicode_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
  if (byte(0) == 0xc2 && byte(1) >= 0x80 && byte(1) <= 0x9f) return 2;
  if (byte(0) == 0xe2 && byte(1) == 0x80 && (byte(2) == 0xa8 || byte(2) == 0xa9)) return 3;
  if (byte(0) == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) return 3;
  return 0;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (const auto length = special_unicode_length(text, i); length == 2) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i + 1]));
      i += 1;
    } else if (length == 3) {
      out += text[i + 2] == '\xa8' ? "\\L" : text[i + 2] == '\xa9' ? "\\P" : "\\uFEFF";
      i += 2;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

void append_block(std::string& out, const json& container, std::size_t indent, bool first_line_started) {
  bool first = true;
  auto start_line = [&] {
    if (!(first && first_line_started)) out.append(indent, ' ');
    first = false;
  };
  if (container.is_object()) {
    for (const auto& [key, value] : container.items()) {
      start_line();
      append_yaml_key(out, key, indent);
      append_yaml_value(out, value, indent);
    }
    return;
  }
  for (const auto& item : container) {
    start_line();
    out += '-';
    if (item.is_structured() && !item.empty()) {
      out += ' ';
      append_block(out, item, indent + 2, true);
    } else {
      out += ' ';
      out += yaml_scalar(item);
      out += '\n';
    }
  }
}

}  // namespace

std::string yaml_string(std::string_view text) { return can_be_plain(text) ? std::string(text) : double_quoted(text); }

std::string yaml_double(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string yaml_scalar(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(value.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(value.get<std::uint64_t>());
    case json::value_t::number_float: return yaml_double(value.get<double>());
    case json::value_t::string: return yaml_string(value.get_ref<const std::string&>());
    case json::value_t::object: return "{}";
    case json::value_t::array: return "[]";
    case json::value_t::binary:
    case json::value_t::discarded: break;
  }
  return "null";
}

std::string yaml_flow_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += yaml_string(item);
  }
  out += ']';
  return out;
}

void append_yaml_key(std::string& out, std::string_view key, std::size_t indent) {
  const std::string text = yaml_string(key);
  // YAML limits implicit keys to 1024 characters; longer ones need the
  // explicit "? key" form, the value then follows on a ':' line.
  if (text.size() <= 1024) {
    out += text;
  } else {
    out += fmt::format("? {}\n", text);
    out.append(indent, ' ');
  }
  out += ':';
}

void append_yaml_value(std::string& out, const nlohmann::ordered_json& value, std::size_t indent) {
  if (value.is_structured() && !value.empty()) {
    out += '\n';
    append_block(out, value, indent + 2, false);
    return;
  }
  out += ' ';
  out += yaml_scalar(value);
  out += '\n';
}

std::optional<std::string> yaml_literal_block(std::string_view text, std::size_t indent) {
  if (text.find('\n') == std::string_view::npos) return std::nullopt;
  if (text.find_first_not_of(" \n") == std::string_view::npos) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && text[i] != '\n' && text[i] != '\t') || byte == 0x7f) return std::nullopt;
    if (special_unicode_length(text, i) != 0) return std::nullopt;
  }
  std::size_t trailing_newlines = 0;
  while (trailing_newlines < text.size() && text[text.size() - 1 - trailing_newlines] == '\n') ++trailing_newlines;

  std::string out = "|";
  // Without a digit the reader takes the indentation from the first line
  // with content, which would swallow that line's leading spaces.
  if (text.front() == ' ' || text.front() == '\n') out += std::to_string(2);
  out += trailing_newlines == 0 ? "-" : trailing_newlines == 1 ? "" : "+";
  out += '\n';

  const auto body = text.substr(0, text.size() - std::min<std::size_t>(trailing_newlines, 1));
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    const auto line = body.substr(start, end - start);
    if (!line.empty()) out.append(indent + 2, ' ').append(line);
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace mreg
