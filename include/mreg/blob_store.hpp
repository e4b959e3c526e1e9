// BlobStore: the local content-addressed object store (DESIGN §5).
//
// Objects are immutable files at <root>/objects/<hex[0:2]>/<hex[2:]>, named by
// their XXH3-128 digest. Writes go temp file (<root>/tmp) -> write -> rename,
// so a reader never sees a partial object and concurrent writers of the same
// object are harmless. Every read verifies the bytes against the id; a corrupt
// object is moved aside to <root>/corrupt/ and reported as Error(corrupt).
// Ingest reads each input once, in constant memory.
//
// Progress: the store only advances the caller's Progress by the bytes it
// copies; the caller brackets the work with begin/end (see ProgressScope).
//
// Thread-safety: a BlobStore may be used from several threads and processes
// at once; all coordination is through atomic renames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "mreg/digest.hpp"
#include "mreg/progress.hpp"

namespace mreg {

class BlobStore {
 public:
  // `root` is the store directory (".git/mreg"); created on first write.
  explicit BlobStore(std::filesystem::path root);

  struct Stored {
    Digest digest;
    std::uint64_t size = 0;
    bool is_new = false;  // false when the store already had the object
  };

  // Hashes and stores a regular file in one read. Throws Error(not_found) /
  // Error(io) naming the file when it is missing, unreadable or not regular.
  Stored put_file(const std::filesystem::path& source, Progress& progress = no_progress());
  Stored put_bytes(std::string_view bytes);

  bool contains(const Digest& digest) const;
  std::filesystem::path object_path(const Digest& digest) const;
  const std::filesystem::path& root() const { return m_root; }

  // The whole object, verified. For small objects (manifests, tests).
  std::string read(const Digest& digest) const;

  // Writes the object to `destination` atomically (temp file beside it, then
  // rename), verified against the digest and size before it becomes visible.
  // Uses a reflink where the filesystem has one, else an in-kernel copy.
  // Parent directories are created. Throws Error(not_found) when the object
  // is missing, Error(corrupt) when it does not verify.
  void materialize(const Digest& digest, std::uint64_t size,
                   const std::filesystem::path& destination, Progress& progress = no_progress()) const;

  // Re-hashes the stored object; throws Error(not_found) or Error(corrupt)
  // (after moving the object aside).
  void verify(const Digest& digest) const;

 private:
  std::filesystem::path m_root;
};

// Streams a file through XXH3-128 (used to compare existing files with
// objects without copying them).
Digest hash_file(const std::filesystem::path& path);

}  // namespace mreg
