// BlobStore: put, read, verify and materialize objects (DESIGN §5).
//
// Every byte that enters or leaves the store is hashed on the way: put_file
// hashes exactly the bytes it writes to the temp file it then publishes,
// materialize hashes exactly the bytes it writes to the destination's temp
// file and checks them before the rename, read and verify hash what they read.
#include "mreg/blob_store.hpp"

#include <cerrno>
#include <cstdio>
#include <optional>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/types.h>

#include <fmt/core.h>

#include "mreg/error.hpp"
#include "storage/store_layout.hpp"
#include "util/atomic_file.hpp"
#include "util/file_io.hpp"
#include "util/hashing_copy.hpp"
#include "util/platform_copy.hpp"

namespace mreg {
namespace {

// Objects are immutable; read-only permissions keep editors and scripts
// from changing one in place.
constexpr mode_t k_object_mode = 0444;

UniqueFd open_object(const std::filesystem::path& root, const Digest& digest) {
  const auto path = store_layout::object_path(root, digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int error_number = errno;
    if (error_number == ENOENT) {
      throw Error(ErrorCode::not_found,
                  fmt::format("object {} is not in the store at '{}'", digest.id(), root.string()));
    }
    throw_system_error(error_number, "open", path);
  }
  return fd;
}

// Moves a corrupt object aside, so that a fetch or a re-add can store a good
// copy, and returns the error to throw. The object is moved only while its
// name still refers to the file that was read: a concurrent writer may
// have put a good copy there in the meantime.
Error corrupt_object(const std::filesystem::path& root, const Digest& expected, const HashedBytes& found,
                     int object_fd) {
  const auto object = store_layout::object_path(root, expected);
  const auto aside = store_layout::corrupt_path(root, expected);
  std::string moved;
  if (names_same_file(object, object_fd)) {
    std::error_code ignored;
    std::filesystem::create_directories(aside.parent_path(), ignored);
    if (std::rename(object.c_str(), aside.c_str()) == 0) {
      moved = fmt::format("; moved it aside to '{}'", aside.string());
    }
  }
  return Error(ErrorCode::corrupt,
               fmt::format("object {} is corrupt: its {} bytes hash to {}{}", expected.id(), found.size,
                           found.digest.id(), moved),
               "run `mreg fetch` to restore it from a remote, or add the original file again");
}

void verify_open_object(const std::filesystem::path& root, const Digest& digest, int object_fd) {
  const HashedBytes found = hash_whole_file(object_fd, store_layout::object_path(root, digest), no_progress());
  if (found.digest != digest) throw corrupt_object(root, digest, found, object_fd);
}

// A reflink where the filesystem has one, hashed by reading the clone (which
// no one else can change). nullopt when the caller must copy instead.
std::optional<HashedBytes> clone_hashed(int source_fd, const AtomicFile& target, Progress& progress) {
  if (!try_reflink(source_fd, target.fd())) return std::nullopt;
  return hash_whole_file(target.fd(), target.temp_path(), progress);
}

// Renames a finished temp file into place as the object `digest`, unless the
// store has it already. Concurrent writers of one object may both rename;
// the content is the same, so whichever lands last is as good.
bool publish_object(const std::filesystem::path& root, const Digest& digest, AtomicFile& temp) {
  const auto object = store_layout::object_path(root, digest);
  if (regular_file_exists(object)) {
    temp.abandon();
    return false;
  }
  ensure_directory(object.parent_path());
  temp.commit(object);
  return true;
}

AtomicFile new_object_temp(const std::filesystem::path& root) {
  const auto directory = store_layout::temp_directory(root);
  ensure_directory(directory);
  return AtomicFile(directory, store_layout::object_temp_prefix, k_object_mode);
}

}  // namespace

BlobStore::BlobStore(std::filesystem::path root) : m_root(std::move(root)) {}

BlobStore::Stored BlobStore::put_file(const std::filesystem::path& source, Progress& progress) {
  const UniqueFd source_fd = open_regular_file(source);
  AtomicFile temp = new_object_temp(m_root);
  HashedBytes stored;
  if (auto cloned = clone_hashed(source_fd.get(), temp, progress)) {
    stored = *cloned;
  } else {
    advise_sequential(source_fd.get());
    stored = copy_hashed(source_fd.get(), source, temp.fd(), temp.temp_path(), progress);
  }
  const bool is_new = publish_object(m_root, stored.digest, temp);
  return {stored.digest, stored.size, is_new};
}

BlobStore::Stored BlobStore::put_bytes(std::string_view bytes) {
  const Digest digest = digest_of(bytes);
  if (contains(digest)) return {digest, bytes.size(), false};
  AtomicFile temp = new_object_temp(m_root);
  temp.write(bytes.data(), bytes.size());
  const bool is_new = publish_object(m_root, digest, temp);
  return {digest, bytes.size(), is_new};
}

bool BlobStore::contains(const Digest& digest) const { return regular_file_exists(object_path(digest)); }

std::filesystem::path BlobStore::object_path(const Digest& digest) const {
  return store_layout::object_path(m_root, digest);
}

std::string BlobStore::read(const Digest& digest) const {
  const UniqueFd fd = open_object(m_root, digest);
  const auto path = object_path(digest);
  std::string content(file_size(fd.get(), path), '\0');
  std::size_t filled = 0;
  while (filled < content.size()) {
    const std::size_t got = read_some(fd.get(), content.data() + filled, content.size() - filled, path);
    if (got == 0) break;
    filled += got;
  }
  content.resize(filled);
  const Digest found = digest_of(content);
  if (found != digest) throw corrupt_object(m_root, digest, {found, content.size()}, fd.get());
  return content;
}

void BlobStore::materialize(const Digest& digest, std::uint64_t size, const std::filesystem::path& destination,
                            Progress& progress) const {
  const UniqueFd object_fd = open_object(m_root, digest);
  const auto object = object_path(digest);
  const std::uint64_t object_size = file_size(object_fd.get(), object);
  if (object_size != size) {
    // Checked before copying, because the copy maps exactly `size` bytes of
    // the object. A truncated object is the usual cause; if the object is
    // intact, the size we were given is what is wrong.
    verify_open_object(m_root, digest, object_fd.get());
    throw Error(ErrorCode::corrupt,
                fmt::format("object {} holds {} bytes, but {} bytes were expected for '{}'", digest.id(),
                            object_size, size, destination.string()),
                "the size recorded in the model's metadata does not match its digest");
  }

  const auto directory = destination.has_parent_path() ? destination.parent_path() : std::filesystem::path(".");
  ensure_directory(directory);
  AtomicFile temp(directory, store_layout::materialize_temp_prefix(destination));
  HashedBytes copied;
  if (auto cloned = clone_hashed(object_fd.get(), temp, progress)) {
    copied = *cloned;
  } else {
    advise_sequential(object_fd.get());
    copied = copy_hashed_immutable(object_fd.get(), object, size, temp.fd(), temp.temp_path(), progress);
  }
  if (copied.digest != digest || copied.size != size) {
    temp.abandon();
    verify_open_object(m_root, digest, object_fd.get());
    // The object is intact, so the copy went wrong on its way to the disk.
    throw Error(ErrorCode::io,
                fmt::format("the copy of object {} to '{}' does not match the object", digest.id(),
                            destination.string()),
                "check the destination's filesystem, then try again");
  }
  temp.commit(destination);
}

void BlobStore::verify(const Digest& digest) const {
  const UniqueFd fd = open_object(m_root, digest);
  verify_open_object(m_root, digest, fd.get());
}

Digest hash_file(const std::filesystem::path& path) {
  const UniqueFd fd = open_regular_file(path);
  advise_sequential(fd.get());
  return hash_whole_file(fd.get(), path, no_progress()).digest;
}

}  // namespace mreg
