#include "storage/chunk_planner.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mreg/digest.hpp"
#include "mreg/error.hpp"
#include "storage/chunker.hpp"
#include "storage/safetensors.hpp"

namespace mreg::chunking {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint64_t k_kib = 1 << 10;
constexpr std::uint64_t k_mib = 1 << 20;

Bytes noise(std::size_t size, std::uint64_t seed) {
  Bytes bytes(size);
  std::uint64_t state = 0x9e3779b97f4a7c15 * (seed + 1);
  for (std::size_t i = 0; i < size; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(&bytes[i], &state, std::min<std::size_t>(8, size - i));
  }
  return bytes;
}

// Plans the whole file, showing the planner exactly bytes_needed() bytes at
// each step, and checks the invariants every plan must keep.
std::vector<std::uint64_t> plan(const ChunkPlanner& planner, std::span<const std::uint8_t> file) {
  std::vector<std::uint64_t> lengths;
  for (std::uint64_t pos = 0; pos < file.size();) {
    const std::uint64_t needed = planner.bytes_needed(pos);
    REQUIRE(needed <= file.size() - pos);
    const std::uint64_t length = planner.next_chunk(pos, file.subspan(pos, needed));
    REQUIRE(length > 0);
    REQUIRE(length <= max_size);
    REQUIRE(length <= file.size() - pos);
    lengths.push_back(length);
    pos += length;
  }
  CHECK(planner.next_chunk(file.size(), {}) == 0);
  return lengths;
}

std::vector<std::uint64_t> plan_plain(std::span<const std::uint8_t> file) {
  return plan(ChunkPlanner(file.size(), std::nullopt), file);
}

std::vector<std::uint64_t> cut_offsets(const std::vector<std::uint64_t>& lengths) {
  std::vector<std::uint64_t> cuts{0};
  for (const std::uint64_t length : lengths) cuts.push_back(cuts.back() + length);
  return cuts;
}

std::multiset<Digest> chunk_digests(std::span<const std::uint8_t> file, const std::vector<std::uint64_t>& lengths) {
  std::multiset<Digest> digests;
  std::uint64_t pos = 0;
  for (const std::uint64_t length : lengths) {
    digests.insert(digest_of(file.data() + pos, length));
    pos += length;
  }
  return digests;
}

std::size_t shared(const std::multiset<Digest>& a, const std::multiset<Digest>& b) {
  std::vector<Digest> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  return common.size();
}

struct TensorSpec {
  std::string name;
  std::uint64_t size;
};

// A safetensors file of U8 tensors in the given order. Each tensor's bytes
// depend only on its name, except `changed`, which gets other bytes.
Bytes safetensors_file(const std::vector<TensorSpec>& specs, const std::string& note = "base",
                       const std::string& changed = "") {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"note", note}};
  std::uint64_t offset = 0;
  for (const TensorSpec& spec : specs) {
    header[spec.name] = {{"dtype", "U8"}, {"shape", {spec.size}}, {"data_offsets", {offset, offset + spec.size}}};
    offset += spec.size;
  }
  const std::string text = header.dump();
  Bytes file;
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<std::uint8_t>(text.size() >> (8 * i)));
  file.insert(file.end(), text.begin(), text.end());
  for (const TensorSpec& spec : specs) {
    const std::uint64_t seed = std::hash<std::string>{}(spec.name) + (spec.name == changed ? 1 : 0);
    const Bytes data = noise(spec.size, seed);
    file.insert(file.end(), data.begin(), data.end());
  }
  return file;
}

safetensors::Layout layout_of(const Bytes& file) {
  const safetensors::Parsed<safetensors::Layout> parsed = safetensors::parse(file, file.size());
  INFO(parsed.error);
  REQUIRE(parsed.value);
  return *parsed.value;
}

// A model-like mix: a large embedding, runs of tiny tensors (norms, biases),
// tensors at exactly min_size and max_size, one just past max_size, an
// empty one, and a tiny one last.
std::vector<TensorSpec> model_specs() {
  std::vector<TensorSpec> specs{{"embed", 40 * k_mib}, {"norm.0", 64 * k_kib}};
  for (int i = 0; i < 20; ++i) specs.push_back({"bias." + std::to_string(i), 300 * k_kib});
  specs.push_back({"empty", 0});
  specs.push_back({"proj.min", min_size});
  specs.push_back({"almost.min", min_size - 1});
  specs.push_back({"w1", max_size});
  specs.push_back({"w2", max_size + 1});
  specs.push_back({"tail", 10});
  return specs;
}

TEST_CASE("plain chunking is deterministic and bounded", "[chunk_planner]") {
  const Bytes file = noise(100 * k_mib + 12345, 1);
  const std::vector<std::uint64_t> lengths = plan_plain(file);
  CHECK(plan_plain(file) == lengths);
  REQUIRE(lengths.size() > 1);
  for (std::size_t i = 0; i + 1 < lengths.size(); ++i) {
    CHECK(lengths[i] >= min_size);
    CHECK(lengths[i] <= max_size);
  }
  CHECK(cut_offsets(lengths).back() == file.size());
}

TEST_CASE("plain chunking asks for min(max_size, rest) bytes", "[chunk_planner]") {
  const ChunkPlanner planner(40 * k_mib, std::nullopt);
  CHECK(planner.bytes_needed(0) == max_size);
  CHECK(planner.bytes_needed(30 * k_mib) == 10 * k_mib);
  CHECK(planner.bytes_needed(40 * k_mib) == 0);
}

TEST_CASE("small and boundary-sized files", "[chunk_planner]") {
  CHECK(plan_plain({}).empty());
  CHECK(plan_plain(noise(1, 2)) == std::vector<std::uint64_t>{1});
  CHECK(plan_plain(noise(min_size, 2)) == std::vector<std::uint64_t>{min_size});
  for (const std::uint64_t size : {min_size + 1, max_size - 1, max_size, max_size + 1}) {
    INFO(size << " bytes");
    const std::vector<std::uint64_t> lengths = plan_plain(noise(size, size));
    CHECK(cut_offsets(lengths).back() == size);
    for (std::size_t i = 0; i + 1 < lengths.size(); ++i) CHECK(lengths[i] > min_size);
  }
  // Zeros never satisfy a mask, so the only cuts are forced ones.
  CHECK(plan_plain(Bytes(max_size + 1, 0)) == std::vector<std::uint64_t>{max_size, 1});
  CHECK(plan_plain(Bytes(max_size - 1, 0)) == std::vector<std::uint64_t>{max_size - 1});
}

TEST_CASE("an edit near the start of a large file disturbs only nearby chunks", "[chunk_planner]") {
  const Bytes original = noise(200 * k_mib, 42);
  const std::multiset<Digest> before = chunk_digests(original, plan_plain(original));
  REQUIRE(before.size() > 20);

  SECTION("a few bytes inserted") {
    Bytes edited = original;
    const Bytes inserted{1, 2, 3, 4, 5, 6, 7};
    edited.insert(edited.begin() + 1000, inserted.begin(), inserted.end());
    const std::multiset<Digest> after = chunk_digests(edited, plan_plain(edited));
    CHECK(shared(before, after) * 10 >= before.size() * 9);
    CHECK(shared(before, after) + 2 >= before.size());
  }
  SECTION("a few bytes deleted") {
    Bytes edited = original;
    edited.erase(edited.begin() + 3 * k_mib, edited.begin() + 3 * k_mib + 5);
    const std::multiset<Digest> after = chunk_digests(edited, plan_plain(edited));
    CHECK(shared(before, after) * 10 >= before.size() * 9);
    CHECK(shared(before, after) + 2 >= before.size());
  }
}

TEST_CASE("a safetensors file is cut at its header and tensor boundaries", "[chunk_planner]") {
  const Bytes file = safetensors_file(model_specs());
  const safetensors::Layout layout = layout_of(file);
  const ChunkPlanner planner(file.size(), layout);
  const std::vector<std::uint64_t> lengths = plan(planner, file);
  const std::vector<std::uint64_t> cuts = cut_offsets(lengths);
  const std::set<std::uint64_t> cut_set(cuts.begin(), cuts.end());

  SECTION("the layout alone decides every cut") {
    for (const std::uint64_t cut : cuts) CHECK(planner.bytes_needed(cut) == 0);
    CHECK(plan(planner, file) == lengths);
  }
  SECTION("the header is a chunk of its own") { CHECK(lengths.front() == layout.header_size); }
  SECTION("tensors of min_size or more start a chunk and are cut every max_size") {
    for (const safetensors::Tensor& tensor : layout.tensors) {
      if (tensor.end - tensor.begin < min_size) continue;
      INFO(tensor.name);
      for (std::uint64_t cut = tensor.begin; cut < tensor.end; cut += max_size) CHECK(cut_set.count(cut) == 1);
      CHECK(cut_set.count(tensor.end) == 1);
      const auto inside = std::count_if(cuts.begin(), cuts.end(),
                                        [&](std::uint64_t cut) { return cut > tensor.begin && cut < tensor.end; });
      CHECK(static_cast<std::uint64_t>(inside) == (tensor.end - tensor.begin - 1) / max_size);
    }
  }
  SECTION("tiny tensors are grouped greedily up to normal_size") {
    std::size_t grouped_chunks = 0;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      const std::uint64_t begin = cuts[i];
      const std::uint64_t end = cuts[i + 1];
      const auto first = std::find_if(layout.tensors.begin(), layout.tensors.end(), [&](const auto& tensor) {
        return tensor.begin == begin && tensor.end > tensor.begin;
      });
      if (first == layout.tensors.end() || first->end - first->begin >= min_size) continue;
      INFO("chunk at " << begin << " starting with " << first->name);
      ++grouped_chunks;
      CHECK(end - begin <= normal_size);
      // It ends at a tensor's end, and the tensor after it could not join:
      // it is not tiny, or the group would outgrow normal_size.
      const auto next = std::find_if(layout.tensors.begin(), layout.tensors.end(), [&](const auto& tensor) {
        return tensor.begin == end && tensor.end > tensor.begin;
      });
      if (next != layout.tensors.end()) {
        CHECK((next->end - next->begin >= min_size || next->end - begin > normal_size));
      } else {
        CHECK(end == file.size());
      }
    }
    // 64 KiB + 20 × 300 KiB of tiny tensors fill one full group and part of
    // another; "almost.min" and "tail" stand alone.
    CHECK(grouped_chunks == 4);
  }
}

TEST_CASE("a fine-tune that rewrites one tensor stores only its chunks", "[chunk_planner]") {
  const Bytes base = safetensors_file(model_specs());
  const Bytes tuned = safetensors_file(model_specs(), "base", "w2");
  const std::multiset<Digest> before = chunk_digests(base, plan(ChunkPlanner(base.size(), layout_of(base)), base));
  const std::multiset<Digest> after = chunk_digests(tuned, plan(ChunkPlanner(tuned.size(), layout_of(tuned)), tuned));
  // w2 is max_size + 1 bytes: two chunks, both new.
  CHECK(shared(before, after) == before.size() - 2);
}

TEST_CASE("a metadata edit changes only the header chunk", "[chunk_planner]") {
  const Bytes base = safetensors_file(model_specs());
  const Bytes edited = safetensors_file(model_specs(), "a longer note, which moves every tensor in the file");
  const std::multiset<Digest> before = chunk_digests(base, plan(ChunkPlanner(base.size(), layout_of(base)), base));
  const std::multiset<Digest> after =
      chunk_digests(edited, plan(ChunkPlanner(edited.size(), layout_of(edited)), edited));
  CHECK(shared(before, after) == before.size() - 1);
}

TEST_CASE("a header larger than max_size is split at max_size", "[chunk_planner]") {
  const Bytes file = safetensors_file({{"w", 2 * k_mib}}, std::string(max_size + 1000, 'x'));
  const safetensors::Layout layout = layout_of(file);
  REQUIRE(layout.header_size > max_size);
  const std::vector<std::uint64_t> lengths = plan(ChunkPlanner(file.size(), layout), file);
  CHECK(lengths == std::vector<std::uint64_t>{max_size, layout.header_size - max_size, 2 * k_mib});
}

TEST_CASE("bytes no tensor covers are chunked by content, cut at the next tensor", "[chunk_planner]") {
  // Not something parse() returns; the planner must still cover the file.
  const std::uint64_t file_size = 60 * k_mib;
  const Bytes file = noise(file_size, 3);
  safetensors::Layout layout;
  layout.header_size = 100;
  layout.tensors.push_back({"a", "U8", {}, 20 * k_mib, 30 * k_mib});
  layout.tensors.push_back({"overlapping", "U8", {}, 25 * k_mib, 35 * k_mib});
  layout.tensors.push_back({"outside", "U8", {}, 50 * k_mib, 70 * k_mib});
  const ChunkPlanner planner(file_size, layout);

  CHECK(planner.bytes_needed(100) == max_size);
  CHECK(planner.bytes_needed(20 * k_mib - 10) == 10);
  CHECK(planner.bytes_needed(20 * k_mib) == 0);
  CHECK(planner.bytes_needed(30 * k_mib) == max_size);
  const std::vector<std::uint64_t> cuts = cut_offsets(plan(planner, file));
  CHECK(cuts.back() == file_size);
  CHECK(std::count(cuts.begin(), cuts.end(), 100) == 1);
  CHECK(std::count(cuts.begin(), cuts.end(), 20 * k_mib) == 1);
  CHECK(std::count(cuts.begin(), cuts.end(), 30 * k_mib) == 1);
}

TEST_CASE("next_chunk refuses a view shorter than it needs", "[chunk_planner]") {
  const Bytes file = noise(20 * k_mib, 4);
  const ChunkPlanner planner(file.size(), std::nullopt);
  CHECK_THROWS_AS(planner.next_chunk(0, std::span(file).first(min_size)), Error);
}

}  // namespace
}  // namespace mreg::chunking
