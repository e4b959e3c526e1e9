// The rules a model's metadata follows beyond its syntax (DESIGN §4): a valid
// name matching its directory, a version unless it is a draft, at least one
// artifact with a clean path that no other artifact's path collides with,
// and the fields mreg.yaml requires. parse_model_metadata() places these
// findings in the file; check_model_metadata() has no file to point into.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "mreg/metadata.hpp"

namespace mreg {

// model.yaml's top-level fields, in the order they are written.
inline constexpr std::array<std::string_view, 16> model_metadata_fields = {
    "schema", "name", "version", "description", "owner", "license", "framework", "task",
    "tags", "base_model", "datasets", "params", "metrics", "source", "artifacts", "custom"};

// Receives each finding: the field it concerns ("artifacts[1].path") and a
// message to follow "<field>: ".
using MetadataFindingSink = std::function<void(std::string_view field, std::string message)>;

void check_metadata_rules(const ModelMetadata& metadata, const MetadataRules& rules, const MetadataFindingSink& report);

// Whether a top-level field is present and not empty.
bool has_metadata_field(const ModelMetadata& metadata, std::string_view field);

}  // namespace mreg
