// Manifests of chunked files (DESIGN §5).
//
// A file larger than 64 MiB is stored as chunks (ordinary objects) and a
// manifest at manifests/<hex of the whole file> listing them in order. The
// manifest is text, one record per line, so that it can be read with `cat`
// and diffed; its format is shared with remotes:
//
//   mreg-manifest 1
//   file xxh128:<32 hex> <size>
//   chunk xxh128:<32 hex> <size>
//   ...
//
// Every line ends in "\n"; fields are separated by one space; sizes are
// decimal without leading zeros. There is at least one chunk, each of 1 to
// 64 MiB bytes, and the chunk sizes add up to the file's size. The parser
// accepts exactly this and nothing else: manifests come from remotes too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mreg/digest.hpp"

namespace mreg {

// No object, and so no chunk, is larger than this (remotes never need
// multipart uploads); files up to this size are stored as one object.
inline constexpr std::uint64_t k_max_object_size = 64ull << 20;

struct ManifestChunk {
  Digest digest;
  std::uint64_t size = 0;
  friend bool operator==(const ManifestChunk&, const ManifestChunk&) = default;
};

struct Manifest {
  Digest file;             // the whole file's digest (the manifest's name)
  std::uint64_t size = 0;  // the whole file's size
  std::vector<ManifestChunk> chunks;
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

std::string format_manifest(const Manifest& manifest);

// Throws Error(corrupt) naming `where` (a path or URL), the line and what is
// wrong. Does not check that the chunks hash to `file`: only reading them can.
Manifest parse_manifest(std::string_view text, std::string_view where);

}  // namespace mreg
