// gguf::parse() on an arbitrary file (the input is the whole file). The
// bytes are untrusted: it must not throw or crash; with the whole file at
// hand it never asks for more; a layout it returns lies within the file,
// sorted and disjoint; parsing only the header's bytes gives the same
// answer; and the chunk planner given that layout covers the file exactly.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_check.hpp"
#include "storage/chunk_planner.hpp"
#include "storage/gguf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> file(data, size);
  const mreg::gguf::HeaderParse parsed = mreg::gguf::parse(file, size);
  MREG_FUZZ_CHECK(!parsed.truncated);
  MREG_FUZZ_CHECK(parsed.layout.value.has_value() == parsed.layout.error.empty());
  if (!parsed.layout.value) return 0;

  const mreg::TensorLayout& layout = *parsed.layout.value;
  MREG_FUZZ_CHECK(layout.header_size <= size);
  std::uint64_t covered = layout.header_size;
  for (const auto& tensor : layout.tensors) {
    MREG_FUZZ_CHECK(tensor.begin <= tensor.end && tensor.end <= size);
    MREG_FUZZ_CHECK(tensor.begin >= covered || tensor.begin == tensor.end);
    if (tensor.end > tensor.begin) covered = tensor.end;
  }

  // The header's bytes alone (the padding after it is not needed) give the same layout.
  const auto from_header = mreg::gguf::parse(file.first(layout.header_size), size);
  MREG_FUZZ_CHECK(from_header.layout.value && *from_header.layout.value == layout);

  const mreg::chunking::ChunkPlanner planner(size, layout);
  std::uint64_t pos = 0;
  while (pos < size) {
    const std::uint64_t length = planner.next_chunk(pos, file.subspan(pos));
    MREG_FUZZ_CHECK(length > 0 && length <= size - pos);
    pos += length;
  }
  MREG_FUZZ_CHECK(pos == size);
  return 0;
}
