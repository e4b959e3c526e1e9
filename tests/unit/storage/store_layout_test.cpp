#include "storage/store_layout.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace mreg {

TEST_CASE("objects fan out by the first two hex digits of their digest", "[store_layout]") {
  const Digest digest = *Digest::from_hex("06b05ab6733a618578af5f94892f3950");
  CHECK(store_layout::object_path("/r", digest) == "/r/objects/06/b05ab6733a618578af5f94892f3950");
  CHECK(store_layout::temp_directory("/r") == "/r/tmp");
  CHECK(store_layout::corrupt_path("/r", digest) == "/r/corrupt/06b05ab6733a618578af5f94892f3950");
}

TEST_CASE("a materialized file's temp name is hidden, beside it and marked as ours", "[store_layout]") {
  CHECK(store_layout::materialize_temp_prefix("out/model.safetensors") == ".model.safetensors.mreg-tmp-");
  // Room for AtomicFile's six-character suffix within NAME_MAX.
  const std::string longest(255, 'x');
  CHECK(store_layout::materialize_temp_prefix("out/" + longest).size() + 6 <= 255);
}

}  // namespace mreg
