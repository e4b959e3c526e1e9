#include <catch2/catch.hpp>

#include <string>

#include "mreg/error.hpp"
#include "mreg/names.hpp"

using mreg::artifact_path_problem;
using mreg::model_name_problem;

TEST_CASE("valid model names are accepted", "[names]") {
  for (const char* name : {"fraud-detector", "a", "0", "resnet50", "vision/resnet50", "team.a/model_v2/x-1", "a.b",
                           "llama-3.1-8b"}) {
    INFO(name);
    CHECK_FALSE(model_name_problem(name));
    CHECK_NOTHROW(mreg::check_model_name(name));
  }
  CHECK_FALSE(model_name_problem(std::string(128, 'a')));
}

TEST_CASE("an invalid model name is refused with the rule and the bad part", "[names]") {
  CHECK(*model_name_problem("Fraud") ==
        "invalid model name \"Fraud\": segment \"Fraud\" must be lowercase letters, digits, '.', '_' or '-', "
        "starting and ending with a letter or digit");
  CHECK_THAT(*model_name_problem("vision/ResNet"), Catch::Contains("segment \"ResNet\""));
}

TEST_CASE("hostile model names are refused", "[names]") {
  struct Case {
    std::string name;
    std::string expected;  // part of the message
  };
  const Case cases[] = {
      {"", "at least one segment"},
      {"/", "cannot start with '/'"},
      {"a//b", "empty segment"},
      {"a/", "cannot end with '/'"},
      {"/a", "cannot start with '/'"},
      {"../x", "segment \"..\" must be lowercase"},
      {"a..b", "contains \"..\", which git does not allow"},
      {"x.lock", "ends in \".lock\""},
      {"a/b.lock/c", "segment \"b.lock\" ends in \".lock\""},
      {"A", "segment \"A\" must be lowercase"},
      {"a b", "segment \"a b\""},
      {"modèle", "must be lowercase letters"},
      {std::string(129, 'a'), "129 characters, at most 128"},
      {std::string("a\0b", 3), "\"a\\x00b\""},
      {"@", "'@' and '#' separate"},
      {"a@v1", "segment \"a@v1\""},
      {"a#prod", "'@' and '#' separate"},
      {"-a", "segment \"-a\""},
      {"a-", "segment \"a-\""},
      {".a", "segment \".a\""},
      {"_a", "segment \"_a\""},
      {"a\nb", "\"a\\nb\""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto problem = model_name_problem(c.name);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains(c.expected));
    CHECK_THAT(*problem, Catch::StartsWith("invalid model name"));
  }
}

TEST_CASE("a 129-character name is quoted shortened in the message", "[names]") {
  const auto problem = model_name_problem(std::string(129, 'a'));
  REQUIRE(problem);
  CHECK(problem->size() < 129);
}

TEST_CASE("check_model_name throws Error(invalid) with the explanation", "[names]") {
  try {
    mreg::check_model_name("Bad");
    FAIL("no exception");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    CHECK_THAT(e.what(), Catch::Contains("segment \"Bad\""));
  }
}

TEST_CASE("relative normalized artifact paths are accepted", "[names][artifact-path]") {
  for (const char* path : {"model.safetensors", "a/b/c.bin", "weights/.hidden", "x..y", "a/b..", "dir/.gitignore",
                           "résumé.txt", "a b.txt"}) {
    INFO(path);
    CHECK_FALSE(artifact_path_problem(path));
  }
  CHECK_FALSE(artifact_path_problem(std::string(4096, 'a')));
}

TEST_CASE("unsafe artifact paths are refused", "[names][artifact-path]") {
  struct Case {
    std::string path;
    std::string expected;
  };
  const Case cases[] = {
      {"", "empty"},
      {"/etc/passwd", "absolute"},
      {".", "\".\" segment"},
      {"..", "\"..\" segment"},
      {"../x", "\"..\" segment"},
      {"a/../../x", "\"..\" segment"},
      {"a/./b", "\".\" segment"},
      {"a//b", "empty segment"},
      {"a/", "empty segment"},
      {"a\\b", "'\\'"},
      {"..\\x", "'\\'"},
      {std::string("a\0b", 3), "control character"},
      {"a\nb", "control character"},
      {"a\x7f", "control character"},
      {".git/config", "\".git\" segment"},
      {"x/.git/hooks/pre-commit", "\".git\" segment"},
      {".GIT/config", "\".GIT\" segment"},
      {std::string(4097, 'a'), "4097 bytes"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    const auto problem = artifact_path_problem(c.path);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains(c.expected));
  }
}
