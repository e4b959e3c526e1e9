#include "util/mirrored_ring.hpp"

#include <cerrno>

#include <sys/mman.h>
#include <unistd.h>

#include "mreg/error.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace mreg {
namespace {

std::size_t round_to_pages(std::size_t size) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

[[noreturn]] void fail(const char* what) { throw_system_error(errno, what, "a mirrored ring buffer"); }

}  // namespace

MirroredRing::MirroredRing(std::size_t capacity) : m_capacity(round_to_pages(capacity)) {
  const UniqueFd memory(::memfd_create("mreg-ring", MFD_CLOEXEC));
  if (!memory) fail("memfd_create");
  if (::ftruncate(memory.get(), static_cast<off_t>(m_capacity)) != 0) fail("ftruncate");
  // Reserve twice the room, then map the memory into both halves.
  void* reserved = ::mmap(nullptr, 2 * m_capacity, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED) fail("mmap");
  m_base = static_cast<std::uint8_t*>(reserved);
  for (std::size_t half = 0; half < 2; ++half) {
    void* mapped = ::mmap(m_base + half * m_capacity, m_capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                          memory.get(), 0);
    if (mapped == MAP_FAILED) {
      const int error_number = errno;
      ::munmap(m_base, 2 * m_capacity);
      errno = error_number;
      fail("mmap");
    }
  }
}

MirroredRing::~MirroredRing() { ::munmap(m_base, 2 * m_capacity); }

}  // namespace mreg
