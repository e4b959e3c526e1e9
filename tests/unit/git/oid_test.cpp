#include <catch2/catch.hpp>

#include "git/repository.hpp"

using mreg::git::Oid;

TEST_CASE("Oid round-trips through 40 hex digits, printed in lowercase", "[git][oid]") {
  const auto oid = Oid::from_hex("4B825DC642CB6EB9A060E54BF8D69288FBEE4904");
  REQUIRE(oid);
  CHECK(oid->bytes[0] == 0x4b);
  CHECK(oid->bytes[19] == 0x04);
  CHECK(oid->hex() == "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  CHECK(Oid::from_hex(oid->hex()) == oid);
}

TEST_CASE("Oid::from_hex refuses anything but exactly 40 hex digits", "[git][oid]") {
  CHECK_FALSE(Oid::from_hex(""));
  CHECK_FALSE(Oid::from_hex("4b825dc642cb6eb9a060e54bf8d69288fbee490"));
  CHECK_FALSE(Oid::from_hex("4b825dc642cb6eb9a060e54bf8d69288fbee49041"));
  CHECK_FALSE(Oid::from_hex("4b825dc642cb6eb9a060e54bf8d69288fbee490g"));
  CHECK_FALSE(Oid::from_hex(" b825dc642cb6eb9a060e54bf8d69288fbee4904"));
}

TEST_CASE("Oids order by their bytes", "[git][oid]") {
  const auto low = Oid::from_hex("0000000000000000000000000000000000000001");
  const auto high = Oid::from_hex("1000000000000000000000000000000000000000");
  REQUIRE(low);
  REQUIRE(high);
  CHECK(*low < *high);
  CHECK(Oid{} < *low);
}
