#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "core/yaml_emit.hpp"
#include "core/yaml_util.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

using nlohmann::ordered_json;

TEST_CASE("plain scalars resolve by the YAML 1.2 core schema", "[yaml]") {
  using mreg::yaml_scalar_to_json;
  CHECK(yaml_scalar_to_json("8") == 8);
  CHECK(yaml_scalar_to_json("+8") == 8);
  CHECK(yaml_scalar_to_json("-8") == -8);
  CHECK(yaml_scalar_to_json("007") == 7);
  CHECK(yaml_scalar_to_json("0o17") == 15);
  CHECK(yaml_scalar_to_json("0xff") == 255);
  CHECK(yaml_scalar_to_json("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
  CHECK(yaml_scalar_to_json("18446744073709551615").is_number_unsigned());
  CHECK(yaml_scalar_to_json("0.05") == 0.05);
  CHECK(yaml_scalar_to_json("1.") == 1.0);
  CHECK(yaml_scalar_to_json(".5") == 0.5);
  CHECK(yaml_scalar_to_json("1e3").is_number_float());
  CHECK(yaml_scalar_to_json("-1.5E-3") == -0.0015);
  CHECK(yaml_scalar_to_json(".inf") == std::numeric_limits<double>::infinity());
  CHECK(yaml_scalar_to_json("-.Inf") == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(yaml_scalar_to_json(".NaN").get<double>()));
  CHECK(yaml_scalar_to_json("true") == true);
  CHECK(yaml_scalar_to_json("FALSE") == false);
  for (const char* null_text : {"", "~", "null", "Null", "NULL"}) CHECK(yaml_scalar_to_json(null_text).is_null());
  for (const char* text : {"yes", "no", "on", "1_000", "1:20", "0b101", "0x", "1e", "e5", ".", "-", "+.5e", "nan",
                           "inf", "tRue", "1.2.3", "0x1g", "hello world"}) {
    INFO(text);
    CHECK(yaml_scalar_to_json(text) == text);
  }
  // Out of range: kept as text rather than rounded.
  CHECK(yaml_scalar_to_json("99999999999999999999") == "99999999999999999999");
  CHECK(yaml_scalar_to_json("-9223372036854775809") == "-9223372036854775809");
  CHECK(yaml_scalar_to_json("1e999") == "1e999");
  CHECK_FALSE(mreg::yaml_plain_is_string("1e999"));
  CHECK_FALSE(mreg::yaml_plain_is_string("0o777777777777777777777777"));
  CHECK(mreg::yaml_plain_is_string("0o8"));
}

TEST_CASE("a YAML or JSON file loads as a JSON value", "[yaml]") {
  mreg::test::TempDir dir;
  mreg::test::write_file(dir / "m.yaml", "auc: 0.9\nname: x\nlist: [1, '2']\n");
  CHECK(mreg::load_yaml_file_as_json(dir / "m.yaml").dump() == R"({"auc":0.9,"name":"x","list":[1,"2"]})");
  mreg::test::write_file(dir / "m.json", R"({"a": {"b": [true, null, 1.5]}})");
  CHECK(mreg::load_yaml_file_as_json(dir / "m.json").dump() == R"({"a":{"b":[true,null,1.5]}})");
  mreg::test::write_file(dir / "empty.yaml", "");
  CHECK(mreg::load_yaml_file_as_json(dir / "empty.yaml").is_null());

  mreg::test::write_file(dir / "bad.yaml", "a: [1,\n");
  try {
    mreg::load_yaml_file_as_json(dir / "bad.yaml");
    FAIL("no exception");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    CHECK_THAT(e.what(), Catch::StartsWith((dir / "bad.yaml").string() + ":"));
  }
  try {
    mreg::load_yaml_file_as_json(dir / "missing.yaml");
    FAIL("no exception");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::not_found);
  }
  mreg::test::write_file(dir / "big.yaml", std::string((1 << 20) + 1, '#'));
  CHECK_THROWS_AS(mreg::load_yaml_file_as_json(dir / "big.yaml"), mreg::Error);
}

TEST_CASE("emitted scalars are plain only when they read back the same", "[yaml]") {
  using mreg::yaml_string;
  for (const char* plain : {"fraud-detector", "s3://data/x.parquet", "xxh128:0123", "risk-ml@example.com",
                            "hello world", "2f1c", "3d-unet", "a_b.c/d", "hf:org/name", "n", "y"}) {
    INFO(plain);
    CHECK(yaml_string(plain) == plain);
  }
  for (const char* quoted : {"", "1.0", "8", "true", "False", "null", "~", "yes", "OFF", "0x1F", "1:20", "1_000",
                             "2024-01-01", "2024-01-01T00:00:00Z", "1.3.0", ".inf", "-a", "a: b", "a:", "a #b", " a",
                             "a ", "a?b", "[a]", "a,b", "0o777777777777777777777777", "é", "@a", "*a", "&a", "!a", "%a", "|a", ">a", "'a", "\"a"}) {
    INFO(quoted);
    CHECK(yaml_string(quoted).front() == '"');
  }
  CHECK(yaml_string("a\"b\\c\nd\te\x01") == "\"a\\\"b\\\\c\\nd\\te\\x01\"");
  CHECK(mreg::yaml_double(1.0) == "1.0");
  CHECK(mreg::yaml_double(-0.0) == "-0.0");
  CHECK(mreg::yaml_double(0.1) == "0.1");
  CHECK(mreg::yaml_double(1e300) == "1e+300");
  CHECK(mreg::yaml_double(-std::numeric_limits<double>::infinity()) == "-.inf");
  CHECK(mreg::yaml_double(std::numeric_limits<double>::quiet_NaN()) == ".nan");
}
