// The files behind store objects and manifests: opening, publishing, and
// moving aside the ones that fail verification. Shared by the store's whole-
// object and chunked paths.
#pragma once

#include <filesystem>
#include <string_view>

#include "mreg/digest.hpp"
#include "mreg/error.hpp"
#include "util/atomic_file.hpp"
#include "util/hashing_copy.hpp"
#include "util/unique_fd.hpp"

namespace mreg {

// Objects are immutable; read-only permissions keep editors and scripts
// from changing one in place.
inline constexpr mode_t k_object_mode = 0444;

// Opens an object for reading; Error(not_found) naming the store when absent.
UniqueFd open_object(const std::filesystem::path& root, const Digest& digest);
[[noreturn]] void throw_not_in_store(const std::filesystem::path& root, const Digest& digest);

// Moves a corrupt object aside, so that a fetch or a re-add can store a good
// copy, and returns the error to throw. The object is moved only while its
// name still refers to the file that was read: a concurrent writer may have
// put a good copy there in the meantime.
Error corrupt_object(const std::filesystem::path& root, const Digest& expected, const HashedBytes& found,
                     int object_fd);

// Re-hashes an open object; throws corrupt_object()'s error when it differs.
void verify_open_object(const std::filesystem::path& root, const Digest& digest, int object_fd);

// Sets an existing object's or manifest's mtime to now, as git "freshens" a
// loose object it would have written: gc keeps what is younger than its
// grace period, and a file that an add reuses must count as just written,
// or gc could delete it before the add's model.yaml names it. False when
// `path` does not exist.
bool freshen(const std::filesystem::path& path) noexcept;

// A temp file in <root>/tmp for a new object or manifest.
AtomicFile new_object_temp(const std::filesystem::path& root);

// Renames a finished temp file into place at `final_path` unless a file is
// there already (then the temp file is dropped and that file freshened). Concurrent writers of one
// object may both rename; the content is the same, so whichever lands last
// is as good. Returns whether this call put it there.
bool publish_file(const std::filesystem::path& final_path, AtomicFile& temp);

// Stores `data` as the object `digest` (computed by the caller from these
// very bytes) unless the store has it (then it is freshened). Returns
// whether it was written.
bool put_object_bytes(const std::filesystem::path& root, const Digest& digest, const void* data, std::size_t size);

}  // namespace mreg
