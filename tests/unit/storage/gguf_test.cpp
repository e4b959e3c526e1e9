#include "storage/gguf.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "storage/chunk_planner.hpp"
#include "storage/chunker.hpp"

namespace mreg::gguf {
namespace {

using Catch::Matchers::Contains;
using Bytes = std::vector<std::uint8_t>;

// Builds GGUF files field by field, as llama.cpp's writer lays them out.
class Writer {
 public:
  Writer& u32(std::uint32_t v) { return put(v, 4); }
  Writer& u64(std::uint64_t v) { return put(v, 8); }
  Writer& str(std::string_view s) {
    u64(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
    return *this;
  }
  Writer& header(std::uint64_t tensors, std::uint64_t kvs, std::uint32_t version = 3) {
    bytes = {'G', 'G', 'U', 'F'};
    return u32(version).u64(tensors).u64(kvs);
  }
  Writer& tensor(std::string_view name, std::vector<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset) {
    str(name).u32(static_cast<std::uint32_t>(dims.size()));
    for (const auto d : dims) u64(d);
    return u32(type).u64(offset);
  }
  // Pads to `alignment`, then appends `data_size` bytes of tensor data.
  Bytes finish(std::uint64_t data_size, std::uint64_t alignment = 32) {
    while (bytes.size() % alignment != 0) bytes.push_back(0);
    for (std::uint64_t i = 0; i < data_size; ++i) bytes.push_back(static_cast<std::uint8_t>(i * 7));
    return bytes;
  }
  Bytes bytes;

 private:
  Writer& put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
};

// A small model: metadata of every kind, an array of strings (a vocabulary),
// three tensors listed out of offset order.
Bytes small_model(std::uint32_t alignment = 32) {
  Writer w;
  w.header(3, 5);
  w.str("general.architecture").u32(8).str("llama");
  w.str("llama.block_count").u32(4).u32(2);
  w.str("general.alignment").u32(4).u32(alignment);
  w.str("tokenizer.ggml.tokens").u32(9).u32(8).u64(3).str("<s>").str("</s>").str("hello");
  w.str("tokenizer.ggml.scores").u32(9).u32(6).u64(3).u32(0).u32(0).u32(0);
  w.tensor("blk.0.attn_q.weight", {64, 64}, 12, 0);
  w.tensor("output.weight", {64, 128}, 0, 2 * alignment * 100);
  w.tensor("blk.0.attn_norm.weight", {64}, 0, alignment * 100);
  return w.finish(alignment * 300, alignment);
}

std::string error_of(const Bytes& file) {
  HeaderParse parsed;
  REQUIRE_NOTHROW(parsed = parse(file, file.size()));
  REQUIRE_FALSE(parsed.truncated);
  REQUIRE_FALSE(parsed.layout.value);
  REQUIRE_FALSE(parsed.layout.error.empty());
  return parsed.layout.error;
}

}  // namespace

TEST_CASE("a GGUF header gives where each tensor starts, sorted by offset", "[gguf]") {
  for (const std::uint32_t alignment : {32u, 64u, 4096u}) {
    const Bytes file = small_model(alignment);
    const HeaderParse parsed = parse(file, file.size());
    INFO(parsed.layout.error);
    REQUIRE(parsed.layout.value);
    const TensorLayout& layout = *parsed.layout.value;
    CHECK(layout.header_size % alignment == 0);
    CHECK(layout.header_size == file.size() - alignment * 300);
    REQUIRE(layout.tensors.size() == 3);
    CHECK(layout.tensors[0].name == "blk.0.attn_q.weight");
    CHECK(layout.tensors[0].dtype == "Q4_K");
    CHECK(layout.tensors[0].shape == std::vector<std::uint64_t>{64, 64});
    CHECK(layout.tensors[1].name == "blk.0.attn_norm.weight");
    CHECK(layout.tensors[2].name == "output.weight");
    CHECK(layout.tensors[2].dtype == "F32");
    // Each runs to the next one's start, the last to the end of the file.
    CHECK(layout.tensors[0].begin == layout.header_size);
    CHECK(layout.tensors[0].end == layout.tensors[1].begin);
    CHECK(layout.tensors[1].begin == layout.header_size + alignment * 100);
    CHECK(layout.tensors[1].end == layout.tensors[2].begin);
    CHECK(layout.tensors[2].end == file.size());
  }
}

TEST_CASE("a GGUF header longer than the bytes read asks for more", "[gguf]") {
  const Bytes file = small_model();
  const HeaderParse full = parse(file, file.size());
  REQUIRE(full.layout.value);
  for (std::size_t given = 0; given < full.layout.value->header_size; given += 7) {
    const HeaderParse part = parse(std::span(file).first(given), file.size());
    INFO("given " << given);
    if (given < 4) {
      CHECK_FALSE(part.layout.value);  // not even the magic yet
      continue;
    }
    if (part.layout.value) {
      // Every byte of the tensor infos was given; only the padding is missing.
      CHECK(given > full.layout.value->header_size - 32);
      continue;
    }
    REQUIRE(part.truncated);
    CHECK(part.needed > given);
    CHECK(part.needed <= std::max<std::uint64_t>(file.size(), given * 2));
  }
  // With every header byte (and none of the data), the answer is the full one.
  const HeaderParse header_only = parse(std::span(file).first(full.layout.value->header_size - 1), file.size());
  CHECK(header_only.layout.value);
}

TEST_CASE("parse_file reads more of the file only while the header runs on", "[gguf]") {
  Writer w;
  w.header(1, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(100000);
  for (int i = 0; i < 100000; ++i) w.str("token" + std::to_string(i));  // a 1.5 MiB vocabulary
  const std::uint64_t key_values_end = w.bytes.size();
  w.tensor("t", {8}, 0, 0);
  const Bytes file = w.finish(4096);
  std::vector<std::uint64_t> reads;
  const auto read_prefix = [&](std::uint64_t n) {
    reads.push_back(n);
    return Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
  };
  const HeaderParse parsed = parse_file(read_prefix, file.size());
  INFO(parsed.layout.error);
  REQUIRE(parsed.layout.value);
  CHECK(parsed.key_values_end == key_values_end);
  CHECK(parsed.layout.value->tensors.at(0).begin == file.size() - 4096);
  CHECK(reads.size() == 2);  // 1 MiB, then what the parse asked for
  CHECK(reads.at(0) == 1 << 20);

  // A header that would need more than max_header_size is refused, not read whole.
  constexpr std::uint64_t big = std::uint64_t{100} << 20;
  // Two strings: the first ends 2 KiB before the limit, the second runs past it.
  Writer huge;
  huge.header(0, 2).str("a").u32(8).u64(max_header_size - 2048);
  const Bytes start = huge.bytes;
  const Bytes second = Writer().str("b").u32(8).u64(1 << 20).bytes;
  const std::size_t second_at = start.size() + (max_header_size - 2048);
  reads.clear();
  const HeaderParse refused = parse_file(
      [&](std::uint64_t n) {
        reads.push_back(n);
        Bytes bytes(static_cast<std::size_t>(n), 'x');
        std::copy(start.begin(), start.end(), bytes.begin());
        for (std::size_t i = 0; i < second.size() && second_at + i < n; ++i) bytes[second_at + i] = second[i];
        return bytes;
      },
      big);
  CHECK_FALSE(refused.layout.value);
  CHECK_FALSE(refused.truncated);
  CHECK_THAT(refused.layout.error, Contains("larger than 64 MiB"));
  CHECK(reads.back() == max_header_size);
}

TEST_CASE("malformed GGUF headers are refused with what is wrong", "[gguf][hostile]") {
  CHECK_THAT(error_of(Bytes{'G', 'G', 'U', 'X', 3, 0, 0, 0}), Contains("no GGUF magic"));
  CHECK_THAT(error_of(Writer().header(0, 0, 1).finish(0)), Contains("GGUF version 1"));
  CHECK_THAT(error_of(Writer().header(0, 0, 0x03000000).finish(0)), Contains("big-endian"));
  {
    Writer w;  // a count that would fill memory with tensor infos
    w.header(std::uint64_t{1} << 40, 0);
    CHECK_THAT(error_of(w.finish(64)), Contains("tensors declared"));
  }
  {
    Writer w;  // a string longer than the file
    w.header(0, 1).u64(std::uint64_t{1} << 62);
    CHECK_THAT(error_of(w.finish(64)), Contains("a key of"));
  }
  {
    Writer w;  // an array of 2^61 u64 values: the size would overflow
    w.header(0, 1).str("k").u32(9).u32(10).u64(std::uint64_t{1} << 61);
    CHECK_THAT(error_of(w.finish(64)), Contains("an array of"));
  }
  {
    Writer w;  // arrays of arrays of arrays...
    w.header(0, 1).str("k").u32(9);
    for (int i = 0; i < 10; ++i) w.u32(9).u64(1);
    CHECK_THAT(error_of(w.finish(64)), Contains("nested more than"));
  }
  {
    Writer w;
    w.header(0, 1).str("k").u32(13).u32(0);
    CHECK_THAT(error_of(w.finish(64)), Contains("unknown value type 13"));
  }
  {
    Writer w;
    w.header(0, 1).str("general.alignment").u32(4).u32(48);
    CHECK_THAT(error_of(w.finish(64)), Contains("not a power of two"));
  }
  {
    Writer w;
    w.header(1, 0).tensor("t", {1, 2, 3, 4, 5}, 0, 0);
    CHECK_THAT(error_of(w.finish(64)), Contains("5 dimensions"));
  }
  {
    Writer w;
    w.header(1, 0).tensor(std::string(65, 'n'), {1}, 0, 0);
    CHECK_THAT(error_of(w.finish(64)), Contains("a tensor name of 65 bytes"));
  }
  {
    Writer w;
    w.header(1, 0).tensor("t", {4}, 0, 16);
    CHECK_THAT(error_of(w.finish(64)), Contains("not aligned to 32"));
  }
  {
    Writer w;
    w.header(2, 0).tensor("t", {4}, 0, 0).tensor("t", {4}, 0, 32);
    CHECK_THAT(error_of(w.finish(64)), Contains("appears twice"));
  }
  {
    Writer w;
    w.header(1, 0).tensor("t", {4}, 0, 1 << 20);
    CHECK_THAT(error_of(w.finish(64)), Contains("past the end of the file"));
  }
  {
    Writer w;  // the header itself stops short of its declared key/values
    w.header(0, 3).str("a").u32(4).u32(1);
    CHECK_THAT(error_of(w.bytes), Contains("past the end of the file"));
  }
}

TEST_CASE("GGUF tensors become chunk boundaries", "[gguf][chunk_planner]") {
  // Two large tensors (2 MiB and 20 MiB) after a header: the header is its own
  // chunk, each tensor starts one, the 20 MiB tensor is cut at 16 MiB.
  constexpr std::uint64_t mib = 1 << 20;
  Writer w;
  w.header(2, 1).str("general.name").u32(8).str("test");
  w.tensor("a", {mib / 2}, 0, 0).tensor("b", {5 * mib}, 0, 2 * mib);
  const Bytes file = w.finish(22 * mib);
  const HeaderParse parsed = parse(file, file.size());
  REQUIRE(parsed.layout.value);
  const std::uint64_t header = parsed.layout.value->header_size;
  const chunking::ChunkPlanner planner(file.size(), parsed.layout.value);
  std::vector<std::uint64_t> lengths;
  for (std::uint64_t pos = 0; pos < file.size();) {
    const std::uint64_t length = planner.next_chunk(pos, std::span(file).subspan(pos));
    REQUIRE(length > 0);
    lengths.push_back(length);
    pos += length;
  }
  CHECK(lengths == std::vector<std::uint64_t>{header, 2 * mib, 16 * mib, 4 * mib});
}

}  // namespace mreg::gguf
