// Turning the PATH arguments of `add`/`register` into artifact paths.
//
// A file PATH becomes its base name; a directory PATH contributes every
// regular file below it, relative to itself (DESIGN §6). The result is
// sorted by artifact path, and collisions (two sources for one path, or a
// path that is also a directory of another) are refused with both sources
// named, before anything is read or stored.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mreg {

struct ArtifactSource {
  std::string artifact_path;     // '/'-separated, relative, normalized
  std::filesystem::path source;  // the file to read
  std::uint64_t size = 0;
};

std::vector<ArtifactSource> collect_artifact_sources(const std::vector<std::filesystem::path>& paths);

}  // namespace mreg
