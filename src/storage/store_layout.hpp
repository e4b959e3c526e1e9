// Every on-disk name the blob store uses, built here and nowhere else
// (DESIGN §1, §5).
//
//   <root>/objects/<hex[0:2]>/<hex[2:]>   an object, named by its XXH3-128
//   <root>/manifests/<hex>                 the chunk list of a chunked file
//   <root>/tmp/object-XXXXXX              an object being written
//   <root>/corrupt/<hex>                  an object that failed verification
//   <dir>/.<name>.mreg-tmp-XXXXXX         <dir>/<name> being materialized
//
// Temp names end in a random suffix (AtomicFile adds it); these functions
// give the prefix. The object layout is shared with remotes, so changing it
// is a format change.
#pragma once

#include <filesystem>
#include <string>

#include "mreg/digest.hpp"

namespace mreg::store_layout {

std::filesystem::path object_path(const std::filesystem::path& root, const Digest& digest);
std::filesystem::path manifest_path(const std::filesystem::path& root, const Digest& digest);
std::filesystem::path temp_directory(const std::filesystem::path& root);
inline constexpr const char* object_temp_prefix = "object-";
std::filesystem::path corrupt_path(const std::filesystem::path& root, const Digest& digest);

// Hidden, and recognisable as ours, so that a crash's leftovers can be told
// apart from the user's files.
std::string materialize_temp_prefix(const std::filesystem::path& destination);
// Whether `path` is such a temp file (ours, another process's still being
// written, or a crash's leftover): never an artifact, never committed.
bool is_materialize_temp(const std::filesystem::path& path);

}  // namespace mreg::store_layout
