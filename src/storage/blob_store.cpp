// BlobStore: put, read, verify and materialize files (DESIGN §5).
//
// Every byte that enters or leaves the store is hashed on the way: put_file
// hashes exactly the bytes it writes, materialize hashes exactly the bytes
// it writes to the destination's temp file and checks them before the
// rename, read and verify hash what they read. Files up to 64 MiB are one
// object; larger ones go through chunked_ingest / chunked_read.
#include "mreg/blob_store.hpp"

#include <optional>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>

#include <fmt/core.h>

#include "mreg/error.hpp"
#include "storage/chunked_ingest.hpp"
#include "storage/chunked_read.hpp"
#include "storage/layout_detect.hpp"
#include "storage/object_files.hpp"
#include "storage/stat_cache.hpp"
#include "storage/store_layout.hpp"
#include "util/atomic_file.hpp"
#include "util/file_io.hpp"
#include "util/hashing_copy.hpp"
#include "util/platform_copy.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

// A reflink where the filesystem has one, hashed by reading the clone (which
// no one else can change). nullopt when the caller must copy instead.
std::optional<HashedBytes> clone_hashed(int source_fd, const AtomicFile& target, Progress& progress,
                                        const HashTaps& taps) {
  if (!try_reflink(source_fd, target.fd())) return std::nullopt;
  return hash_whole_file(target.fd(), target.temp_path(), progress, taps);
}

struct stat stat_of(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_system_error(errno, "stat", path);
  return st;
}

// Whether nothing about the file changed between two fstat()s.
bool same_file_state(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

void check_sha256(const Digest& digest, const std::optional<std::string>& expected, Sha256* computed,
                  const std::filesystem::path& what) {
  if (!expected || !computed) return;
  const std::string found = computed->hex();
  if (found == *expected) return;
  throw Error(ErrorCode::corrupt,
              fmt::format("{} ({}) has SHA-256 {}, but {} was recorded for it", what.string(), digest.id(), found,
                          *expected),
              "its bytes match the xxh128 digest but not the SHA-256: the store or a remote holds a forged "
              "object, or the recorded SHA-256 is wrong; do not use this file");
}

}  // namespace

// Whether the store can still materialize `digest`, freshening every file
// that takes (see freshen()): the stat cache's answer is only used when so.
bool BlobStore::freshen_file(const Digest& digest) const {
  if (freshen(object_path(digest))) return true;
  try {
    const auto manifest = read_manifest(digest);
    if (!manifest) return false;
    for (const auto& chunk : manifest->chunks) {
      if (!freshen(object_path(chunk.digest))) return false;
    }
    return freshen(manifest_path(digest));
  } catch (const Error&) {
    return false;  // a damaged manifest: store the file again
  }
}

BlobStore::BlobStore(std::filesystem::path root)
    : m_root(std::move(root)), m_stat_cache(std::make_unique<StatCache>(m_root / "cache.sqlite")) {}
BlobStore::BlobStore(BlobStore&&) noexcept = default;
BlobStore& BlobStore::operator=(BlobStore&&) noexcept = default;
BlobStore::~BlobStore() = default;

BlobStore::Stored BlobStore::put_file(const std::filesystem::path& source, Progress& progress,
                                      const PutOptions& options) {
  const UniqueFd source_fd = open_regular_file(source);
  const struct stat before = stat_of(source_fd.get(), source);
  const std::int64_t stat_time_ns = m_stat_cache->now_ns();
  if (const auto known = m_stat_cache->lookup(before);
      known && (known->sha256 || !options.sha256) && freshen_file(known->digest)) {
    Stored stored;
    stored.digest = known->digest;
    stored.size = known->size;
    stored.unchanged = true;
    if (options.sha256) stored.sha256 = known->sha256;
    progress.advance(known->size);
    return stored;
  }

  Stored stored;
  const auto size = static_cast<std::uint64_t>(before.st_size);
  if (size > k_max_object_size) {
    auto layout = detect_tensor_layout(source_fd.get(), source, size, stored.warning);
    advise_sequential(source_fd.get());
    const ChunkedIngest chunked =
        ingest_chunked(m_root, source_fd.get(), source, size, std::move(layout), options.sha256, progress);
    stored.digest = chunked.digest;
    stored.size = chunked.size;
    stored.is_new = chunked.manifest_is_new;
    stored.new_bytes = chunked.new_bytes;
    stored.chunks = chunked.chunks;
    stored.sha256 = chunked.sha256;
  } else {
    AtomicFile temp = new_object_temp(m_root);
    std::optional<Sha256> sha256;
    if (options.sha256) sha256.emplace();
    const HashTaps taps{nullptr, sha256 ? &*sha256 : nullptr};
    HashedBytes copied;
    if (auto cloned = clone_hashed(source_fd.get(), temp, progress, taps)) {
      copied = *cloned;
    } else {
      advise_sequential(source_fd.get());
      copied = copy_hashed(source_fd.get(), source, temp.fd(), temp.temp_path(), progress, taps);
    }
    stored.digest = copied.digest;
    stored.size = copied.size;
    stored.is_new = publish_file(object_path(copied.digest), temp);
    stored.new_bytes = stored.is_new ? copied.size : 0;
    if (sha256) stored.sha256 = sha256->hex();
  }
  // Remembered only when the file did not change while it was read, so the
  // digest is the file's as the stat data describes it.
  if (same_file_state(before, stat_of(source_fd.get(), source)) && stored.size == size) {
    m_stat_cache->record(before, {stored.digest, stored.size, stored.sha256}, stat_time_ns);
  }
  return stored;
}

BlobStore::Stored BlobStore::put_bytes(std::string_view bytes) {
  const Digest digest = digest_of(bytes);
  const bool is_new = put_object_bytes(m_root, digest, bytes.data(), bytes.size());
  Stored stored;
  stored.digest = digest;
  stored.size = bytes.size();
  stored.is_new = is_new;
  stored.new_bytes = is_new ? bytes.size() : 0;
  return stored;
}

bool BlobStore::contains(const Digest& digest) const {
  if (regular_file_exists(object_path(digest))) return true;
  try {
    const auto manifest = read_manifest(digest);
    if (!manifest) return false;
    for (const auto& chunk : manifest->chunks) {
      if (!regular_file_exists(object_path(chunk.digest))) return false;
    }
    return true;
  } catch (const Error&) {
    return false;  // a damaged manifest: the file cannot be materialized from here
  }
}

std::filesystem::path BlobStore::object_path(const Digest& digest) const {
  return store_layout::object_path(m_root, digest);
}

std::filesystem::path BlobStore::manifest_path(const Digest& digest) const {
  return store_layout::manifest_path(m_root, digest);
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

std::optional<Manifest> BlobStore::read_manifest(const Digest& digest) const {
  const auto path = manifest_path(digest);
  auto text = read_file_if_exists(path);
  if (!text) return std::nullopt;
  Manifest manifest = parse_manifest(*text, path.string());
  if (manifest.file != digest) {
    throw Error(ErrorCode::corrupt,
                fmt::format("manifest {}: it describes {}, not the file it is named after", path.string(),
                            manifest.file.id()),
                "the manifest was damaged or renamed; add the file again or fetch it from a remote");
  }
  return manifest;
}

void BlobStore::materialize(const Digest& digest, std::uint64_t size, const std::filesystem::path& destination,
                            Progress& progress, const std::optional<std::string>& sha256) const {
  const auto directory = destination.has_parent_path() ? destination.parent_path() : std::filesystem::path(".");
  std::optional<Sha256> computed;
  if (sha256) computed.emplace();
  Sha256* const sha = computed ? &*computed : nullptr;

  UniqueFd object_fd(::open(object_path(digest).c_str(), O_RDONLY | O_CLOEXEC));
  if (!object_fd) {
    const auto manifest = read_manifest(digest);
    if (!manifest) throw_not_in_store(m_root, digest);
    if (manifest->size != size) {
      throw Error(ErrorCode::corrupt,
                  fmt::format("{} holds {} bytes, but {} bytes were expected for '{}'", digest.id(), manifest->size,
                              size, destination.string()),
                  "the size recorded in the model's metadata does not match its digest");
    }
    ensure_directory(directory);
    AtomicFile temp(directory, store_layout::materialize_temp_prefix(destination));
    copy_chunked(m_root, *manifest, temp.fd(), temp.temp_path(), progress, sha);
    check_sha256(digest, sha256, sha, destination);
    temp.commit(destination);
    return;
  }

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
  ensure_directory(directory);
  AtomicFile temp(directory, store_layout::materialize_temp_prefix(destination));
  const HashTaps taps{nullptr, sha};
  HashedBytes copied;
  if (auto cloned = clone_hashed(object_fd.get(), temp, progress, taps)) {
    copied = *cloned;
  } else {
    advise_sequential(object_fd.get());
    copied = copy_hashed_immutable(object_fd.get(), object, size, temp.fd(), temp.temp_path(), progress, taps);
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
  check_sha256(digest, sha256, sha, destination);
  temp.commit(destination);
}

void BlobStore::verify(const Digest& digest, const std::optional<std::string>& sha256) const {
  std::optional<Sha256> computed;
  if (sha256) computed.emplace();
  Sha256* const sha = computed ? &*computed : nullptr;
  UniqueFd fd(::open(object_path(digest).c_str(), O_RDONLY | O_CLOEXEC));
  if (fd) {
    const HashedBytes found = hash_whole_file(fd.get(), object_path(digest), no_progress(), HashTaps{nullptr, sha});
    if (found.digest != digest) throw corrupt_object(m_root, digest, found, fd.get());
  } else if (const auto manifest = read_manifest(digest)) {
    verify_chunked(m_root, *manifest, sha);
  } else {
    throw_not_in_store(m_root, digest);
  }
  check_sha256(digest, sha256, sha, object_path(digest));
}

Digest hash_file(const std::filesystem::path& path) {
  const UniqueFd fd = open_regular_file(path);
  advise_sequential(fd.get());
  return hash_whole_file(fd.get(), path, no_progress()).digest;
}

}  // namespace mreg
