// Strict, typed reading of mreg's YAML files (model.yaml, mreg.yaml) with
// diagnostics that name the field, what was expected and what was found.
//
// A YamlReader appends to a diagnostics list owned by the caller; every
// reading function either returns the value or appends one diagnostic and
// returns nullopt, so a parser keeps going and reports every problem at once.
// Text fields take any scalar as written (`license: 2.0` is the text "2.0"):
// the YAML type of a plain word is an accident of syntax there. Numbers are
// strict: a quoted "0.9" is a string, not a number.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/yaml_util.hpp"
#include "mreg/diagnostic.hpp"

namespace mreg {

struct YamlField {
  std::string path;       // as messages name it: "artifacts[2].digest"
  YAML::Node node;
  YamlPosition position;  // the value's, or its key's when the value is empty
};

struct YamlEntry {
  std::string key;
  YamlPosition key_position;
  YamlField value;
};

class YamlReader {
 public:
  YamlReader(std::string_view file, std::vector<Diagnostic>& diagnostics);

  void report(YamlPosition position, std::string message);
  void report(const YamlField& field, std::string message);  // "<path>: <message>" at the field
  std::size_t diagnostic_count() const { return m_diagnostics.size(); }

  // The entries of a map in file order, their paths under the map's; keys
  // that are not strings are reported and skipped.
  std::vector<YamlEntry> entries(const YamlField& map);
  // Whether `entry.key` is one of `allowed`; when it is not, reports it at
  // the key with the closest allowed key as a suggestion, then `hint`.
  bool known_key(const YamlEntry& entry, std::span<const std::string_view> allowed, std::string_view where,
                 std::string_view hint = {});

  // A map (true), or null, which `optional` callers treat as empty (false,
  // no diagnostic); anything else is reported (false).
  bool map_or_null(const YamlField& field);
  std::optional<std::string> text(const YamlField& field);
  std::optional<std::int64_t> integer(const YamlField& field);
  std::optional<double> number(const YamlField& field);
  // A list of text values; null is an empty list.
  std::optional<std::vector<std::string>> text_list(const YamlField& field);
  // The items of a list as fields "<path>[i]"; reports anything else.
  std::optional<std::vector<YamlField>> items(const YamlField& field);

 private:
  std::string m_file;
  std::vector<Diagnostic>& m_diagnostics;
};

// What a value is, for "found ..." in messages: `the string "0.9"`,
// `the number 8`, `true`, `a list`, `a map`, `nothing`.
std::string describe_yaml_value(const YAML::Node& node);

// The candidate within edit distance 2 of `word` (the closest, the first on
// ties), for "did you mean" hints.
std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace mreg
