// The metadata flags shared by `add` and `register` (DESIGN §6).
//
// add_metadata_flags() declares them on a subcommand, bound to a
// MetadataFlags; to_edits() turns what was given into mreg::MetadataEdits,
// checking the KEY=VALUE forms and throwing Error(usage) that names the flag
// and shows the expected form.
#pragma once

#include <string>
#include <vector>

#include "mreg/registry.hpp"

namespace CLI {
class App;
}

namespace mreg::cli {

struct MetadataFlags {
  std::string description, owner, license, framework, task, base_model;
  std::vector<std::string> tags, datasets;
  std::vector<std::string> metrics, params, custom;  // "KEY=VALUE" as typed
  std::string metrics_file, params_file;
};

void add_metadata_flags(CLI::App& command, MetadataFlags& flags);

MetadataEdits to_edits(const CLI::App& command, const MetadataFlags& flags);

}  // namespace mreg::cli
