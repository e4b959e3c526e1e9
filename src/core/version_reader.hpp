// Reading what a version tag records: the tag (tagger, message, commit) and
// the model.yaml committed at that commit.
#pragma once

#include <string_view>

#include "core/registry_impl.hpp"
#include "core/tag_index.hpp"
#include "mreg/registry.hpp"

namespace mreg {

// Reads the tag object of an indexed version (and its deprecation tag's
// reason when deprecated). Throws Error(corrupt) when the tag is not
// annotated or does not point at a commit.
VersionInfo read_version_info(const git::Repository& repo, std::string_view name, const IndexedVersion& indexed);

// The model.yaml of `name` committed at `commit`, validated.
ModelMetadata read_committed_metadata(const Registry::Impl& impl, std::string_view name, const git::Oid& commit);

}  // namespace mreg
