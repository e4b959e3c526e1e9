#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <random>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/core.h>

#include "mreg/error.hpp"
#include "util/file_io.hpp"

namespace mreg {
namespace {

constexpr int k_name_attempts = 100;

// Random name suffix. mkstemp() would do, but it fixes the mode at 0600 and
// the umask cannot be read without changing it, so we open with O_EXCL
// ourselves and let the kernel apply the umask to `mode`.
std::string random_suffix() {
  static constexpr char k_alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof k_alphabet - 2);
  std::string suffix(6, '?');
  for (char& c : suffix) c = k_alphabet[pick(engine)];
  return suffix;
}

}  // namespace

AtomicFile::AtomicFile(const std::filesystem::path& temp_directory, std::string_view name_prefix,
                       mode_t mode) {
  for (int attempt = 0; attempt < k_name_attempts; ++attempt) {
    m_temp_path = temp_directory / (std::string(name_prefix) + random_suffix());
    const int fd = ::open(m_temp_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0) {
      m_fd.reset(fd);
      return;
    }
    // A name collision (or a forked child repeating our random sequence) is
    // retried with a new name; anything else is a real failure.
    const int error_number = errno;
    if (error_number != EEXIST) throw_system_error(error_number, "create", m_temp_path);
  }
  throw_system_error(EEXIST, "create", m_temp_path);
}

AtomicFile::~AtomicFile() { abandon(); }

void AtomicFile::write(const void* data, std::size_t size) { write_all(m_fd.get(), data, size, m_temp_path); }

void AtomicFile::commit(const std::filesystem::path& final_path) {
  close_checked(m_fd, m_temp_path);
  if (std::rename(m_temp_path.c_str(), final_path.c_str()) != 0) {
    const int error_number = errno;
    // Always Error(io): the temp file exists, so nothing the caller asked
    // for is missing even when the error number says ENOENT.
    throw Error(ErrorCode::io, fmt::format("cannot move '{}' into place as '{}': {}", m_temp_path.string(),
                                           final_path.string(), std::generic_category().message(error_number)));
  }
  m_pending = false;
}

void AtomicFile::abandon() noexcept {
  m_fd.reset();
  if (m_pending) ::unlink(m_temp_path.c_str());
  m_pending = false;
}

}  // namespace mreg

