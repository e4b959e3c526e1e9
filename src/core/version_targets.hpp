// The versions a maintenance or transfer command works on, with the files
// they need: the versions that refs name, or with no refs every version tag's
// (deprecated ones too: they stay fetchable) plus, where a stage branch
// holds a version whose tag is not in this clone (a deploy clone), the
// stage's copy. A stage holding a hand-edited copy is not a version and is
// left to `mreg stages`.
#pragma once

#include <vector>

#include "core/registry_impl.hpp"
#include "mreg/maintenance.hpp"
#include "mreg/metadata.hpp"
#include "mreg/refs.hpp"

namespace mreg {

struct VersionTarget {
  VerifiedVersion version;  // name, version, tag, whether the tag was checked; problem when unreadable
  std::vector<Artifact> artifacts;
};

// Every ref is resolved before anything else happens, so a typo fails fast;
// a version named twice is listed once.
std::vector<VersionTarget> version_targets(const Registry& registry, const Registry::Impl& impl,
                                           const std::vector<ModelRef>& refs);

}  // namespace mreg
