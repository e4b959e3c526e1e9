// Applying the metadata flags of `add`/`register` (DESIGN §6) to a model's
// metadata: scalars replace, lists replace when given, maps merge. Values of
// --param and --set are typed like YAML scalars (8 -> int, true -> bool);
// --metric values must be numbers. Errors name the flag or file.
#pragma once

#include "mreg/metadata.hpp"
#include "mreg/registry.hpp"

namespace mreg {

void apply_metadata_edits(ModelMetadata& metadata, const MetadataEdits& edits);

}  // namespace mreg
