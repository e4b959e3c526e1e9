// safetensors::parse() on an arbitrary file (the input is the whole file).
// The bytes are untrusted: it must not throw or crash, and a layout it
// returns must describe the file: tensors sorted, sized by dtype and shape,
// tiling the data buffer exactly. Parsing only the header's bytes gives the
// same answer as parsing the whole file.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "storage/safetensors.hpp"

namespace st = mreg::safetensors;

namespace {

void check_layout(const st::Layout& layout, std::uint64_t file_size) {
  std::uint64_t covered = layout.header_size;
  const st::Tensor* previous = nullptr;
  for (const st::Tensor& tensor : layout.tensors) {
    MREG_FUZZ_CHECK(tensor.begin == covered);  // sorted, no overlap, no hole
    MREG_FUZZ_CHECK(tensor.begin <= tensor.end && tensor.end <= file_size);
    if (previous) MREG_FUZZ_CHECK(previous->begin < tensor.begin || previous->end <= tensor.end);
    const auto element_size = st::dtype_size(tensor.dtype);
    MREG_FUZZ_CHECK(element_size.has_value());
    std::uint64_t bytes = *element_size;
    for (const std::uint64_t extent : tensor.shape) {
      MREG_FUZZ_CHECK(!__builtin_mul_overflow(bytes, extent, &bytes));
    }
    MREG_FUZZ_CHECK(tensor.end - tensor.begin == bytes);
    covered = tensor.end;
    previous = &tensor;
  }
  MREG_FUZZ_CHECK(covered == file_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> file(data, size);
  const st::Parsed<std::uint64_t> header = st::header_size(file, size);
  MREG_FUZZ_CHECK(header.value.has_value() == header.error.empty());
  if (header.value) MREG_FUZZ_CHECK(*header.value >= 8 && *header.value <= size);

  const st::Parsed<st::Layout> parsed = st::parse(file, size);
  MREG_FUZZ_CHECK(parsed.value.has_value() == parsed.error.empty());
  st::looks_like_safetensors(file, size);
  if (!parsed.value) return 0;

  MREG_FUZZ_CHECK(header.value && parsed.value->header_size == *header.value);
  check_layout(*parsed.value, size);
  const st::Parsed<st::Layout> from_header = st::parse(file.first(*header.value), size);
  MREG_FUZZ_CHECK(from_header.value && *from_header.value == *parsed.value);
  return 0;
}
