#include <catch2/catch.hpp>

#include <algorithm>
#include <latch>
#include <thread>

#include <fmt/format.h>

#include "git/repository.hpp"
#include "git_cli.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

using mreg::git::Oid;
using mreg::git::Repository;
using mreg::git::Signature;
using namespace mreg::test;

namespace {

std::string object_count(const std::filesystem::path& dir) {
  return trimmed(git(dir, "cat-file --batch-all-objects --batch-check | wc -l"));
}

}  // namespace

TEST_CASE("create_annotated_tag writes a tag object that git shows", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"models/fraud/model.yaml", "version: 1.3.0\n"}});
  const Signature tagger{"Ada Lovelace", "ada@example.com", 1700000123, -300};

  REQUIRE(repo.create_annotated_tag("fraud@v1.3.0", commit, tagger, "register fraud v1.3.0\n\nFirst model."));

  CHECK(trimmed(git(tmp.path(), "cat-file -t refs/tags/fraud@v1.3.0")) == "tag");
  CHECK(trimmed(git(tmp.path(), "rev-parse 'fraud@v1.3.0^{commit}'")) == commit.hex());
  CHECK(git(tmp.path(), "tag -n1 -l 'fraud@*'") == "fraud@v1.3.0    register fraud v1.3.0\n");
  const std::string object = git(tmp.path(), "cat-file -p refs/tags/fraud@v1.3.0");
  CHECK_THAT(object, Catch::StartsWith("object " + commit.hex() + "\ntype commit\ntag fraud@v1.3.0\n"));
  CHECK_THAT(object, Catch::Contains("tagger Ada Lovelace <ada@example.com> 1700000123 -0500\n"));
  CHECK_THAT(object, Catch::EndsWith("\n\nregister fraud v1.3.0\n\nFirst model.\n"));
  CHECK(fsck_problems(tmp.path()) == "");
}

TEST_CASE("read_tag returns an annotated tag's commit, tagger and message", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"a", "1"}});
  REQUIRE(repo.create_annotated_tag("vision/resnet@v2.0.0-rc.1", commit,
                                    Signature{"Ada", "ada@example.com", 1700000000, 90}, "register it\n"));

  const auto tag = repo.read_tag("vision/resnet@v2.0.0-rc.1");

  REQUIRE(tag);
  CHECK(tag->name == "vision/resnet@v2.0.0-rc.1");
  CHECK(tag->target == commit);
  CHECK(tag->annotated);
  CHECK(tag->tagger.name == "Ada");
  CHECK(tag->tagger.email == "ada@example.com");
  CHECK(tag->tagger.time == 1700000000);
  CHECK(tag->tagger.offset_minutes == 90);
  CHECK(tag->message == "register it\n");
}

TEST_CASE("read_tag reads tags made by git", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"a", "1"}});

  SECTION("a lightweight tag") {
    git(tmp.path(), "tag 'fraud@v1.0.0' " + commit.hex());
    const auto tag = repo.read_tag("fraud@v1.0.0");
    REQUIRE(tag);
    CHECK_FALSE(tag->annotated);
    CHECK(tag->target == commit);
    CHECK(tag->tagger.name.empty());
    CHECK(tag->message.empty());
  }
  SECTION("a deprecation tag with a reason") {
    git(tmp.path(), "tag -a -m 'leaks test data' 'fraud@v1.0.0!' " + commit.hex());
    const auto tag = repo.read_tag("fraud@v1.0.0!");
    REQUIRE(tag);
    CHECK(tag->annotated);
    CHECK(tag->target == commit);
    CHECK(tag->tagger.name == "Test User");
    CHECK(tag->message == "leaks test data\n");
  }
  SECTION("a tag of a tag is peeled to the commit") {
    git(tmp.path(), "tag -a -m inner inner " + commit.hex());
    git(tmp.path(), "tag -a -m outer outer inner");
    const auto tag = repo.read_tag("outer");
    REQUIRE(tag);
    CHECK(tag->target == commit);
    CHECK(tag->message == "outer\n");
  }
  SECTION("a packed tag") {
    git(tmp.path(), "tag -a -m packed 'fraud@v2.0.0' " + commit.hex());
    git(tmp.path(), "pack-refs --all");
    const auto tag = repo.read_tag("fraud@v2.0.0");
    REQUIRE(tag);
    CHECK(tag->annotated);
    CHECK(tag->target == commit);
  }
}

TEST_CASE("read_tag answers nullopt for a missing tag", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  CHECK_FALSE(repo.read_tag("fraud@v9.9.9"));
}

TEST_CASE("create_annotated_tag refuses an existing tag and writes nothing", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  REQUIRE(repo.create_annotated_tag("fraud@v1.0.0", first, test_signature(), "register fraud v1.0.0"));
  const std::string tag_object = trimmed(git(tmp.path(), "rev-parse refs/tags/fraud@v1.0.0"));
  const std::string objects_before = object_count(tmp.path());

  CHECK_FALSE(repo.create_annotated_tag("fraud@v1.0.0", second, test_signature(), "again"));

  CHECK(trimmed(git(tmp.path(), "rev-parse refs/tags/fraud@v1.0.0")) == tag_object);
  CHECK(object_count(tmp.path()) == objects_before);

  SECTION("also when git made the tag, lightweight and packed") {
    git(tmp.path(), "tag 'fraud@v2.0.0' " + first.hex());
    git(tmp.path(), "pack-refs --all");
    CHECK_FALSE(repo.create_annotated_tag("fraud@v2.0.0", second, test_signature(), "again"));
    CHECK(trimmed(git(tmp.path(), "rev-parse refs/tags/fraud@v2.0.0")) == first.hex());
  }
}

TEST_CASE("create_annotated_tag refuses a name git would refuse", "[git][tags]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"a", "1"}});
  const std::string objects_before = object_count(tmp.path());
  for (const char* name : {"bad..name", "bad.lock", "bad name", "bad~1", ""}) {
    INFO(name);
    try {
      repo.create_annotated_tag(name, commit, test_signature(), "m");
      FAIL("expected an error");
    } catch (const mreg::Error& error) {
      CHECK(error.code() == mreg::ErrorCode::invalid);
    }
  }
  CHECK(git(tmp.path(), "tag -l") == "");
  CHECK(object_count(tmp.path()) == objects_before);
}

TEST_CASE("of several writers racing to create a tag, exactly one wins", "[git][tags]") {
  TempDir tmp;
  Repository setup = make_repo(tmp.path());
  constexpr int rounds = 40;
  constexpr int writers = 4;
  for (int round = 0; round < rounds; ++round) {
    const std::string tag = fmt::format("fraud@v1.0.{}", round);
    std::vector<Oid> commits;
    for (int side = 0; side < writers; ++side) {
      commits.push_back(commit_files(setup, {{"f", fmt::format("{}-{}", round, side)}}));
    }
    std::vector<char> won(writers, 0);
    std::vector<std::string> errors(writers);
    std::latch start(writers);
    auto writer = [&](int side) {
      try {
        auto repo = Repository::discover(tmp.path());
        start.arrive_and_wait();
        won[side] = repo->create_annotated_tag(tag, commits[side], test_signature(), "register");
      } catch (const std::exception& error) {
        errors[side] = error.what();
      }
    };
    std::vector<std::thread> threads;
    for (int side = 0; side < writers; ++side) threads.emplace_back(writer, side);
    for (auto& thread : threads) thread.join();

    INFO("round " << round);
    for (const auto& error : errors) CHECK(error == "");
    REQUIRE(std::count(won.begin(), won.end(), 1) == 1);
    const auto winner = std::find(won.begin(), won.end(), 1) - won.begin();
    CHECK(trimmed(git(tmp.path(), "rev-parse " + shell_quote(tag + "^{commit}"))) == commits[winner].hex());
  }
}
