// Writing YAML that reads back exactly as written (reading: yaml_util.hpp).
//
// A string is written plain only when the YAML 1.2 core schema reads it back
// as the same string and it uses a conservative set of characters that means
// a string to YAML 1.1 readers (PyYAML) too; otherwise it is double-quoted.
// So "1.0", "true", "yes", "null", "" and "2024-01-01" are quoted, while
// "fraud-detector" and "s3://data/x.parquet" stay plain. Doubles are written
// in their shortest exact form and always look like floats ("1.0", not "1").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mreg {

std::string yaml_string(std::string_view text);
std::string yaml_double(double value);
// null, bool, a number, a string, or an empty list or map ("[]", "{}").
std::string yaml_scalar(const nlohmann::ordered_json& value);
std::string yaml_flow_list(const std::vector<std::string>& items);  // "[a, b]"

// Appends `key` and ':' at a line whose indentation `indent` is already
// written.
void append_yaml_key(std::string& out, std::string_view key, std::size_t indent);
// Appends what follows a "key:" already written at indentation `indent`:
// " <scalar>\n", or a newline and the map or list as an indented block.
void append_yaml_value(std::string& out, const nlohmann::ordered_json& value, std::size_t indent);

// A multi-line string as a literal block scalar: the header ("|", "|-",
// "|+", with an indentation digit when needed), a newline, and the lines
// indented by indent + 2. nullopt when the text is not multi-line or holds
// characters a literal block cannot carry (CR, control characters).
std::optional<std::string> yaml_literal_block(std::string_view text, std::size_t indent);

}  // namespace mreg
