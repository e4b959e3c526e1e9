#include "util/sha256.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

#include "temp_dir.hpp"

namespace mreg {
namespace {

// What `sha256sum <path>` prints before the file name.
std::string sha256sum_of(const std::filesystem::path& path) {
  const std::string command = "sha256sum '" + path.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe);
  std::array<char, 256> line{};
  REQUIRE(std::fgets(line.data(), line.size(), pipe.get()));
  return std::string(line.data(), std::min<std::size_t>(64, std::char_traits<char>::length(line.data())));
}

}  // namespace

TEST_CASE("sha256_hex gives the NIST FIPS 180-2 example digests", "[sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("Sha256 fed one million 'a' in odd-sized pieces gives the NIST digest", "[sha256]") {
  const std::string input(1'000'000, 'a');
  Sha256 hasher;
  // Sizes that straddle SHA-256's 64-byte blocks in every way.
  const std::array<std::size_t, 6> pieces = {1, 63, 65, 7, 4099, 100'003};
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < input.size(); ++i) {
    const std::size_t size = std::min(pieces[i % pieces.size()], input.size() - offset);
    hasher.update(input.data() + offset, size);
    offset += size;
  }
  CHECK(hasher.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256 agrees with sha256sum on a random file", "[sha256]") {
  test::TempDir dir;
  const auto seed = std::random_device{}();
  INFO("random seed " << seed);
  std::mt19937_64 random(seed);
  std::string content(3 * 1024 * 1024 + 17, '\0');
  for (char& byte : content) byte = static_cast<char>(random() & 0xff);
  const auto path = dir / "random.bin";
  test::write_file(path, content);

  Sha256 hasher;
  for (std::size_t offset = 0; offset < content.size(); offset += 1 << 18) {
    hasher.update(content.data() + offset, std::min<std::size_t>(1 << 18, content.size() - offset));
  }
  const std::string expected = sha256sum_of(path);
  CHECK(is_sha256_hex(expected));
  CHECK(hasher.hex() == expected);
}

TEST_CASE("Sha256 is finished by hex()", "[sha256]") {
  Sha256 hasher;
  hasher.update("abc", 3);
  const std::string digest = hasher.hex();
  CHECK(hasher.hex() == digest);
  CHECK_THROWS_AS(hasher.update("d", 1), std::logic_error);
  CHECK(hasher.hex() == digest);
}

TEST_CASE("Sha256 moves its state and the moved-from hasher refuses to be used", "[sha256]") {
  Sha256 first;
  first.update("ab", 2);
  Sha256 second(std::move(first));
  second.update("c", 1);
  CHECK_THROWS_AS(first.update("c", 1), std::logic_error);
  CHECK_THROWS_AS(first.hex(), std::logic_error);

  Sha256 third;
  third = std::move(second);
  CHECK(third.hex() == sha256_hex("abc"));
}

TEST_CASE("is_sha256_hex accepts exactly 64 lowercase hex digits", "[sha256]") {
  const std::string valid = sha256_hex("abc");
  CHECK(is_sha256_hex(valid));
  CHECK(is_sha256_hex(std::string(64, '0')));
  CHECK_FALSE(is_sha256_hex(""));
  CHECK_FALSE(is_sha256_hex(valid.substr(1)));
  CHECK_FALSE(is_sha256_hex(valid + "0"));
  std::string upper = valid;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return c == 'a' ? 'A' : c; });
  CHECK_FALSE(is_sha256_hex(upper));
  std::string non_hex = valid;
  non_hex[10] = 'g';
  CHECK_FALSE(is_sha256_hex(non_hex));
  CHECK_FALSE(is_sha256_hex("sha256:" + valid.substr(7)));
}

}  // namespace mreg
