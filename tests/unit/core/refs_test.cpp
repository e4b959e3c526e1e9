#include <catch2/catch.hpp>

#include <string>

#include "mreg/error.hpp"
#include "mreg/refs.hpp"

using mreg::ModelRef;
using mreg::Version;

namespace {

std::string problem_of(std::string_view text) {
  try {
    ModelRef::parse(text);
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    return e.what();
  }
  FAIL("parsed " << text);
  return {};
}

}  // namespace

TEST_CASE("model references in every accepted form", "[refs]") {
  auto ref = ModelRef::parse("fraud");
  CHECK(ref.name == "fraud");
  CHECK(ref.kind == ModelRef::Kind::latest);
  CHECK(ref.str() == "fraud");

  ref = ModelRef::parse("vision/resnet@latest");
  CHECK(ref.name == "vision/resnet");
  CHECK(ref.kind == ModelRef::Kind::latest);
  CHECK(ref.str() == "vision/resnet");

  ref = ModelRef::parse("fraud@1.2.0");
  CHECK(ref.kind == ModelRef::Kind::version);
  CHECK(ref.version == Version::parse("1.2.0"));
  CHECK(ref.str() == "fraud@1.2.0");

  ref = ModelRef::parse("fraud@v1.2.0-rc.1");
  CHECK(ref.kind == ModelRef::Kind::version);
  CHECK(ref.str() == "fraud@1.2.0-rc.1");

  ref = ModelRef::parse("fraud#production");
  CHECK(ref.kind == ModelRef::Kind::stage);
  CHECK(ref.stage == "production");
  CHECK(ref.str() == "fraud#production");
}

TEST_CASE("bad model references name the argument and list the forms", "[refs]") {
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"", "it is empty"},
      {"Fraud", "segment \"Fraud\""},
      {"@latest", "invalid model name \"\""},
      {"fraud@", "version \"\""},
      {"fraud@1.2", "version \"1.2\": expected MAJOR.MINOR.PATCH"},
      {"fraud@1.2.0+b", "build metadata"},
      {"fraud@LATEST", "version \"LATEST\""},
      {"fraud@1.0.0#prod", "version \"1.0.0#prod\""},
      {"fraud#", "invalid stage name \"\""},
      {"fraud#Prod", "segment \"Prod\""},
      {"fraud#a/b", "without '/'"},
      {"fraud#prod@1.0.0", "invalid stage name \"prod@1.0.0\""},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto message = problem_of(c.text);
    CHECK_THAT(message, Catch::StartsWith("model reference \"" + c.text + "\""));
    CHECK_THAT(message, Catch::Contains(c.expected));
    CHECK_THAT(message, Catch::EndsWith("accepted forms: NAME, NAME@latest, NAME@1.3.0, NAME@v1.3.0, NAME#STAGE"));
  }
}

TEST_CASE("stage names are one name segment", "[refs]") {
  CHECK_FALSE(mreg::stage_name_problem("production"));
  CHECK_FALSE(mreg::stage_name_problem("pre-prod.eu_1"));
  CHECK(mreg::stage_name_problem(""));
  CHECK(mreg::stage_name_problem("a/b"));
  CHECK(mreg::stage_name_problem("Prod"));
  CHECK(mreg::stage_name_problem("x.lock"));
  CHECK(mreg::stage_name_problem("a..b"));
}

TEST_CASE("tag and branch names are built in one place", "[refs]") {
  const auto version = *Version::parse("1.3.0-rc.1");
  CHECK(mreg::version_tag_name("vision/resnet", version) == "vision/resnet@v1.3.0-rc.1");
  CHECK(mreg::deprecation_tag_name("fraud", version) == "fraud@v1.3.0-rc.1!");
  CHECK(mreg::tag_ref("fraud@v1.0.0") == "refs/tags/fraud@v1.0.0");
  CHECK(mreg::stage_branch_name("stage/", "production") == "stage/production");
  CHECK(mreg::branch_ref("stage/production") == "refs/heads/stage/production");
}

TEST_CASE("tag names parse back, and foreign tags are not mreg's", "[refs]") {
  auto tag = mreg::parse_tag_name("vision/resnet@v1.3.0");
  REQUIRE(tag);
  CHECK(tag->model == "vision/resnet");
  CHECK(tag->version == *Version::parse("1.3.0"));
  CHECK_FALSE(tag->deprecation);

  tag = mreg::parse_tag_name("fraud@v2.0.0-rc.1!");
  REQUIRE(tag);
  CHECK(tag->model == "fraud");
  CHECK(tag->version.str() == "2.0.0-rc.1");
  CHECK(tag->deprecation);

  for (const char* foreign : {"v1.0", "v1.0.0", "foo@1.0.0", "foo@vv1.0.0", "foo@v1.0", "Foo@v1.0.0", "@v1.0.0",
                              "foo@v1.0.0!!", "foo@v1.0.0+b", "foo@v", "foo@", "", "!", "foo@v1.0.0-", "a@b@v1.0.0",
                              "foo@v01.0.0", "release-2024"}) {
    INFO(foreign);
    CHECK_NOTHROW(mreg::parse_tag_name(foreign));
    CHECK_FALSE(mreg::parse_tag_name(foreign));
  }
}

TEST_CASE("built tag names parse back to what built them", "[refs]") {
  for (const char* text : {"0.0.1", "1.2.3", "1.0.0-alpha.beta", "10.20.30-rc.1"}) {
    const auto version = *Version::parse(text);
    const auto tag = mreg::parse_tag_name(mreg::version_tag_name("team/model", version));
    REQUIRE(tag);
    CHECK(tag->model == "team/model");
    CHECK(tag->version == version);
    const auto deprecation = mreg::parse_tag_name(mreg::deprecation_tag_name("team/model", version));
    REQUIRE(deprecation);
    CHECK(deprecation->deprecation);
  }
}
