// Reading YAML the way mreg's files are read: one document, YAML 1.2 core
// schema, hostile input refused.
//
// Scalars resolve by the core schema: plain `8` is an int, `0.05` a double,
// `true`/`false` a bool, `null`/`~`/nothing is null, anything quoted (or a
// block scalar) is a string. yaml-cpp shares aliased nodes instead of copying
// them, so a few lines can stand for billions of nodes ("billion laughs");
// load_yaml_document() walks the expanded tree once, counting, and refuses
// documents beyond the limits below before any caller walks them. It also
// refuses text that is not UTF-8 or holds control characters, so every string
// read from YAML can be written to JSON.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "mreg/diagnostic.hpp"

namespace mreg {

inline constexpr std::size_t max_yaml_bytes = std::size_t{1} << 20;
inline constexpr std::size_t max_yaml_nodes = 100'000;          // after expanding aliases
inline constexpr std::size_t max_yaml_scalar_bytes = 16 << 20;  // after expanding aliases
inline constexpr int max_yaml_depth = 64;

struct YamlPosition {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

YamlPosition yaml_position(const YAML::Mark& mark);
YamlPosition yaml_position(const YAML::Node& node);
Diagnostic make_diagnostic(std::string_view file, YamlPosition position, std::string message);

// Loads a single YAML document. On text that is too large, not UTF-8,
// malformed, holds several documents, or is too deep or too large once
// aliases are expanded, appends one diagnostic and returns nullopt. Duplicate
// map keys are reported (once each) and the document is still returned. An
// empty text is a null node.
std::optional<YAML::Node> load_yaml_document(std::string_view text, std::string_view file,
                                             std::vector<Diagnostic>& diagnostics);

// How the core schema reads `plain_text` written as a plain scalar. Integers
// beyond 64 bits and floats beyond a double's range stay strings, so that
// nothing is silently rounded.
nlohmann::ordered_json yaml_scalar_to_json(std::string_view plain_text);
// Whether `plain_text` written as a plain scalar reads back as that string
// (not null, a bool, or a number, in range or not).
bool yaml_plain_is_string(std::string_view plain_text);

// Converts a node from load_yaml_document() into a JSON value, keeping map
// order and scalar types. Non-string keys, unsupported tags and numbers out
// of range are reported as diagnostics naming `field` ("params.lr",
// "custom.list[2]"; empty for the document itself).
nlohmann::ordered_json yaml_to_json(const YAML::Node& node, std::string_view field, std::string_view file,
                                    std::vector<Diagnostic>& diagnostics);

// Reads a YAML (or JSON) file into a value. Throws Error(not_found) or
// Error(io) when it cannot be read and Error(invalid) listing every problem.
nlohmann::ordered_json load_yaml_file_as_json(const std::filesystem::path& path);

}  // namespace mreg
