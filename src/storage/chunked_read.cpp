#include "storage/chunked_read.hpp"

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

}  // namespace

void copy_chunked(const std::filesystem::path& root, const Manifest& manifest, int target_fd,
                  const std::filesystem::path& target, Progress& progress, Sha256* sha256) {
  Hasher whole;
  const HashTaps taps{&whole, sha256};
  for (const auto& chunk : manifest.chunks) {
    const UniqueFd fd = open_chunk(root, manifest, chunk);
    const auto path = store_layout::object_path(root, chunk.digest);
    advise_sequential(fd.get());
    const HashedBytes copied = copy_hashed_immutable(fd.get(), path, chunk.size, target_fd, target, progress, taps);
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
