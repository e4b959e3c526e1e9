// Reading chunked files back: materializing and verifying them chunk by
// chunk, checking each chunk's digest and the whole file's (DESIGN §5:
// "Every read verifies what it read (chunk and whole file)").
#pragma once

#include <filesystem>

#include "mreg/manifest.hpp"
#include "mreg/progress.hpp"
#include "util/hashing_copy.hpp"

namespace mreg {

// Appends the file's bytes to `target_fd`, feeding `sha256` (may be null)
// as well. Throws Error(not_found) for a missing chunk, Error(corrupt) for
// a chunk that does not verify (moved aside) or chunks that do not make up
// the manifest's file.
void copy_chunked(const std::filesystem::path& root, const Manifest& manifest, int target_fd,
                  const std::filesystem::path& target, Progress& progress, Sha256* sha256);

// Re-hashes every chunk and the whole file; same errors as copy_chunked.
void verify_chunked(const std::filesystem::path& root, const Manifest& manifest, Sha256* sha256);

}  // namespace mreg
