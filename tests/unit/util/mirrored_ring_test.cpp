#include "util/mirrored_ring.hpp"

#include <catch2/catch.hpp>

#include <cstring>

namespace mreg {

TEST_CASE("MirroredRing shows every window contiguously, also across the wrap", "[mirrored_ring]") {
  MirroredRing ring(1 << 16);
  REQUIRE(ring.capacity() >= (1u << 16));
  const std::size_t capacity = ring.capacity();
  // Write a pattern through the first mapping, wrapping at the end...
  const std::uint64_t start = 5 * capacity - 100;
  for (std::uint64_t offset = start; offset < start + capacity; ++offset) {
    *ring.at(offset) = static_cast<std::uint8_t>(offset * 7);
  }
  // ...and read it back as one span from the start offset.
  const std::uint8_t* window = ring.at(start);
  for (std::uint64_t i = 0; i < capacity; ++i) {
    REQUIRE(window[i] == static_cast<std::uint8_t>((start + i) * 7));
  }
  // A write past the end of the first mapping is visible at the ring's start.
  std::memset(ring.at(start) + 100, 0xab, 1);
  CHECK(*ring.at(start + 100) == 0xab);
  CHECK(*ring.at(0) == 0xab);
}

}  // namespace mreg
