#include "mreg/digest.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace mreg {
namespace {

// Byte i is (31 * i + 7) mod 256: the inputs the vectors below were made from.
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + 7) & 0xff);
  return bytes;
}

struct Vector {
  std::size_t size;
  const char* hex;
};

// Printed by `xxhsum -H2` (xxhash 0.8.1) for the same inputs. The sizes cover
// each of XXH3's code paths: empty, 1-3, 4-8, 9-16, 17-128, 129-240, longer,
// and more than one internal block.
const std::vector<Vector> k_pattern_vectors = {
    {0, "99aa06d3014798d86001c324468d497f"},       {1, "495b62073ef70ca44c5cca45d0f4811f"},
    {3, "46f66cb93538156515f7093b173d005c"},       {4, "7fefeeffb4d0eab3b987ca5d9241572a"},
    {8, "803c675a846cc6c256bb836ceb6d4baa"},       {9, "d46556872d230f224376673580310154"},
    {16, "650fe308c566747df853dd94614dfa07"},      {17, "18217300b5132d5a78c349fe81b2f26c"},
    {128, "b4f87b99d2db8a511e04fad9f0cacb4d"},     {129, "6881633650cd8924c51bc887976aef63"},
    {240, "de57aab31e77a2ff93e173833f75ab66"},     {241, "92b991a7192f3f080b3b630948ce4a00"},
    {1000, "f534f51e82a81d29989765d0ea7a5ecd"},    {1024, "4c17271c906df79223bc880ebf0d29c6"},
    {4096, "49d3842b33d51e8aa3c19f8174cde0bb"},    {100000, "8ce7a24d31cd94b1ccf90df7e7e37036"},
    {1048576, "e3503d8de40743b7269eb834f6c110a9"}, {3000001, "838de7196407806365f3fbe5210a58d8"},
};

}  // namespace

TEST_CASE("digest_of matches xxhsum -H2 (canonical big-endian XXH3-128)", "[digest]") {
  CHECK(digest_of("").hex() == "99aa06d3014798d86001c324468d497f");
  CHECK(digest_of("abc").hex() == "06b05ab6733a618578af5f94892f3950");
  CHECK(digest_of("The quick brown fox jumps over the lazy dog").hex() == "ddd650205ca3e7fa24a1cc2e3a8a7651");
  for (const auto& vector : k_pattern_vectors) {
    INFO("input of " << vector.size << " bytes");
    CHECK(digest_of(pattern(vector.size)).hex() == vector.hex);
  }
}

TEST_CASE("Hasher fed in pieces gives the one-shot digest", "[digest]") {
  const std::string input = pattern(3000001);
  for (const std::size_t piece : {std::size_t{1} << 0, std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
    INFO("pieces of " << piece << " bytes");
    Hasher hasher;
    for (std::size_t offset = 0; offset < input.size(); offset += piece) {
      hasher.update(input.data() + offset, std::min(piece, input.size() - offset));
    }
    CHECK(hasher.digest().hex() == "838de7196407806365f3fbe5210a58d8");
  }
}

TEST_CASE("Hasher keeps going after digest() and starts over after reset()", "[digest]") {
  Hasher hasher;
  CHECK(hasher.digest() == digest_of(""));
  hasher.update("ab", 2);
  CHECK(hasher.digest() == digest_of("ab"));
  hasher.update("c", 1);
  CHECK(hasher.digest() == digest_of("abc"));
  hasher.reset();
  hasher.update("abc", 3);
  CHECK(hasher.digest() == digest_of("abc"));

  Hasher moved = std::move(hasher);
  moved.update("d", 1);
  CHECK(moved.digest() == digest_of("abcd"));
}

TEST_CASE("Digest id is xxh128: and 32 lowercase hex digits, and parses back", "[digest]") {
  const Digest digest = digest_of("abc");
  CHECK(digest.id() == "xxh128:06b05ab6733a618578af5f94892f3950");
  CHECK(Digest::from_hex(digest.hex()) == digest);
  CHECK(Digest::from_id(digest.id()) == digest);
  CHECK(Digest::from_hex("00000000000000000000000000000000") == Digest{});
  CHECK(Digest::from_hex("ffffffffffffffffffffffffffffffff")->bytes[15] == 0xff);
}

TEST_CASE("Digest parsing accepts only the one canonical spelling", "[digest]") {
  const std::string hex = "06b05ab6733a618578af5f94892f3950";
  CHECK_FALSE(Digest::from_hex(""));
  CHECK_FALSE(Digest::from_hex(hex.substr(1)));                  // 31 digits
  CHECK_FALSE(Digest::from_hex(hex + "0"));                      // 33 digits
  CHECK_FALSE(Digest::from_hex("06B05AB6733A618578AF5F94892F3950"));  // upper case
  CHECK_FALSE(Digest::from_hex("06b05ab6733a618578af5f94892f395g"));  // not hex
  CHECK_FALSE(Digest::from_hex(" 6b05ab6733a618578af5f94892f3950"));
  CHECK_FALSE(Digest::from_hex("xxh128:" + hex));

  CHECK_FALSE(Digest::from_id(hex));
  CHECK_FALSE(Digest::from_id("XXH128:" + hex));
  CHECK_FALSE(Digest::from_id("xxh64:" + hex));
  CHECK_FALSE(Digest::from_id("sha256:" + hex));
  CHECK_FALSE(Digest::from_id("xxh128:06B05AB6733A618578AF5F94892F3950"));
  CHECK_FALSE(Digest::from_id("xxh128:" + hex.substr(2)));
  CHECK_FALSE(Digest::from_id("xxh128: " + hex));
  CHECK_FALSE(Digest::from_id("xxh128:" + hex + "\n"));
}

TEST_CASE("Digests order by their bytes, as their hex does", "[digest]") {
  const Digest low = *Digest::from_hex("00ffffffffffffffffffffffffffffff");
  const Digest high = *Digest::from_hex("0100000000000000000000000000000f");
  CHECK(low < high);
  CHECK(low.hex() < high.hex());
  CHECK(low != high);
}

}  // namespace mreg
