#include "storage/chunked_ingest.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/manifest.hpp"
#include "storage/chunk_planner.hpp"
#include "storage/chunker.hpp"
#include "storage/object_files.hpp"
#include "storage/store_layout.hpp"
#include "util/file_io.hpp"
#include "util/mirrored_ring.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

// Room for the chunk being written, the chunker's look-ahead (one maximal
// chunk) and the reads in flight; the ring is most of ingest's memory.
constexpr std::size_t k_ring_capacity = 3 * chunking::max_size;
// read() size: large enough to cost few calls, small enough to keep the
// writer fed early.
constexpr std::size_t k_read_size = 4 << 20;

struct Cut {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// What the reader thread and the writing caller share.
class Pipeline {
 public:
  Pipeline(int fd, const std::filesystem::path& source, std::uint64_t size)
      : m_fd(fd), m_source(source), m_size(size), m_ring(k_ring_capacity) {}

  const MirroredRing& ring() const { return m_ring; }

  // --- reader side ---
  // Reads until the first `end` bytes of the file are in the ring, waiting
  // for the writer to free room. False when the writer gave up.
  bool read_until(std::uint64_t end) {
    while (m_read_end < end) {
      std::uint64_t room = 0;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || m_read_end - m_released < m_ring.capacity(); });
        if (m_stop) return false;
        room = m_ring.capacity() - (m_read_end - m_released);
      }
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>({room, m_size - m_read_end, k_read_size}));
      const std::size_t got = pread_some(m_fd, m_ring.at(m_read_end), want, m_read_end, m_source);
      if (got == 0) {
        throw Error(ErrorCode::io, fmt::format("'{}' shrank to {} bytes while it was being stored (it had {})",
                                               m_source.string(), m_read_end, m_size),
                    "add it again once whatever writes it has finished");
      }
      std::lock_guard lock(m_mutex);
      m_read_end += got;
    }
    return true;
  }

  void push(const Cut& cut) {
    std::lock_guard lock(m_mutex);
    m_cuts.push_back(cut);
    m_changed.notify_all();
  }

  void finish_reading(std::exception_ptr failure) {
    std::lock_guard lock(m_mutex);
    m_reader_done = true;
    m_failure = failure;
    m_changed.notify_all();
  }

  // --- writer side ---
  // The next chunk whose bytes are all in the ring; nullopt at the end.
  // Rethrows what stopped the reader.
  std::optional<Cut> next() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_cuts.empty() || m_reader_done; });
    if (m_failure) std::rethrow_exception(m_failure);
    if (m_cuts.empty()) return std::nullopt;
    const Cut cut = m_cuts.front();
    m_cuts.pop_front();
    return cut;
  }

  void release(const Cut& cut) {
    std::lock_guard lock(m_mutex);
    m_released = cut.offset + cut.size;
    m_changed.notify_all();
  }

  void stop() {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_changed.notify_all();
  }

 private:
  int m_fd;
  const std::filesystem::path& m_source;
  std::uint64_t m_size;
  MirroredRing m_ring;

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::uint64_t m_read_end = 0;  // written by the reader only, so it reads it unlocked
  std::uint64_t m_released = 0;
  std::deque<Cut> m_cuts;
  bool m_reader_done = false;
  bool m_stop = false;
  std::exception_ptr m_failure;
};

void read_and_plan(Pipeline& pipeline, std::uint64_t size, const chunking::ChunkPlanner& planner) {
  try {
    for (std::uint64_t offset = 0; offset < size;) {
      const std::uint64_t needed = planner.bytes_needed(offset);
      if (!pipeline.read_until(offset + needed)) break;
      const std::span<const std::uint8_t> look_ahead(pipeline.ring().at(offset), static_cast<std::size_t>(needed));
      const std::uint64_t length = planner.next_chunk(offset, look_ahead);
      if (!pipeline.read_until(offset + length)) break;
      pipeline.push({offset, length});
      offset += length;
    }
    pipeline.finish_reading(nullptr);
  } catch (...) {
    pipeline.finish_reading(std::current_exception());
  }
}

// Joins the reader however the writer leaves.
class ReaderThread {
 public:
  ReaderThread(Pipeline& pipeline, std::uint64_t size, const chunking::ChunkPlanner& planner)
      : m_pipeline(pipeline), m_thread([&pipeline, size, &planner] { read_and_plan(pipeline, size, planner); }) {}
  ~ReaderThread() {
    m_pipeline.stop();
    m_thread.join();
  }

 private:
  Pipeline& m_pipeline;
  std::thread m_thread;
};

bool write_manifest(const std::filesystem::path& root, const Manifest& manifest) {
  const auto path = store_layout::manifest_path(root, manifest.file);
  if (regular_file_exists(path)) return false;
  AtomicFile temp = new_object_temp(root);
  const std::string text = format_manifest(manifest);
  temp.write(text.data(), text.size());
  return publish_file(path, temp);
}

}  // namespace

ChunkedIngest ingest_chunked(const std::filesystem::path& root, int fd, const std::filesystem::path& source,
                             std::uint64_t size, std::optional<safetensors::Layout> layout, bool sha256,
                             Progress& progress) {
  const chunking::ChunkPlanner planner(size, std::move(layout));
  Pipeline pipeline(fd, source, size);
  Manifest manifest;
  manifest.size = size;
  Hasher whole;
  std::optional<Sha256> file_sha256;
  if (sha256) file_sha256.emplace();
  ChunkedIngest result;
  {
    ReaderThread reader(pipeline, size, planner);
    while (const auto cut = pipeline.next()) {
      const std::uint8_t* data = pipeline.ring().at(cut->offset);
      const auto length = static_cast<std::size_t>(cut->size);
      const Digest digest = digest_of(data, length);
      whole.update(data, length);
      if (file_sha256) file_sha256->update(data, length);
      if (put_object_bytes(root, digest, data, length)) result.new_bytes += cut->size;
      manifest.chunks.push_back({digest, cut->size});
      pipeline.release(*cut);
      progress.advance(cut->size);
    }
  }
  manifest.file = whole.digest();
  result.digest = manifest.file;
  result.size = size;
  result.chunks = manifest.chunks.size();
  result.manifest_is_new = write_manifest(root, manifest);
  if (file_sha256) result.sha256 = file_sha256->hex();
  return result;
}

}  // namespace mreg
