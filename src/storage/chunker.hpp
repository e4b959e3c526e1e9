// Content-defined chunk boundaries: FastCDC with a gear hash (DESIGN §5).
//
// content_cut() answers one question: how long is the chunk that starts
// here? It looks only at the bytes it is given and keeps no state, so a cut
// depends on nothing but the content near it. That is what makes an
// insertion or deletion disturb only the chunks around it: the chunks after
// it are found again at the same content, shifted.
//
// Everything in this header is part of the storage format. Chunk ids are
// digests of chunk bytes, so moving a single cut changes which objects a file
// is stored as; two builds that disagree here still read each other's
// manifests but no longer share chunks. Changing a size, a mask, the seed or
// the table generator is a format change.
//
// The algorithm is FastCDC (Xia et al., USENIX ATC 2016; IEEE TPDS 2020):
//   - cut-point skipping: no hash is evaluated for the first min_size bytes,
//     and the hash starts at 0 at offset min_size;
//   - gear hash: h = (h << 1) + gear[byte], so bit k of h depends on the last
//     k + 1 bytes, and masks on high bits see a window of tens of bytes;
//   - normalized chunking, level 2: up to normal_size a cut needs 24 zero
//     bits (mask_s), from normal_size on 20 (mask_l), which pulls chunk
//     sizes towards normal_size;
//   - a cut after byte i when (h & mask) == 0, and a forced cut at max_size.
// Pure functions, no allocation, safe to call from any number of threads.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mreg::chunking {

inline constexpr std::size_t min_size = std::size_t{1} << 20;     // 1 MiB
inline constexpr std::size_t normal_size = std::size_t{1} << 22;  // 4 MiB, the 22-bit average
inline constexpr std::size_t max_size = std::size_t{1} << 24;     // 16 MiB

// Masks on the high bits of the hash, as FastCDC spreads them: the lowest
// bit of a mask bounds how few bytes decide it. mask_s takes every other bit
// from 16 to 62 (24 bits); mask_l is mask_s without bits 16, 18, 20 and 22
// (20 bits), so that anything that cuts under mask_s cuts under mask_l too.
// Bit 63 is left out on purpose: the scan tests odd positions against
// mask << 1 (see chunker.cpp), which is exact only when bit 63 is clear.
inline constexpr std::uint64_t mask_s = 0x5555'5555'5555'0000;
inline constexpr std::uint64_t mask_l = 0x5555'5555'5500'0000;
static_assert(std::popcount(mask_s) == 24 && std::popcount(mask_l) == 20);
static_assert((mask_s & mask_l) == mask_l, "mask_l must be a subset of mask_s");
static_assert(((mask_s | mask_l) >> 63) == 0, "the two-byte scan needs bit 63 clear");

// The gear table: 256 successive outputs of splitmix64 (Steele, Lea &
// Flood 2014, as published by Vigna) seeded with "mregcdc1" in ASCII.
inline constexpr std::uint64_t gear_seed = 0x6d72'6567'6364'6331;

constexpr std::array<std::uint64_t, 256> make_gear_table(std::uint64_t seed) {
  std::array<std::uint64_t, 256> table{};
  std::uint64_t state = seed;
  for (std::uint64_t& entry : table) {
    state += 0x9e37'79b9'7f4a'7c15;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11eb;
    entry = z ^ (z >> 31);
  }
  return table;
}

inline constexpr std::array<std::uint64_t, 256> gear = make_gear_table(gear_seed);

// Length of the chunk that starts at data[0]: the first content-defined cut,
// else min(max_size, data.size()). `data` holds the bytes from the chunk's
// start, at least min(max_size, bytes left in the file) of them; bytes past
// max_size are ignored, and a short `data` is taken to end at the file's end.
// When data.size() <= min_size returns data.size(). A content-defined cut
// gives a length in (min_size, max_size].
std::size_t content_cut(std::span<const std::uint8_t> data);

}  // namespace mreg::chunking
