#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

#include <fmt/format.h>

#include "git/repository.hpp"
#include "git_cli.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using mreg::git::Oid;
using mreg::git::Repository;
using mreg::git::TreeFile;
using namespace mreg::test;

TEST_CASE("a root commit on the unborn branch becomes its first commit", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  REQUIRE_FALSE(repo.head_commit());
  REQUIRE_FALSE(repo.resolve_ref("refs/heads/main"));

  const Oid commit = commit_files(repo, {{"models/a/model.yaml", "name: a\n"}}, {}, "register a v1.0.0");
  REQUIRE(repo.update_ref("refs/heads/main", commit, std::nullopt, "mreg: register a"));

  CHECK(repo.head_commit() == commit);
  CHECK(repo.resolve_ref("refs/heads/main") == commit);
  CHECK(trimmed(git(tmp.path(), "log --format=%H%x09%s%x09%P")) == commit.hex() + "\tregister a v1.0.0\t");
  CHECK(git(tmp.path(), "show HEAD:models/a/model.yaml") == "name: a\n");
  CHECK_THAT(git(tmp.path(), "reflog show refs/heads/main"), Catch::Contains("mreg: register a"));
  // Only the ref moved: the index and work tree still hold nothing.
  CHECK(git(tmp.path(), "status --porcelain") == "D  models/a/model.yaml\n");
}

TEST_CASE("update_ref moves a ref only from the expected commit", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  const Oid third = commit_files(repo, {{"a", "3"}}, {second});
  REQUIRE(repo.update_ref("refs/heads/stage/production", first, std::nullopt, "create"));

  SECTION("a fresh expectation succeeds") {
    CHECK(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == second);
  }
  SECTION("a stale expectation fails and leaves the ref alone") {
    REQUIRE(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
    CHECK_FALSE(repo.update_ref("refs/heads/stage/production", third, first, "promote"));
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == second);
  }
  SECTION("creating fails when the ref already exists") {
    CHECK_FALSE(repo.update_ref("refs/heads/stage/production", third, std::nullopt, "create"));
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == first);
  }
  SECTION("updating fails when the ref does not exist") {
    CHECK_FALSE(repo.update_ref("refs/heads/stage/staging", third, first, "promote"));
    CHECK_FALSE(repo.resolve_ref("refs/heads/stage/staging"));
  }
  SECTION("a ref moved by git itself is noticed") {
    git(tmp.path(), "update-ref refs/heads/stage/production " + third.hex());
    CHECK_FALSE(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == third);
  }
  SECTION("a packed ref is compared like a loose one") {
    git(tmp.path(), "pack-refs --all");
    REQUIRE_FALSE(fs::exists(tmp / ".git/refs/heads/stage/production"));
    CHECK_FALSE(repo.update_ref("refs/heads/stage/production", second, third, "promote"));
    CHECK(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == second);
  }
  SECTION("a ref locked by another git process is not overwritten") {
    write_file(tmp / ".git/refs/heads/stage/production.lock", "");
    CHECK_FALSE(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
    fs::remove(tmp / ".git/refs/heads/stage/production.lock");
    CHECK(oid_of(tmp.path(), "refs/heads/stage/production") == first);
  }
}

TEST_CASE("update_ref refuses a target that is not in the repository", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const auto missing = Oid::from_hex("1234567890123456789012345678901234567890");
  REQUIRE(missing);
  CHECK_THROWS_AS(repo.update_ref("refs/heads/x", *missing, std::nullopt, ""), mreg::Error);
  CHECK_FALSE(repo.resolve_ref("refs/heads/x"));
}

TEST_CASE("update_ref refuses a name that collides with another ref's path", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"a", "1"}});
  REQUIRE(repo.update_ref("refs/heads/stage", commit, std::nullopt, ""));

  SECTION("loose") {
    CHECK_THROWS_AS(repo.update_ref("refs/heads/stage/production", commit, std::nullopt, ""), mreg::Error);
  }
  SECTION("packed") {
    git(tmp.path(), "pack-refs --all");
    CHECK_THROWS_AS(repo.update_ref("refs/heads/stage/production", commit, std::nullopt, ""), mreg::Error);
  }
  CHECK(git(tmp.path(), "for-each-ref --format='%(refname)'") == "refs/heads/stage\n");
}

TEST_CASE("of several writers racing to create or move a ref, exactly one wins", "[git][refs]") {
  TempDir tmp;
  Repository setup = make_repo(tmp.path());
  const Oid base = commit_files(setup, {{"f", "base"}});
  constexpr int rounds = 60;
  constexpr int writers = 4;
  for (int round = 0; round < rounds; ++round) {
    const std::string ref = fmt::format("refs/heads/stage/s{}", round);
    const bool creating = round % 2 == 0;  // alternate between create-only and move races
    if (!creating) REQUIRE(setup.update_ref(ref, base, std::nullopt, "setup"));
    std::vector<Oid> targets;
    for (int side = 0; side < writers; ++side) {
      targets.push_back(commit_files(setup, {{"f", fmt::format("{}-{}", round, side)}}, {base}));
    }
    std::vector<char> won(writers, 0);
    std::vector<std::string> errors(writers);
    std::latch start(writers);
    auto writer = [&](int side) {
      try {
        auto repo = Repository::discover(tmp.path());
        start.arrive_and_wait();
        const std::optional<Oid> expected = creating ? std::nullopt : std::optional<Oid>(base);
        won[side] = repo->update_ref(ref, targets[side], expected, "race");
      } catch (const std::exception& error) {
        errors[side] = error.what();
      }
    };
    std::vector<std::thread> threads;
    for (int side = 0; side < writers; ++side) threads.emplace_back(writer, side);
    for (auto& thread : threads) thread.join();

    INFO("round " << round << (creating ? " (create)" : " (move)"));
    for (const auto& error : errors) CHECK(error == "");
    REQUIRE(std::count(won.begin(), won.end(), 1) == 1);
    const auto winner = std::find(won.begin(), won.end(), 1) - won.begin();
    CHECK(oid_of(tmp.path(), ref) == targets[winner]);
  }
}

TEST_CASE("update_detached_head moves a detached HEAD from the expected commit only", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  REQUIRE(repo.update_ref("refs/heads/main", first, std::nullopt, ""));

  SECTION("HEAD on a branch is not detached") {
    CHECK_FALSE(repo.update_detached_head(second, first));
    CHECK(trimmed(git(tmp.path(), "symbolic-ref HEAD")) == "refs/heads/main");
    CHECK(oid_of(tmp.path(), "refs/heads/main") == first);
  }
  SECTION("a detached HEAD moves") {
    git(tmp.path(), "checkout -q --detach");
    CHECK(repo.head_branch_ref() == std::nullopt);
    CHECK(repo.update_detached_head(second, first));
    CHECK(oid_of(tmp.path(), "HEAD") == second);
    CHECK(oid_of(tmp.path(), "refs/heads/main") == first);
    CHECK(git(tmp.path(), "symbolic-ref -q HEAD || echo detached") == "detached\n");
  }
  SECTION("a stale expectation fails") {
    git(tmp.path(), "checkout -q --detach");
    CHECK_FALSE(repo.update_detached_head(first, second));
    CHECK(oid_of(tmp.path(), "HEAD") == first);
  }
}

TEST_CASE("list_refs lists matching refs with their direct targets", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  REQUIRE(repo.update_ref("refs/heads/main", second, std::nullopt, ""));
  git(tmp.path(), "tag -a -m v1 'fraud@v1.0.0' " + first.hex());
  git(tmp.path(), "tag 'vision/resnet@v2.0.0' " + second.hex());
  git(tmp.path(), "branch stage/production " + first.hex());
  git(tmp.path(), "pack-refs --all");
  git(tmp.path(), "tag -a -m v1.1 'fraud@v1.1.0' " + second.hex());  // loose
  git(tmp.path(), "branch -f stage/production " + second.hex());     // loose, shadows the packed one
  git(tmp.path(), "symbolic-ref refs/heads/alias refs/heads/main");
  git(tmp.path(), "symbolic-ref refs/heads/dangling refs/heads/nothing");

  const auto tags = repo.list_refs("refs/tags/*");
  REQUIRE(tags.size() == 3);
  CHECK(tags[0].first == "refs/tags/fraud@v1.0.0");
  CHECK(tags[0].second == oid_of(tmp.path(), "refs/tags/fraud@v1.0.0"));  // the tag object, not peeled
  CHECK(tags[0].second != first);
  CHECK(tags[1].first == "refs/tags/fraud@v1.1.0");
  CHECK(tags[2] == std::pair<std::string, Oid>{"refs/tags/vision/resnet@v2.0.0", second});

  const auto fraud = repo.list_refs("refs/tags/fraud@*");
  CHECK(fraud.size() == 2);

  const auto heads = repo.list_refs("refs/heads/*");
  const std::vector<std::pair<std::string, Oid>> expected_heads = {
      {"refs/heads/alias", second}, {"refs/heads/main", second}, {"refs/heads/stage/production", second}};
  CHECK(heads == expected_heads);

  CHECK(repo.list_refs("refs/notes/*").empty());
}

TEST_CASE("list_refs reads 100,000 packed tags without reading objects", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  // Tags pointing at objects that do not exist: listing must not read objects.
  constexpr int count = 100000;
  std::string packed = "# pack-refs with: peeled fully-peeled sorted \n";
  for (int i = 0; i < count; ++i) {
    packed += fmt::format("{:040x} refs/tags/model-{:06}@v1.0.{}\n", i + 1, i, i);
  }
  write_file(tmp / ".git/packed-refs", packed);
  REQUIRE(trimmed(git(tmp.path(), "for-each-ref --format='%(refname)' refs/tags | wc -l")) == "100000");

  // How fast is bench/stages_vs_for_each_ref.sh's question, not a test's.
  const auto refs = repo.list_refs("refs/tags/*");
  REQUIRE(refs.size() == count);
  CHECK(refs[0].first == "refs/tags/model-000000@v1.0.0");
  CHECK(refs[0].second.hex() == fmt::format("{:040x}", 1));
  CHECK(refs[count - 1].first == "refs/tags/model-099999@v1.0.99999");
  CHECK(repo.list_refs("refs/tags/model-00012*").size() == 10);
}

TEST_CASE("head_branch_ref and head_commit follow HEAD", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  git(tmp.path(), "symbolic-ref HEAD refs/heads/stage/production");
  CHECK(repo.head_branch_ref() == "refs/heads/stage/production");
  CHECK_FALSE(repo.head_commit());

  const Oid commit = commit_files(repo, {{"a", "1"}});
  REQUIRE(repo.update_ref("refs/heads/stage/production", commit, std::nullopt, ""));
  CHECK(repo.head_commit() == commit);
}

TEST_CASE("resolve_revision reads what git rev-parse reads, peeled to a commit", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  REQUIRE(repo.update_ref("refs/heads/stage/production", second, std::nullopt, "create"));
  git(tmp.path(), "tag -a -m 'register a v1.0.0' a@v1.0.0 " + first.hex());

  CHECK(repo.resolve_revision("stage/production") == second);
  CHECK(repo.resolve_revision("refs/heads/stage/production") == second);
  CHECK(repo.resolve_revision("stage/production~1") == first);
  CHECK(repo.resolve_revision("a@v1.0.0") == first);
  CHECK(repo.resolve_revision(second.hex().substr(0, 10)) == second);
  CHECK_FALSE(repo.resolve_revision("no-such-branch"));
  CHECK_FALSE(repo.resolve_revision("stage/production~5"));
  CHECK_THROWS_AS(repo.resolve_revision("stage/production^{tree}"), mreg::Error);
}

TEST_CASE("is_valid_ref_name follows git's rules", "[git][refs]") {
  CHECK(Repository::is_valid_ref_name("refs/heads/pr-1"));
  CHECK(Repository::is_valid_ref_name("refs/heads/promote/fraud-1.3.0"));
  CHECK_FALSE(Repository::is_valid_ref_name("refs/heads/a..b"));
  CHECK_FALSE(Repository::is_valid_ref_name("refs/heads/a b"));
  CHECK_FALSE(Repository::is_valid_ref_name("refs/heads/x.lock"));
}

namespace mreg::git {

TEST_CASE("a ref lock left by a killed process is removed once it is old, a fresh one is kept", "[git][refs]") {
  test::TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a", "1"}});
  const Oid second = commit_files(repo, {{"a", "2"}}, {first});
  REQUIRE(repo.update_ref("refs/heads/stage/production", first, std::nullopt, "create"));
  const auto lock = repo.common_dir() / "refs/heads/stage/production.lock";
  test::write_file(lock, "");
  // Held: the update fails, and a lock younger than the limit stays.
  CHECK_FALSE(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
  CHECK_FALSE(repo.remove_stale_ref_lock("refs/heads/stage/production", std::chrono::seconds(60)));
  CHECK(std::filesystem::exists(lock));
  // Old: removed, and the update goes through.
  std::filesystem::last_write_time(lock, std::filesystem::file_time_type::clock::now() - std::chrono::minutes(5));
  CHECK(repo.remove_stale_ref_lock("refs/heads/stage/production", std::chrono::seconds(60)));
  CHECK_FALSE(std::filesystem::exists(lock));
  CHECK(repo.update_ref("refs/heads/stage/production", second, first, "promote"));
  CHECK_FALSE(repo.remove_stale_ref_lock("refs/heads/missing", std::chrono::seconds(0)));
}

}  // namespace mreg::git

TEST_CASE("list_refs_with_prefix reads loose and packed refs as git does", "[git][refs]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"a.txt", "1\n"}}, {}, "first");
  REQUIRE(repo.update_ref("refs/heads/main", first, std::nullopt, ""));
  const Oid second = commit_files(repo, {{"a.txt", "2\n"}}, {first}, "second");
  for (const char* tag : {"m@v1.0.0", "m@v1.1.0", "mm@v1.0.0", "team/m@v1.0.0", "team/m@v2.0.0", "z@v1.0.0"}) {
    git(tmp.path(), fmt::format("tag -a -m x {} main", tag));
  }
  git(tmp.path(), "pack-refs --all");
  // After packing: one tag moved by a loose file (the loose one wins), one new loose tag,
  // one in a namespace directory, a stale lock file and a symbolic ref.
  git(tmp.path(), fmt::format("tag -f m@v1.0.0 {}", second.hex()));
  git(tmp.path(), fmt::format("tag m@v3.0.0 {}", second.hex()));
  git(tmp.path(), fmt::format("tag team/m@v3.0.0 {}", second.hex()));
  write_file(tmp / ".git/refs/tags/m@v9.0.0.lock", second.hex() + "\n");
  git(tmp.path(), "symbolic-ref refs/tags/m@v4.0.0 refs/heads/main");

  const auto model_tags = repo.list_refs_with_prefix("refs/tags/m@v");
  CHECK(model_tags == repo.list_refs("refs/tags/m@v*"));
  std::vector<std::string> names;
  for (const auto& [name, target] : model_tags) names.push_back(name);
  CHECK(names == std::vector<std::string>{"refs/tags/m@v1.0.0", "refs/tags/m@v1.1.0", "refs/tags/m@v3.0.0",
                                          "refs/tags/m@v4.0.0"});
  CHECK(model_tags[0].second == second);                 // the loose file, not the packed line
  CHECK(model_tags[3].second == first);                  // the symbolic ref, resolved
  CHECK(trimmed(git(tmp.path(), "rev-parse m@v1.1.0")) == model_tags[1].second.hex());  // packed: the tag object

  CHECK(repo.list_refs_with_prefix("refs/tags/team/m@v") == repo.list_refs("refs/tags/team/m@v*"));
  CHECK(repo.list_refs_with_prefix("refs/tags/team/m@v").size() == 3);
  CHECK(repo.list_refs_with_prefix("refs/tags/") == repo.list_refs("refs/tags/*"));
  CHECK(repo.list_refs_with_prefix("refs/tags/nothing@v").empty());
  CHECK(repo.list_refs_with_prefix("refs/nowhere/x").empty());  // no such directory

  write_file(tmp / ".git/refs/tags/m@v5.0.0", "garbage\n");
  CHECK_THROWS_WITH(repo.list_refs_with_prefix("refs/tags/m@v"), Catch::Contains("refs/tags/m@v5.0.0"));
}
