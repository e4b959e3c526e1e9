#include "util/file_io.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include "mreg/error.hpp"

namespace mreg {

void throw_system_error(int error_number, std::string_view action, const std::filesystem::path& path) {
  const bool missing = error_number == ENOENT || error_number == ENOTDIR;
  throw Error(missing ? ErrorCode::not_found : ErrorCode::io,
              fmt::format("cannot {} '{}': {}", action, path.string(),
                          std::generic_category().message(error_number)));
}

UniqueFd open_regular_file(const std::filesystem::path& path) {
  // O_NONBLOCK so that opening a FIFO does not hang before we can refuse it;
  // it has no effect on the regular files we go on to read.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) throw_system_error(errno, "open", path);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) throw_system_error(errno, "stat", path);
  if (!S_ISREG(status.st_mode)) {
    throw Error(ErrorCode::io, fmt::format("cannot read '{}': not a regular file", path.string()));
  }
  return fd;
}

std::uint64_t file_size(int fd, const std::filesystem::path& path) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw_system_error(errno, "stat", path);
  return static_cast<std::uint64_t>(status.st_size);
}

std::size_t read_some(int fd, void* buffer, std::size_t size, const std::filesystem::path& path) {
  for (;;) {
    const ssize_t got = ::read(fd, buffer, size);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw_system_error(errno, "read", path);
  }
}

std::size_t pread_some(int fd, void* buffer, std::size_t size, std::uint64_t offset,
                       const std::filesystem::path& path) {
  for (;;) {
    const ssize_t got = ::pread(fd, buffer, size, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw_system_error(errno, "read", path);
  }
}

void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& path) {
  const auto* next = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t put = ::write(fd, next, size);
    if (put < 0) {
      if (errno == EINTR) continue;
      throw_system_error(errno, "write", path);
    }
    next += put;
    size -= static_cast<std::size_t>(put);
  }
}

void close_checked(UniqueFd& fd, const std::filesystem::path& path) {
  // The descriptor is gone after close() even when it fails, so never retry.
  if (::close(fd.release()) != 0 && errno != EINTR) throw_system_error(errno, "write", path);
}

void ensure_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  // Always Error(io): a missing parent is created, so failing here means a
  // file is in the way or permission is lacking, not that something is absent.
  if (error) {
    throw Error(ErrorCode::io, fmt::format("cannot create directory '{}': {}", directory.string(),
                                           error.message()));
  }
}

bool regular_file_exists(const std::filesystem::path& path) noexcept {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored);
}

bool names_same_file(const std::filesystem::path& path, int fd) noexcept {
  struct stat by_path {}, by_fd {};
  return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 &&
         by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw_system_error(errno, "open", path);
  }
  std::string content;
  char buffer[1 << 16];
  while (const std::size_t got = read_some(fd.get(), buffer, sizeof buffer, path)) content.append(buffer, got);
  return content;
}

}  // namespace mreg
