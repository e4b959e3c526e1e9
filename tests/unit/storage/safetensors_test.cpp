#include "storage/safetensors.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mreg::safetensors {
namespace {

using Catch::Matchers::Contains;
using Bytes = std::vector<std::uint8_t>;

Bytes length_field(std::uint64_t n) {
  Bytes bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return bytes;
}

// A file: the length of `header`, `header`, then `data_size` bytes of data.
Bytes file_with(std::string_view header, std::size_t data_size) {
  Bytes bytes = length_field(header.size());
  bytes.insert(bytes.end(), header.begin(), header.end());
  for (std::size_t i = 0; i < data_size; ++i) bytes.push_back(static_cast<std::uint8_t>(i * 31));
  return bytes;
}

Parsed<Layout> parse_file(const Bytes& file) { return parse(file, file.size()); }

// The error parse() reports for `header` followed by `data_size` bytes;
// fails the test if the file is accepted or if anything is thrown.
std::string error_for(std::string_view header, std::size_t data_size) {
  const Bytes file = file_with(header, data_size);
  Parsed<Layout> parsed;
  REQUIRE_NOTHROW(parsed = parse_file(file));
  REQUIRE_FALSE(parsed.value);
  REQUIRE_FALSE(parsed.error.empty());
  return parsed.error;
}

TEST_CASE("a valid file parses into its layout", "[safetensors]") {
  // Written out of order and padded with spaces, as the format allows.
  const std::string header = R"({"__metadata__":{"format":"pt","note":"ünïcode"},)"
                             R"("b.bias":{"dtype":"F32","shape":[4],"data_offsets":[24,40]},)"
                             R"("a.weight":{"dtype":"BF16","shape":[3,4],"data_offsets":[0,24]},)"
                             R"("c.empty":{"dtype":"I64","shape":[0,7],"data_offsets":[40,40]},)"
                             R"("d.flag":{"shape":[],"dtype":"BOOL","data_offsets":[40,41]}}    )";
  const Bytes file = file_with(header, 41);
  const Parsed<Layout> parsed = parse_file(file);
  INFO(parsed.error);
  REQUIRE(parsed.value);
  const Layout& layout = *parsed.value;
  CHECK(layout.header_size == 8 + header.size());
  REQUIRE(layout.tensors.size() == 4);

  const std::uint64_t base = layout.header_size;
  CHECK(layout.tensors[0].name == "a.weight");
  CHECK(layout.tensors[0].dtype == "BF16");
  CHECK(layout.tensors[0].shape == std::vector<std::uint64_t>{3, 4});
  CHECK(layout.tensors[0].begin == base);
  CHECK(layout.tensors[0].end == base + 24);
  CHECK(layout.tensors[1].name == "b.bias");
  CHECK(layout.tensors[1].begin == base + 24);
  CHECK(layout.tensors[2].name == "c.empty");
  CHECK(layout.tensors[2].begin == layout.tensors[2].end);
  CHECK(layout.tensors[3].name == "d.flag");
  CHECK(layout.tensors[3].shape.empty());
  CHECK(layout.tensors[3].end == file.size());
}

TEST_CASE("a file with no tensors is valid", "[safetensors]") {
  const Parsed<Layout> parsed = parse_file(file_with("{}", 0));
  REQUIRE(parsed.value);
  CHECK(parsed.value->header_size == 10);
  CHECK(parsed.value->tensors.empty());
}

TEST_CASE("every known dtype has its size", "[safetensors]") {
  CHECK(dtype_size("BOOL") == 1);
  CHECK(dtype_size("F8_E4M3") == 1);
  CHECK(dtype_size("F8_E5M2") == 1);
  CHECK(dtype_size("BF16") == 2);
  CHECK(dtype_size("U32") == 4);
  CHECK(dtype_size("F64") == 8);
  CHECK_FALSE(dtype_size("f32"));
  CHECK_FALSE(dtype_size("F128"));
  CHECK_FALSE(dtype_size(""));
}

TEST_CASE("header_size reads the length field", "[safetensors]") {
  const Bytes file = file_with("{}", 0);
  CHECK(header_size(file, file.size()).value == 10u);

  SECTION("a file shorter than the length field") {
    const Bytes tiny{1, 2, 3};
    const auto size = header_size(tiny, tiny.size());
    CHECK_FALSE(size.value);
    CHECK_THAT(size.error, Contains("too short"));
  }
  SECTION("2 GiB of JSON declared") {
    const Bytes bytes = length_field(std::uint64_t{2} << 30);
    const auto size = header_size(bytes, std::uint64_t{3} << 30);
    CHECK_FALSE(size.value);
    CHECK_THAT(size.error, Contains("100000000"));
  }
  SECTION("a length of 2^64 - 1 does not overflow") {
    const Bytes bytes = length_field(~std::uint64_t{0});
    CHECK_FALSE(header_size(bytes, ~std::uint64_t{0}).value);
  }
  SECTION("a header that runs past the end of the file") {
    const Bytes bytes = file_with("{}", 0);
    const auto size = header_size(bytes, 9);
    CHECK_FALSE(size.value);
    CHECK_THAT(size.error, Contains("only 1 follow"));
  }
}

TEST_CASE("looks_like_safetensors is a cheap sniff", "[safetensors]") {
  const Bytes file = file_with(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1);
  CHECK(looks_like_safetensors(file, file.size()));
  CHECK_FALSE(looks_like_safetensors(std::span(file).first(8), file.size()));
  CHECK_FALSE(looks_like_safetensors(file, 9));
  CHECK_FALSE(looks_like_safetensors(file_with("[]", 0), 10));
  CHECK_FALSE(looks_like_safetensors(length_field(std::uint64_t{2} << 30), std::uint64_t{3} << 30));
  const Bytes text{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'};
  CHECK_FALSE(looks_like_safetensors(text, text.size()));
}

TEST_CASE("parse needs the whole header in first_bytes", "[safetensors]") {
  const Bytes file = file_with(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1);
  const Parsed<Layout> parsed = parse(std::span(file).first(20), file.size());
  CHECK_FALSE(parsed.value);
  CHECK_THAT(parsed.error, Contains("were read"));
}

TEST_CASE("adversarial headers are refused with a message", "[safetensors]") {
  SECTION("not JSON at all") {
    const std::string error = error_for("\x01\x02garbage\xff\xfe", 0);
    CHECK_THAT(error, Contains("not valid JSON"));
  }
  SECTION("JSON that is an array") { CHECK_THAT(error_for("[1,2,3]", 0), Contains("must be a JSON object")); }
  SECTION("JSON that is a string") { CHECK_THAT(error_for(R"("text")", 0), Contains("must be a JSON object")); }
  SECTION("100,000 nested arrays") {
    CHECK_THAT(error_for(std::string(100'000, '['), 0), Contains("must be a JSON object"));
  }
  SECTION("100,000 nested arrays inside a tensor's shape") {
    const std::string header = R"({"x":{"dtype":"U8","shape":)" + std::string(100'000, '[');
    CHECK_THAT(error_for(header, 0), Contains("\"shape\" must be an array of non-negative integers"));
  }
  SECTION("100,000 nested objects") {
    std::string header;
    for (int i = 0; i < 100'000; ++i) header += R"({"a":)";
    CHECK_THAT(error_for(header, 0), Contains("tensor \"a\""));
  }
  SECTION("trailing bytes after the object") { CHECK_THAT(error_for("{} x", 0), Contains("not valid JSON")); }
  SECTION("invalid UTF-8 in a name") { CHECK_THAT(error_for("{\"\xff\":{}}", 0), Contains("not valid JSON")); }
  SECTION("an unknown dtype") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}})", 4),
               Contains("unknown dtype \"F31\""));
  }
  SECTION("a dtype that is not a string") {
    CHECK_THAT(error_for(R"({"x":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4),
               Contains("\"dtype\" must be a string"));
  }
  SECTION("a negative extent") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}})", 0), Contains("found -1"));
  }
  SECTION("a fractional extent") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}})", 1), Contains("found 1.5"));
  }
  SECTION("an extent past 2^64") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,1]}})", 1),
               Contains("non-negative integers"));
  }
  SECTION("a shape whose byte count overflows 64 bits") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0),
               Contains("more than 2^64 bytes"));
    CHECK_THAT(error_for(R"({"x":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}})", 0),
               Contains("more than 2^64 bytes"));
  }
  SECTION("a size that does not match the shape") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", 12),
               Contains("hold 12 bytes, but shape [2, 2] of F32 needs 16"));
  }
  SECTION("offsets past the end of the file") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[100],"data_offsets":[0,100]}})", 10),
               Contains("past the end of the file"));
  }
  SECTION("offsets that end before they begin") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 4),
               Contains("end before they begin"));
  }
  SECTION("offsets that are not a pair") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", 1),
               Contains("two non-negative integers"));
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[1]}})", 1),
               Contains("two non-negative integers"));
  }
  SECTION("overlapping tensors") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                         R"("y":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}})",
                         12),
               Contains("\"x\" and \"y\" overlap"));
  }
  SECTION("an empty tensor inside another counts as overlapping it") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                         R"("y":{"dtype":"U8","shape":[0],"data_offsets":[4,4]}})",
                         8),
               Contains("overlap"));
  }
  SECTION("a hole between tensors") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                         R"("y":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
                         10),
               Contains("hole"));
  }
  SECTION("a hole at the end of the data buffer") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 5), Contains("hole"));
  }
  SECTION("__metadata__ with a non-string value") {
    CHECK_THAT(error_for(R"({"__metadata__":{"epochs":3}})", 0), Contains("values must be strings, found 3"));
    CHECK_THAT(error_for(R"({"__metadata__":{"nested":{"a":"b"}}})", 0), Contains("values must be strings"));
    CHECK_THAT(error_for(R"({"__metadata__":{"list":["a"]}})", 0), Contains("values must be strings"));
    CHECK_THAT(error_for(R"({"__metadata__":{"none":null}})", 0), Contains("found null"));
  }
  SECTION("__metadata__ that is not an object") {
    CHECK_THAT(error_for(R"({"__metadata__":"pt"})", 0), Contains("\"__metadata__\" must be an object"));
  }
  SECTION("a tensor that is not an object") {
    CHECK_THAT(error_for(R"({"x":[0,1]})", 0), Contains("tensor \"x\" must be an object"));
  }
  SECTION("a tensor without data_offsets") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1]}})", 1), Contains("has no \"data_offsets\""));
  }
  SECTION("a tensor with an unknown key") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"strides":[1]}})", 1),
               Contains("unknown key \"strides\""));
  }
  SECTION("a key given twice in a tensor") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}})", 1),
               Contains("\"dtype\" appears twice"));
  }
  SECTION("a tensor name given twice") {
    CHECK_THAT(error_for(R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                         R"("x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                         2),
               Contains("tensor \"x\" appears twice"));
  }
}

TEST_CASE("mangled headers never throw", "[safetensors]") {
  const std::string header = R"({"__metadata__":{"k":"v"},)"
                             R"("a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},)"
                             R"("b":{"dtype":"U8","shape":[4],"data_offsets":[12,16]}})";
  const Bytes original = file_with(header, 16);
  REQUIRE(parse_file(original).value);
  std::uint64_t state = 12345;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < 3000; ++round) {
    Bytes file = original;
    for (int flips = 1 + static_cast<int>(next() % 3); flips > 0; --flips) {
      file[next() % file.size()] = static_cast<std::uint8_t>(next());
    }
    const std::size_t size = round % 4 == 0 ? next() % (file.size() + 1) : file.size();
    Parsed<Layout> parsed;
    REQUIRE_NOTHROW(parsed = parse(std::span(file).first(size), size));
    CHECK(parsed.value.has_value() == parsed.error.empty());
  }
}

}  // namespace
}  // namespace mreg::safetensors
