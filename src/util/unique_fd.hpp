// UniqueFd: sole owner of one POSIX file descriptor.
//
// The descriptor is closed exactly once, when the owner is destroyed or reset;
// moving transfers ownership. Errors from that implicit close are ignored, so
// code that must know whether buffered writes reached the file (e.g.
// AtomicFile::commit) closes explicitly with close_checked() first.
#pragma once

#include <utility>

#include <unistd.h>

namespace mreg {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return m_fd; }
  explicit operator bool() const noexcept { return m_fd >= 0; }

  int release() noexcept { return std::exchange(m_fd, -1); }
  void reset(int fd = -1) noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

}  // namespace mreg
