// parse_manifest() on arbitrary text. Manifests come from remotes, so the
// parser accepts exactly the format and nothing else: whatever it accepts
// formats back to the same bytes, and obeys the size rules.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "mreg/error.hpp"
#include "mreg/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mreg::Manifest manifest;
  try {
    manifest = mreg::parse_manifest(text, "fuzz");
  } catch (const mreg::Error&) {
    return 0;
  }
  MREG_FUZZ_CHECK(mreg::format_manifest(manifest) == text);
  MREG_FUZZ_CHECK(!manifest.chunks.empty());
  std::uint64_t total = 0;
  for (const auto& chunk : manifest.chunks) {
    MREG_FUZZ_CHECK(chunk.size >= 1 && chunk.size <= mreg::k_max_object_size);
    total += chunk.size;
  }
  MREG_FUZZ_CHECK(total == manifest.size);
  return 0;
}
