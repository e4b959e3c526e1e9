#include "storage/chunker.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace mreg::chunking {
namespace {

// Eight bytes per xorshift step: the tests below need hundreds of MiB.
std::vector<std::uint8_t> noise(std::size_t size, std::uint64_t seed) {
  std::vector<std::uint8_t> bytes(size);
  std::uint64_t state = 0x9e3779b97f4a7c15 * (seed + 1);
  for (std::size_t i = 0; i < size; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(&bytes[i], &state, std::min<std::size_t>(8, size - i));
  }
  return bytes;
}

// FastCDC as the papers write it, one byte at a time: the definition that
// the two-bytes-per-step scan in chunker.cpp must reproduce exactly.
std::size_t reference_cut(std::span<const std::uint8_t> data) {
  const std::size_t size = std::min(data.size(), max_size);
  if (size <= min_size) return size;
  std::uint64_t hash = 0;
  for (std::size_t i = min_size; i < size; ++i) {
    hash = (hash << 1) + gear[data[i]];
    const std::uint64_t mask = i < normal_size ? mask_s : mask_l;
    if ((hash & mask) == 0) return i + 1;
  }
  return size;
}

std::vector<std::size_t> chunk_lengths(std::span<const std::uint8_t> data) {
  std::vector<std::size_t> lengths;
  for (std::size_t pos = 0; pos < data.size(); pos += lengths.back()) {
    lengths.push_back(content_cut(data.subspan(pos)));
  }
  return lengths;
}

TEST_CASE("the gear table is splitmix64 seeded with \"mregcdc1\"", "[chunker]") {
  // Pinned: these values are part of the storage format.
  CHECK(gear_seed == 0x6d72656763646331);
  CHECK(gear[0] == 0x3c1892a75faaad08);
  CHECK(gear[1] == 0x5bfbee3698666bcc);
  CHECK(gear[255] == 0x56209a2d06416950);
}

TEST_CASE("the cuts of a fixed input never change (format pin)", "[chunker]") {
  // A change here means every stored chunk boundary moves: a format change.
  std::vector<std::uint8_t> data(64 << 20);
  std::uint64_t state = 0x9e3779b97f4a7c15;
  for (std::uint8_t& byte : data) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<std::uint8_t>(state >> 56);
  }
  const std::vector<std::size_t> expected{4281091, 4808082, 4465283, 2199006, 4487033, 3140093, 4262698, 4208433,
                                          4583181, 5599163, 1253229, 5255115, 2429021, 3054590, 8671099, 4411747};
  CHECK(chunk_lengths(data) == expected);
}

TEST_CASE("the two-byte scan finds the same cut as the byte-at-a-time definition", "[chunker]") {
  // Lengths around the places where the scan changes gear: min_size (first
  // hashed byte), normal_size (mask switch), max_size, odd and even ends.
  const std::vector<std::size_t> edge_sizes{min_size + 1,    min_size + 2,    min_size + 63, min_size + 64,
                                            min_size + 65,   normal_size - 1, normal_size,   normal_size + 1,
                                            normal_size + 3, max_size - 1,    max_size,      max_size + 1};
  bool saw_odd_cut = false;
  bool saw_even_cut = false;
  bool saw_cut_before_normal = false;
  bool saw_cut_after_normal = false;
  for (std::uint64_t trial = 0; trial < 160; ++trial) {
    // Fresh content every time: windows of one buffer would share their
    // cuts, since a cut is a property of the content.
    const std::size_t size = trial < edge_sizes.size() ? edge_sizes[trial] : max_size - (trial * 7919) % 4096;
    const std::vector<std::uint8_t> data = noise(size, 1000 + trial);
    const std::size_t expected = reference_cut(data);
    INFO("trial " << trial << ", " << size << " bytes");
    REQUIRE(content_cut(data) == expected);
    if (expected < std::min(size, max_size)) {
      (expected % 2 == 0 ? saw_even_cut : saw_odd_cut) = true;
      (expected <= normal_size ? saw_cut_before_normal : saw_cut_after_normal) = true;
    }
  }
  // The comparison above only means something if it covered both halves of
  // a step and both masks.
  CHECK(saw_odd_cut);
  CHECK(saw_even_cut);
  CHECK(saw_cut_before_normal);
  CHECK(saw_cut_after_normal);
}

TEST_CASE("repetitive input agrees with the definition too", "[chunker]") {
  for (const int fill : {0x00, 0x01, 0x20, 0xff}) {
    const std::vector<std::uint8_t> data(max_size + 5, static_cast<std::uint8_t>(fill));
    CHECK(content_cut(data) == reference_cut(data));
  }
  std::vector<std::uint8_t> pattern(max_size);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint8_t>(i % 251);
  CHECK(content_cut(pattern) == reference_cut(pattern));
}

TEST_CASE("inputs up to min_size are one chunk", "[chunker]") {
  const std::vector<std::uint8_t> data = noise(min_size, 3);
  CHECK(content_cut({}) == 0);
  CHECK(content_cut(std::span(data).first(1)) == 1);
  CHECK(content_cut(std::span(data).first(4096)) == 4096);
  CHECK(content_cut(data) == min_size);
}

TEST_CASE("a cut lies after min_size, at most max_size in, and ignores bytes past max_size", "[chunker]") {
  const std::vector<std::uint8_t> data = noise(3 * max_size, 11);
  const std::span<const std::uint8_t> all(data);
  for (std::size_t pos = 0; pos + max_size <= data.size(); pos += 1 << 20) {
    const std::size_t cut = content_cut(all.subspan(pos));
    CHECK(cut > min_size);
    CHECK(cut <= max_size);
    CHECK(content_cut(all.subspan(pos, max_size)) == cut);
  }
}

TEST_CASE("a cut depends only on the bytes before it", "[chunker]") {
  std::vector<std::uint8_t> data = noise(max_size, 5);
  const std::size_t cut = content_cut(data);
  REQUIRE(cut < max_size);
  for (std::size_t i = cut; i < data.size(); ++i) data[i] ^= 0x5a;
  CHECK(content_cut(data) == cut);
  // Fewer bytes, as at the end of a file, find the same cut if it fits.
  CHECK(content_cut(std::span(data).first(cut)) == cut);
  CHECK(content_cut(std::span(data).first(cut + 1)) == cut);
}

TEST_CASE("random data averages near normal_size", "[chunker]") {
  const std::vector<std::uint8_t> data = noise(256 << 20, 9);
  const std::vector<std::size_t> lengths = chunk_lengths(data);
  const double mean = double(data.size()) / double(lengths.size());
  CHECK(mean > 3.0 * (1 << 20));
  CHECK(mean < 6.0 * (1 << 20));
}

}  // namespace
}  // namespace mreg::chunking
