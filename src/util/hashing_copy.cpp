#include "util/hashing_copy.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>

#include <sys/mman.h>

#include "util/file_io.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

// Small enough to stay in L2 between being read, hashed and written, and
// below the write() sizes that are slow on ext4 (see the header).
constexpr std::size_t k_piece_size = 256 << 10;
// How much of an immutable file is mapped at a time: large enough that
// mapping costs little, small enough to keep the address space use modest.
constexpr std::size_t k_window_size = 16 << 20;

// One piece's worth of memory, or less when the file is smaller, so that the
// many small files of a model do not each pay for a full piece.
struct PieceBuffer {
  explicit PieceBuffer(std::uint64_t file_size)
      : size(static_cast<std::size_t>(std::clamp<std::uint64_t>(file_size, 4096, k_piece_size))),
        data(std::make_unique_for_overwrite<char[]>(size)) {}

  std::size_t size;
  std::unique_ptr<char[]> data;
};

// One read-only view of part of a file, unmapped when it goes out of scope.
class MappedWindow {
 public:
  MappedWindow(int fd, std::uint64_t offset, std::size_t size)
      : m_size(size), m_data(::mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd,
                                    static_cast<off_t>(offset))) {}
  ~MappedWindow() {
    if (m_data != MAP_FAILED) ::munmap(m_data, m_size);
  }
  MappedWindow(const MappedWindow&) = delete;
  MappedWindow& operator=(const MappedWindow&) = delete;

  bool ok() const { return m_data != MAP_FAILED; }
  const char* data() const { return static_cast<const char*>(m_data); }

 private:
  std::size_t m_size;
  void* m_data;
};

}  // namespace

void HashTaps::update(const void* data, std::size_t size) const {
  if (whole) whole->update(data, size);
  if (sha256) sha256->update(data, size);
}

HashedBytes copy_hashed(int source_fd, const std::filesystem::path& source, int target_fd,
                        const std::filesystem::path& target, Progress& progress, const HashTaps& taps) {
  const PieceBuffer buffer(file_size(source_fd, source));
  Hasher hasher;
  std::uint64_t copied = 0;
  while (const std::size_t got = read_some(source_fd, buffer.data.get(), buffer.size, source)) {
    hasher.update(buffer.data.get(), got);
    taps.update(buffer.data.get(), got);
    write_all(target_fd, buffer.data.get(), got, target);
    copied += got;
    progress.advance(got);
  }
  return {hasher.digest(), copied};
}

HashedBytes copy_hashed_immutable(int source_fd, const std::filesystem::path& source, std::uint64_t size,
                                  int target_fd, const std::filesystem::path& target, Progress& progress,
                                  const HashTaps& taps) {
  Hasher hasher;
  for (std::uint64_t offset = 0; offset < size; offset += k_window_size) {
    const auto window_size = static_cast<std::size_t>(std::min<std::uint64_t>(k_window_size, size - offset));
    const MappedWindow window(source_fd, offset, window_size);
    if (!window.ok()) {
      // Some filesystems (FUSE, some network ones) cannot map; nothing has
      // been written yet the first time round, so read the file instead.
      if (offset == 0) return copy_hashed(source_fd, source, target_fd, target, progress, taps);
      throw_system_error(errno, "map", source);
    }
    for (std::size_t done = 0; done < window_size; done += k_piece_size) {
      const std::size_t piece = std::min(k_piece_size, window_size - done);
      hasher.update(window.data() + done, piece);
      taps.update(window.data() + done, piece);
      write_all(target_fd, window.data() + done, piece, target);
      progress.advance(piece);
    }
  }
  return {hasher.digest(), size};
}

HashedBytes hash_whole_file(int fd, const std::filesystem::path& path, Progress& progress, const HashTaps& taps) {
  const PieceBuffer buffer(file_size(fd, path));
  Hasher hasher;
  std::uint64_t hashed = 0;
  while (const std::size_t got = pread_some(fd, buffer.data.get(), buffer.size, hashed, path)) {
    hasher.update(buffer.data.get(), got);
    taps.update(buffer.data.get(), got);
    hashed += got;
    progress.advance(got);
  }
  return {hasher.digest(), hashed};
}

}  // namespace mreg
