#include "storage/chunked_read.hpp"

#include <algorithm>
#include <future>

#include <sys/mman.h>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "storage/object_files.hpp"
#include "storage/store_layout.hpp"
#include "util/file_io.hpp"
#include "util/platform_copy.hpp"

namespace mreg {
namespace {

UniqueFd open_chunk(const std::filesystem::path& root, const Manifest& manifest, const ManifestChunk& chunk) {
  try {
    UniqueFd fd = open_object(root, chunk.digest);
    if (file_size(fd.get(), store_layout::object_path(root, chunk.digest)) != chunk.size) {
      verify_open_object(root, chunk.digest, fd.get());
      throw Error(ErrorCode::corrupt,
                  fmt::format("the manifest of {} lists chunk {} with {} bytes, but the chunk is intact with a "
                              "different size",
                              manifest.file.id(), chunk.digest.id(), chunk.size),
                  fmt::format("the manifest '{}' is damaged; add the file again or fetch it from a remote",
                              store_layout::manifest_path(root, manifest.file).string()));
    }
    return fd;
  } catch (const Error& error) {
    if (error.code() != ErrorCode::not_found) throw;
    throw Error(ErrorCode::not_found,
                fmt::format("chunk {} of {} is not in the store at '{}'", chunk.digest.id(), manifest.file.id(),
                            root.string()),
                "run `mreg fetch` to bring it from a remote, or add the original file again");
  }
}

void check_whole(const std::filesystem::path& root, const Manifest& manifest, const Hasher& whole) {
  const Digest found = whole.digest();
  if (found == manifest.file) return;
  throw Error(ErrorCode::corrupt,
              fmt::format("the chunks listed by the manifest of {} are intact but make up a file that hashes to {}",
                          manifest.file.id(), found.id()),
              fmt::format("the manifest '{}' is damaged; add the file again or fetch it from a remote",
                          store_layout::manifest_path(root, manifest.file).string()));
}

// One chunk's copy with its hashing on a second thread: the bytes are mapped
// once, this thread writes them while the other hashes the same memory (the
// chunk's digest, the whole file's and the SHA-256), so a chunk costs the
// slower of the two instead of their sum. Objects are immutable, so both
// threads see the same bytes.
HashedBytes copy_chunk(int fd, const std::filesystem::path& path, std::uint64_t size, int target_fd,
                       const std::filesystem::path& target, Progress& progress, const HashTaps& taps) {
  const auto length = static_cast<std::size_t>(size);
  void* mapped = ::mmap(nullptr, length, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (mapped == MAP_FAILED) return copy_hashed_immutable(fd, path, size, target_fd, target, progress, taps);
  struct Unmap {
    void* data;
    std::size_t length;
    ~Unmap() { ::munmap(data, length); }
  } unmap{mapped, length};
  const auto* bytes = static_cast<const char*>(mapped);
  auto hashing = std::async(std::launch::async, [bytes, length, &taps] {
    taps.update(bytes, length);
    return digest_of(bytes, length);
  });
  try {
    constexpr std::size_t piece = 256 << 10;  // see util/hashing_copy.hpp on write sizes
    for (std::size_t done = 0; done < length; done += piece) {
      const std::size_t count = std::min(piece, length - done);
      write_all(target_fd, bytes + done, count, target);
      progress.advance(count);
    }
  } catch (...) {
    hashing.wait();  // the mapping must outlive the hashing
    throw;
  }
  return {hashing.get(), size};
}

}  // namespace

void copy_chunked(const std::filesystem::path& root, const Manifest& manifest, int target_fd,
                  const std::filesystem::path& target, Progress& progress, Sha256* sha256) {
  Hasher whole;
  const HashTaps taps{&whole, sha256};
  for (const auto& chunk : manifest.chunks) {
    const UniqueFd fd = open_chunk(root, manifest, chunk);
    const auto path = store_layout::object_path(root, chunk.digest);
    advise_sequential(fd.get());
    const HashedBytes copied = copy_chunk(fd.get(), path, chunk.size, target_fd, target, progress, taps);
    if (copied.digest != chunk.digest) {
      verify_open_object(root, chunk.digest, fd.get());
      throw Error(ErrorCode::io,
                  fmt::format("the copy of chunk {} to '{}' does not match the chunk", chunk.digest.id(),
                              target.string()),
                  "check the destination's filesystem, then try again");
    }
  }
  check_whole(root, manifest, whole);
}

void verify_chunked(const std::filesystem::path& root, const Manifest& manifest, Sha256* sha256) {
  Hasher whole;
  const HashTaps taps{&whole, sha256};
  for (const auto& chunk : manifest.chunks) {
    const UniqueFd fd = open_chunk(root, manifest, chunk);
    const auto path = store_layout::object_path(root, chunk.digest);
    advise_sequential(fd.get());
    const HashedBytes found = hash_whole_file(fd.get(), path, no_progress(), taps);
    if (found.digest != chunk.digest) throw corrupt_object(root, chunk.digest, found, fd.get());
  }
  check_whole(root, manifest, whole);
}

}  // namespace mreg
