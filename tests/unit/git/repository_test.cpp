#include <catch2/catch.hpp>

#include <filesystem>

#include "git/repository.hpp"
#include "git_cli.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using mreg::Error;
using mreg::ErrorCode;
using mreg::git::Repository;
using namespace mreg::test;

TEST_CASE("init creates a repository whose HEAD is the unborn branch main", "[git][repository]") {
  TempDir tmp;
  Repository repo = Repository::init(tmp / "project");

  CHECK(trimmed(git(tmp / "project", "symbolic-ref HEAD")) == "refs/heads/main");
  CHECK(trimmed(git(tmp / "project", "rev-parse --is-bare-repository")) == "false");
  CHECK_FALSE(repo.is_bare());
  CHECK_FALSE(repo.head_commit());
  CHECK(repo.head_branch_ref() == "refs/heads/main");
}

TEST_CASE("init in an existing repository keeps its HEAD and history", "[git][repository]") {
  TempDir tmp;
  git(tmp.path(), "init -q -b trunk");
  git(tmp.path(), "-c user.name=U -c user.email=u@example.com commit -q --allow-empty -m first");

  Repository repo = Repository::init(tmp.path());

  CHECK(trimmed(git(tmp.path(), "symbolic-ref HEAD")) == "refs/heads/trunk");
  CHECK(trimmed(git(tmp.path(), "log --format=%s")) == "first");
  CHECK(repo.head_commit());
}

TEST_CASE("child: init with the user's config", "[.][git][child]") {
  const char* dir = child_test_dir();
  REQUIRE(dir != nullptr);
  Repository::init(fs::path(dir) / "project");
}

TEST_CASE("init takes the initial branch from init.defaultBranch", "[git][repository]") {
  TempDir tmp;
  write_file(tmp / "home/.gitconfig", "[init]\n\tdefaultBranch = trunk\n");

  const CommandResult child =
      run_test_in_child("child: init with the user's config", tmp / "home", tmp.path());

  INFO(child.output);
  REQUIRE(child.status == 0);
  CHECK(trimmed(git(tmp / "project", "symbolic-ref HEAD")) == "refs/heads/trunk");
}

TEST_CASE("discover finds the repository from a subdirectory", "[git][repository]") {
  TempDir tmp;
  make_repo(tmp.path());
  fs::create_directories(tmp / "models/vision");

  const auto repo = Repository::discover(tmp / "models/vision");

  REQUIRE(repo);
  CHECK(fs::equivalent(repo->workdir(), tmp.path()));
  CHECK(fs::equivalent(repo->git_dir(), tmp / ".git"));
  CHECK(fs::equivalent(repo->common_dir(), tmp / ".git"));
  CHECK(repo->workdir() == fs::path(trimmed(git(tmp / "models", "rev-parse --show-toplevel"))));
}

TEST_CASE("discover answers nullopt outside any repository", "[git][repository]") {
  TempDir tmp;
  fs::create_directories(tmp / "plain");
  CHECK_FALSE(Repository::discover(tmp / "plain"));
}

TEST_CASE("discover refuses a directory that does not exist", "[git][repository]") {
  TempDir tmp;
  try {
    Repository::discover(tmp / "missing");
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::not_found);
    CHECK_THAT(error.what(), Catch::Contains("missing"));
  }
}

TEST_CASE("a linked worktree has its own git dir and shares the common dir", "[git][repository]") {
  TempDir tmp;
  make_repo(tmp / "main");
  git(tmp / "main", "commit -q --allow-empty -m first");
  git(tmp / "main", "worktree add -q " + shell_quote((tmp / "wt").string()));

  const auto repo = Repository::discover(tmp / "wt");

  REQUIRE(repo);
  CHECK(fs::equivalent(repo->workdir(), tmp / "wt"));
  CHECK(fs::equivalent(repo->git_dir(), tmp / "main/.git/worktrees/wt"));
  CHECK(fs::equivalent(repo->common_dir(), tmp / "main/.git"));
}

TEST_CASE("a bare repository has no work tree", "[git][repository]") {
  TempDir tmp;
  git(tmp.path(), "init -q --bare server.git");

  const auto repo = Repository::discover(tmp / "server.git");

  REQUIRE(repo);
  CHECK(repo->is_bare());
  CHECK(fs::equivalent(repo->git_dir(), tmp / "server.git"));
  try {
    (void)repo->workdir();
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid);
    CHECK_THAT(error.what(), Catch::Contains("bare"));
  }
}

TEST_CASE("config_string reads the repository's git config", "[git][repository]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  git(tmp.path(), "config mreg.remote.origin.url s3://bucket/prefix");

  CHECK(repo.config_string("mreg.remote.origin.url") == "s3://bucket/prefix");
  CHECK(repo.config_string("user.name") == "Test User");
  CHECK_FALSE(repo.config_string("mreg.cacheDir"));

  git(tmp.path(), "config mreg.cacheDir /srv/cache");
  CHECK(repo.config_string("mreg.cachedir") == "/srv/cache");
}

TEST_CASE("a Repository can be moved", "[git][repository]") {
  TempDir tmp;
  Repository first = make_repo(tmp.path());
  Repository second = std::move(first);
  CHECK(second.head_branch_ref() == "refs/heads/main");
  Repository third = Repository::init(tmp / "other");
  third = std::move(second);
  CHECK(fs::equivalent(third.workdir(), tmp.path()));
}
