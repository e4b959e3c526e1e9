// Copying a file while hashing it, and hashing a file on its own.
//
// The digest always describes the bytes that went into the target: each
// piece is hashed and written from the same memory, so a source that changes
// during the copy yields a digest of what was copied, never a target that
// disagrees with its digest. Memory use is constant. Progress is advanced per
// piece, from the calling thread. Errors are mreg::Error naming the file.
//
// Why through user space: the bytes must be hashed anyway, and hashing them
// on their way to write() costs less than an in-kernel copy
// (copy_file_range) followed by a second pass that reads the result back to
// hash it (on ext4, 1 GiB page-cached: about 1.2x against 1.5x the time of
// `cp`). Pieces are 256 KiB because larger write()s were often much slower
// there (large page-cache folios).
#pragma once

#include <cstdint>
#include <filesystem>

#include "mreg/digest.hpp"
#include "mreg/progress.hpp"

namespace mreg {

struct HashedBytes {
  Digest digest;
  std::uint64_t size = 0;
};

class Sha256;

// Further hashes fed the very bytes a copy hashes and writes: the whole
// file's digest when the copy is one chunk of it, and the file's SHA-256
// when the registry's integrity setting asks for one.
struct HashTaps {
  Hasher* whole = nullptr;
  Sha256* sha256 = nullptr;
  void update(const void* data, std::size_t size) const;
};

// Copies from the current offset of `source_fd` to its end. For any file,
// including one that is being written to meanwhile.
HashedBytes copy_hashed(int source_fd, const std::filesystem::path& source, int target_fd,
                        const std::filesystem::path& target, Progress& progress, const HashTaps& taps = {});

// Copies the first `size` bytes of an immutable file (a store object) by
// mapping it instead of reading it, which saves a copy. The file must not
// shrink meanwhile (a mapped page past its end would kill the process), so
// this is only for files nobody truncates. Falls back to copy_hashed() where
// the file cannot be mapped.
HashedBytes copy_hashed_immutable(int source_fd, const std::filesystem::path& source, std::uint64_t size,
                                  int target_fd, const std::filesystem::path& target, Progress& progress,
                                  const HashTaps& taps = {});

// Hashes all of `fd` from offset 0, without moving its file offset.
HashedBytes hash_whole_file(int fd, const std::filesystem::path& path, Progress& progress,
                            const HashTaps& taps = {});

}  // namespace mreg
