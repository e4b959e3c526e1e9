#include "storage/chunker.hpp"

#include <algorithm>

namespace mreg::chunking {
namespace {

constexpr std::array<std::uint64_t, 256> shifted_left(const std::array<std::uint64_t, 256>& table) {
  std::array<std::uint64_t, 256> result{};
  for (std::size_t i = 0; i < table.size(); ++i) result[i] = table[i] << 1;
  return result;
}

// FastCDC 2020's "rolling two bytes": with gear_ls[b] = gear[b] << 1,
//   (h << 2) + gear_ls[b0] + gear[b1]  is the hash after b1, and
//   (h << 2) + gear_ls[b0]             is 2 × the hash after b0,
// so one step advances two bytes and the position after b0 is tested
// against mask << 1. That finds the same cut as a byte-at-a-time loop as
// long as the mask's bit 63 is clear (doubling drops bit 63), which
// chunker.hpp asserts; the unit tests compare both on random inputs.
constexpr std::array<std::uint64_t, 256> gear_ls = shifted_left(gear);

// Bytes the scan asks the hardware to fetch ahead of itself. The hardware
// prefetchers alone did not keep this byte-at-a-time reader fed on the
// development machine: without this hint the scan ran at half speed on
// buffers larger than the cache.
constexpr std::size_t prefetch_distance = 2048;
constexpr std::size_t cache_line = 64;

// Rolls `hash` over data[begin, end); returns the length of the chunk that a
// cut under `mask` ends (a position in (begin, end]), or 0 when there is none.
std::size_t scan(const std::uint8_t* data, std::size_t begin, std::size_t end, std::uint64_t mask,
                 std::uint64_t& hash) {
  const std::uint64_t mask_ls = mask << 1;
  std::uint64_t h = hash;
  std::size_t cut = 0;
  // Advances h over data[at] and data[at + 1]; true when either position is
  // a cut, which is then in `cut`.
  const auto roll_pair = [&](std::size_t at) {
    // The loop-carried chain is one shift-and-add per pair: the two table
    // entries are summed first, and the doubled hash after data[at] is
    // recovered from the new hash, off the chain. Forming it as
    // (h << 2) + gear_ls[...] and adding gear[...] to that, as the paper
    // does, doubles the chain: 30% slower with GCC 12 (Clang 14 rewrites
    // this form back into that one).
    const std::uint64_t second = gear[data[at + 1]];
    h = (h << 2) + (gear_ls[data[at]] + second);
    const std::uint64_t doubled_first = h - second;
    if ((doubled_first & mask_ls) == 0) [[unlikely]] {
      cut = at + 1;
      return true;
    }
    if ((h & mask) == 0) [[unlikely]] {
      cut = at + 2;
      return true;
    }
    return false;
  };

  std::size_t i = begin;
  for (; i + cache_line <= end; i += cache_line) {
    if (i + prefetch_distance < end) __builtin_prefetch(data + i + prefetch_distance);
#pragma GCC unroll 32
    for (std::size_t k = 0; k < cache_line; k += 2) {
      if (roll_pair(i + k)) return cut;
    }
  }
  for (; i + 2 <= end; i += 2) {
    if (roll_pair(i)) return cut;
  }
  if (i < end) {
    h = (h << 1) + gear[data[i]];
    if ((h & mask) == 0) return i + 1;
  }
  hash = h;
  return 0;
}

}  // namespace

std::size_t content_cut(std::span<const std::uint8_t> data) {
  const std::size_t size = std::min(data.size(), max_size);
  if (size <= min_size) return size;
  std::uint64_t hash = 0;
  const std::size_t normal_end = std::min(size, normal_size);
  if (const std::size_t cut = scan(data.data(), min_size, normal_end, mask_s, hash)) return cut;
  if (const std::size_t cut = scan(data.data(), normal_end, size, mask_l, hash)) return cut;
  return size;
}

}  // namespace mreg::chunking
