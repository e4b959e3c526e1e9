#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mreg/error.hpp"
#include "mreg/version.hpp"

using mreg::Bump;
using mreg::Version;

namespace {

Version v(const char* text) {
  auto version = Version::parse(text);
  REQUIRE(version);
  return *version;
}

std::string problem_of(std::string_view text) {
  try {
    Version::parse_or_throw(text, "--version");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    return e.what();
  }
  FAIL("parsed " << text);
  return {};
}

}  // namespace

TEST_CASE("versions parse into their parts", "[version]") {
  const auto version = v("1.3.0");
  CHECK(version.major == 1);
  CHECK(version.minor == 3);
  CHECK(version.patch == 0);
  CHECK(version.prerelease.empty());
  CHECK_FALSE(version.is_prerelease());
  CHECK(v("v1.3.0") == version);
  CHECK(v("0.0.0").str() == "0.0.0");
  CHECK(v("v2.0.0-rc.1").str() == "2.0.0-rc.1");
  CHECK(v("1.0.0-alpha-1.x-y").prerelease == "alpha-1.x-y");
  CHECK(v("18446744073709551615.0.0").major == 18446744073709551615ull);
  CHECK(v("1.0.0-0").is_prerelease());
}

TEST_CASE("malformed versions are refused", "[version]") {
  for (const char* text : {"", "v", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-rc..1",
                           "1.2.3-01", "1.2.3-rc.01", "1.2.3-é", "1.2.3-rc_1", "a.b.c", " 1.2.3", "1.2.3 ", "vv1.2.3",
                           "V1.2.3", "-1.2.3", "1.-2.3", "1.2.3+build", "1.2.3-rc.1+build.5",
                           "18446744073709551616.0.0", "1.2.x", "1..3"}) {
    INFO(text);
    CHECK_FALSE(Version::parse(text));
  }
}

TEST_CASE("parse_or_throw names the argument and the accepted form", "[version]") {
  CHECK(problem_of("1.2") == "--version \"1.2\": expected MAJOR.MINOR.PATCH[-PRERELEASE], e.g. 1.3.0 or v1.3.0-rc.1");
  CHECK_THAT(problem_of("1.2.3+build.5"), Catch::Contains("build metadata (\"+build.5\") is not supported"));
  CHECK_THAT(problem_of("18446744073709551616.0.0"), Catch::Contains("is larger than 18446744073709551615"));
  CHECK_THAT(problem_of("01.0.0"), Catch::Contains("leading zero"));
  CHECK_THAT(problem_of("1.0.0-rc.01"), Catch::Contains("leading zero"));
  CHECK(Version::parse_or_throw("v1.2.3", "--version") == v("1.2.3"));
}

TEST_CASE("versions order by SemVer precedence", "[version]") {
  const std::vector<const char*> ascending = {
      "0.0.1",          "0.1.0",          "0.9.0",       "0.10.0",       "1.0.0-0",        "1.0.0-1",
      "1.0.0-2",        "1.0.0-10",       "1.0.0-A",     "1.0.0-alpha",  "1.0.0-alpha.1",  "1.0.0-alpha.beta",
      "1.0.0-beta",     "1.0.0-beta.2",   "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",          "1.0.1",
      "1.1.0",          "2.0.0-rc.1",     "2.0.0",       "10.0.0",       "18446744073709551615.0.0"};
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    for (std::size_t j = 0; j < ascending.size(); ++j) {
      INFO(ascending[i] << " vs " << ascending[j]);
      CHECK((v(ascending[i]) <=> v(ascending[j])) == (i <=> j));
      CHECK((v(ascending[i]) == v(ascending[j])) == (i == j));
    }
  }
}

TEST_CASE("numeric prerelease identifiers compare numerically at any length", "[version]") {
  CHECK(v("1.0.0-99999999999999999999999") > v("1.0.0-99999999999999999999998"));
  CHECK(v("1.0.0-99999999999999999999999") > v("1.0.0-9"));
  CHECK(v("1.0.0-99999999999999999999999") < v("1.0.0-a"));
}

TEST_CASE("bumping drops the prerelease", "[version]") {
  CHECK(v("1.2.3").bumped(Bump::major) == v("2.0.0"));
  CHECK(v("1.2.3").bumped(Bump::minor) == v("1.3.0"));
  CHECK(v("1.2.3").bumped(Bump::patch) == v("1.2.4"));
  CHECK(v("2.0.0-rc.1").bumped(Bump::patch) == v("2.0.1"));
  CHECK(v("2.0.0-rc.1").bumped(Bump::major) == v("3.0.0"));
  CHECK_THROWS_AS(v("18446744073709551615.0.0").bumped(Bump::major), mreg::Error);
  CHECK(v("18446744073709551615.0.0").bumped(Bump::minor) == v("18446744073709551615.1.0"));
}

TEST_CASE("parse_bump takes major, minor or patch", "[version]") {
  CHECK(mreg::parse_bump("major") == Bump::major);
  CHECK(mreg::parse_bump("minor") == Bump::minor);
  CHECK(mreg::parse_bump("patch") == Bump::patch);
  for (const char* text : {"", "Major", "micro", "minor "}) {
    INFO(text);
    try {
      mreg::parse_bump(text);
      FAIL("accepted");
    } catch (const mreg::Error& e) {
      CHECK(e.code() == mreg::ErrorCode::usage);
      CHECK_THAT(e.what(), Catch::Contains("expected major, minor or patch"));
    }
  }
}
