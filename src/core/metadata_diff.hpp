// Comparing two versions' metadata: the pure part of Registry::diff, shared
// with Registry::review (which compares what two stage commits hold).
//
// Fields are compared in model.yaml's order; the free-form maps (params,
// source, custom) are flattened to dotted keys ("params.optimizer.lr") so
// that a change deep inside one is reported on its own line. `version` and
// `schema` are left out: the two refs name the versions. Metrics are listed
// in the newer version's order, then those only the older one has.
// Artifacts are matched by path and sorted by it.
#pragma once

#include <string>

#include "mreg/config.hpp"
#include "mreg/diff.hpp"
#include "mreg/metadata.hpp"

namespace mreg {

// `config` supplies the gates that say which direction of a metric is better.
DiffReport compare_metadata(const RegistryConfig& config, std::string ref_a, const ModelMetadata& a,
                            std::string ref_b, const ModelMetadata& b);

// The direction of the first gate of any configured stage (in mreg.yaml's
// order) that names metrics.<metric> with one; nullopt when none does.
std::optional<bool> metric_higher_is_better(const RegistryConfig& config, std::string_view metric);

}  // namespace mreg
