// How fast the content-defined chunker scans, against memcpy of the same
// buffer as the baseline (the ratio says whether chunking can keep up with
// reading the file at all). Not part of the CMake build; from the repo root:
//
//   g++ -std=c++20 -O2 -Isrc bench/chunker_speed.cpp src/storage/chunker.cpp -o /tmp/chunker_speed
//   /tmp/chunker_speed            # 1 GiB of random bytes, best of 5 runs
//   /tmp/chunker_speed 256 3      # 256 MiB, best of 3
//
// Two rates are printed. "chunking" is file bytes per second through
// content_cut(), which skips the first min_size bytes of every chunk unseen.
// "gear scan" counts only the bytes the hash actually rolled over, so it is
// the speed of the inner loop itself.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "storage/chunker.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> random_bytes(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  std::uint64_t state = 0x2545f4914f6cdd1d;
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(&bytes[i], &state, 8);
  }
  return bytes;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct ChunkRun {
  double seconds = 0;
  std::uint64_t hashed = 0;  // bytes the gear hash rolled over
  std::size_t chunks = 0;
};

ChunkRun chunk_all(std::span<const std::uint8_t> data) {
  ChunkRun run;
  const auto start = Clock::now();
  for (std::size_t pos = 0; pos < data.size();) {
    const std::size_t length = mreg::chunking::content_cut(data.subspan(pos));
    if (length > mreg::chunking::min_size) run.hashed += length - mreg::chunking::min_size;
    pos += length;
    ++run.chunks;
  }
  run.seconds = seconds_since(start);
  return run;
}

double memcpy_seconds(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& target) {
  const auto start = Clock::now();
  std::memcpy(target.data(), data.data(), data.size());
  const double seconds = seconds_since(start);
  // Keep the copy observable so it is not optimised away.
  if (target[data.size() / 2] != data[data.size() / 2]) std::abort();
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::size_t size = mib << 20;
  const std::vector<std::uint8_t> data = random_bytes(size);
  std::vector<std::uint8_t> target(size, 1);  // touched, so page faults are not timed

  ChunkRun best_chunk{1e30, 0, 0};
  double best_copy = 1e30;
  for (int run = 0; run < runs; ++run) {
    const ChunkRun chunked = chunk_all(data);
    if (chunked.seconds < best_chunk.seconds) best_chunk = chunked;
    best_copy = std::min(best_copy, memcpy_seconds(data, target));
  }

  const double gb = 1e9;
  const double copy_rate = double(size) / best_copy / gb;
  const double chunk_rate = double(size) / best_chunk.seconds / gb;
  const double scan_rate = double(best_chunk.hashed) / best_chunk.seconds / gb;
  std::printf("buffer      %zu MiB random, best of %d\n", mib, runs);
  std::printf("chunks      %zu (mean %.2f MiB)\n", best_chunk.chunks,
              double(size) / double(best_chunk.chunks) / double(1 << 20));
  std::printf("memcpy      %6.2f GB/s\n", copy_rate);
  std::printf("gear scan   %6.2f GB/s  (%.2fx memcpy)  %.1f%% of the bytes hashed\n", scan_rate, scan_rate / copy_rate,
              100.0 * double(best_chunk.hashed) / double(size));
  std::printf("chunking    %6.2f GB/s  (%.2fx memcpy)\n", chunk_rate, chunk_rate / copy_rate);
}
