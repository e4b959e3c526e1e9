// MirroredRing: a ring buffer in which every window of up to capacity()
// bytes is contiguous in memory.
//
// The same memory is mapped twice, back to back, so a window that wraps past
// the end of the first mapping simply continues into the second. Chunked
// ingest needs exactly that: the chunker must see up to 16 MiB from a chunk's
// start as one span while a reader thread keeps filling the ring ahead of it,
// and copying the bytes into place instead would cost another pass over them.
// Linux-specific (memfd_create); throws Error(io) where it is not available.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mreg {

class MirroredRing {
 public:
  // `capacity` is rounded up to a multiple of the page size.
  explicit MirroredRing(std::size_t capacity);
  ~MirroredRing();
  MirroredRing(const MirroredRing&) = delete;
  MirroredRing& operator=(const MirroredRing&) = delete;

  std::size_t capacity() const { return m_capacity; }
  // The byte at stream offset `offset`; the capacity() bytes from there are contiguous.
  std::uint8_t* at(std::uint64_t offset) const { return m_base + offset % m_capacity; }

 private:
  std::size_t m_capacity;
  std::uint8_t* m_base = nullptr;
};

}  // namespace mreg
