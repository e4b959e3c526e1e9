#include "storage/object_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>

#include <fmt/core.h>

#include "storage/store_layout.hpp"
#include "util/file_io.hpp"

namespace mreg {
namespace {

// Written in pieces: larger write()s were often much slower on ext4 (see
// util/hashing_copy.hpp).
constexpr std::size_t k_write_piece = 256 << 10;

}  // namespace

UniqueFd open_object(const std::filesystem::path& root, const Digest& digest) {
  const auto path = store_layout::object_path(root, digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int error_number = errno;
    if (error_number == ENOENT) throw_not_in_store(root, digest);
    throw_system_error(error_number, "open", path);
  }
  return fd;
}

void throw_not_in_store(const std::filesystem::path& root, const Digest& digest) {
  throw Error(ErrorCode::not_found, fmt::format("object {} is not in the store at '{}'", digest.id(), root.string()));
}

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

bool freshen(const std::filesystem::path& path) noexcept {
  return ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0;
}

AtomicFile new_object_temp(const std::filesystem::path& root) {
  const auto directory = store_layout::temp_directory(root);
  ensure_directory(directory);
  return AtomicFile(directory, store_layout::object_temp_prefix, k_object_mode);
}

bool publish_file(const std::filesystem::path& final_path, AtomicFile& temp) {
  if (freshen(final_path)) {
    temp.abandon();
    return false;
  }
  ensure_directory(final_path.parent_path());
  temp.commit(final_path);
  return true;
}

bool put_object_bytes(const std::filesystem::path& root, const Digest& digest, const void* data, std::size_t size) {
  const auto path = store_layout::object_path(root, digest);
  if (freshen(path)) return false;
  AtomicFile temp = new_object_temp(root);
  const auto* bytes = static_cast<const char*>(data);
  for (std::size_t done = 0; done < size; done += k_write_piece) {
    temp.write(bytes + done, std::min(k_write_piece, size - done));
  }
  return publish_file(path, temp);
}

}  // namespace mreg
