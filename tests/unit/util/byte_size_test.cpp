#include "util/byte_size.hpp"

#include <catch2/catch.hpp>

namespace mreg {

TEST_CASE("human_bytes prints sizes in binary units with one decimal", "[byte_size]") {
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(1023) == "1023 B");
  CHECK(human_bytes(1024) == "1.0 KiB");
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(human_bytes(1024 * 1024 - 1) == "1.0 MiB");  // not "1024.0 KiB"
  CHECK(human_bytes(std::uint64_t{1} << 30) == "1.0 GiB");
  CHECK(human_bytes(~std::uint64_t{0}) == "16.0 EiB");
}

}  // namespace mreg
