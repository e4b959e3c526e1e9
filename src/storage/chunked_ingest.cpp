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

// What the reading thread, the planning thread and the writing caller share.
// Three stages rather than two because reading (a copy out of the page
// cache) and finding content-defined cuts together took longer than
// hashing and writing: on two cores the scheduler now balances them.
class Pipeline {
 public:
  Pipeline(int fd, const std::filesystem::path& source, std::uint64_t size)
      : m_fd(fd), m_source(source), m_size(size), m_ring(k_ring_capacity) {}

  const MirroredRing& ring() const { return m_ring; }
  std::uint64_t size() const { return m_size; }

  // --- reading thread: fills the ring as far as the writer has freed it ---
  void read_all() {
    for (std::uint64_t read_end = 0; read_end < m_size;) {
      std::uint64_t room = 0;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || read_end - m_released < m_ring.capacity(); });
        if (m_stop) return;
        room = m_ring.capacity() - (read_end - m_released);
      }
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>({room, m_size - read_end, k_read_size}));
      const std::size_t got = pread_some(m_fd, m_ring.at(read_end), want, read_end, m_source);
      if (got == 0) {
        throw Error(ErrorCode::io, fmt::format("'{}' shrank to {} bytes while it was being stored (it had {})",
                                               m_source.string(), read_end, m_size),
                    "add it again once whatever writes it has finished");
      }
      read_end += got;
      std::lock_guard lock(m_mutex);
      m_read_end = read_end;
      m_changed.notify_all();
    }
  }

  // --- planning thread ---
  // Waits until the first `end` bytes are in the ring; false when stopping.
  bool wait_for_bytes(std::uint64_t end) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stop || m_read_end >= end; });
    return !m_stop;
  }

  void push(const Cut& cut) {
    std::lock_guard lock(m_mutex);
    m_cuts.push_back(cut);
    m_changed.notify_all();
  }

  void finish_planning() {
    std::lock_guard lock(m_mutex);
    m_planning_done = true;
    m_changed.notify_all();
  }

  // --- either thread, on failure: the writer rethrows the first one ---
  void fail(std::exception_ptr failure) {
    std::lock_guard lock(m_mutex);
    if (!m_failure) m_failure = failure;
    m_stop = true;
    m_changed.notify_all();
  }

  // --- writer side ---
  // The next chunk whose bytes are all in the ring; nullopt at the end.
  // Rethrows what stopped the other threads.
  std::optional<Cut> next() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_cuts.empty() || m_planning_done || m_failure; });
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
  std::uint64_t m_read_end = 0;
  std::uint64_t m_released = 0;
  std::deque<Cut> m_cuts;
  bool m_planning_done = false;
  bool m_stop = false;
  std::exception_ptr m_failure;
};

void plan(Pipeline& pipeline, const chunking::ChunkPlanner& planner) {
  for (std::uint64_t offset = 0; offset < pipeline.size();) {
    const std::uint64_t needed = planner.bytes_needed(offset);
    if (!pipeline.wait_for_bytes(offset + needed)) return;
    const std::span<const std::uint8_t> look_ahead(pipeline.ring().at(offset), static_cast<std::size_t>(needed));
    const std::uint64_t length = planner.next_chunk(offset, look_ahead);
    if (!pipeline.wait_for_bytes(offset + length)) return;
    pipeline.push({offset, length});
    offset += length;
  }
  pipeline.finish_planning();
}

// The reading and planning threads, stopped and joined however the writer
// leaves.
class Helpers {
 public:
  Helpers(Pipeline& pipeline, const chunking::ChunkPlanner& planner)
      : m_pipeline(pipeline),
        m_reader([&pipeline] { guarded(pipeline, [&] { pipeline.read_all(); }); }),
        m_planner([&pipeline, &planner] { guarded(pipeline, [&] { plan(pipeline, planner); }); }) {}
  ~Helpers() {
    m_pipeline.stop();
    m_reader.join();
    m_planner.join();
  }

 private:
  template <class Work>
  static void guarded(Pipeline& pipeline, Work&& work) {
    try {
      work();
    } catch (...) {
      pipeline.fail(std::current_exception());
    }
  }

  Pipeline& m_pipeline;
  std::thread m_reader;
  std::thread m_planner;
};

bool write_manifest(const std::filesystem::path& root, const Manifest& manifest) {
  const auto path = store_layout::manifest_path(root, manifest.file);
  if (freshen(path)) return false;
  AtomicFile temp = new_object_temp(root);
  const std::string text = format_manifest(manifest);
  temp.write(text.data(), text.size());
  return publish_file(path, temp);
}

}  // namespace

ChunkedIngest ingest_chunked(const std::filesystem::path& root, int fd, const std::filesystem::path& source,
                             std::uint64_t size, std::optional<TensorLayout> layout, bool sha256,
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
    const Helpers helpers(pipeline, planner);
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
