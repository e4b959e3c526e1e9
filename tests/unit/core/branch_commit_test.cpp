#include <catch2/catch.hpp>

#include "core/branch_commit.hpp"
#include "git/git_cli.hpp"
#include "temp_dir.hpp"

using mreg::CommitPlan;
using mreg::commit_on_branch;
using mreg::git::Oid;
using mreg::git::Repository;
using namespace mreg::test;

namespace {

constexpr const char* stage_ref = "refs/heads/stage/production";

}  // namespace

TEST_CASE("commit_on_branch starts an orphan branch, then builds on its tip", "[core][branch_commit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  std::vector<std::optional<Oid>> parents_seen;
  const auto plan = [&](const std::optional<Oid>& parent) {
    parents_seen.push_back(parent);
    return std::optional<CommitPlan>(CommitPlan{repo.write_tree({{"models/a/model.yaml", "x\n"}}), "promote a"});
  };
  const auto first = commit_on_branch(repo, stage_ref, std::nullopt, plan, test_signature());
  REQUIRE(first);
  CHECK(repo.read_commit(*first).parents.empty());
  const auto second = commit_on_branch(repo, stage_ref, std::nullopt, plan, test_signature());
  REQUIRE(second);
  CHECK(repo.read_commit(*second).parents == std::vector<Oid>{*first});
  CHECK(repo.resolve_ref(stage_ref) == second);
  CHECK(parents_seen == std::vector<std::optional<Oid>>{std::nullopt, first});
  CHECK(trimmed(git(tmp.path(), "log -1 --format=%s stage/production")) == "promote a");
  CHECK_THAT(git(tmp.path(), "reflog show stage/production"), Catch::Contains("mreg: promote a"));
  CHECK(fsck_problems(tmp.path()).empty());
}

TEST_CASE("commit_on_branch starts a missing branch from the given start", "[core][branch_commit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid remote_tip = commit_files(repo, {{"models/a/model.yaml", "x\n"}});
  const auto commit = commit_on_branch(
      repo, stage_ref, remote_tip,
      [&](const std::optional<Oid>& parent) {
        CHECK(parent == remote_tip);
        return std::optional<CommitPlan>(CommitPlan{repo.write_tree({{"models/b/model.yaml", "y\n"}}), "promote b"});
      },
      test_signature());
  REQUIRE(commit);
  CHECK(repo.read_commit(*commit).parents == std::vector<Oid>{remote_tip});
}

TEST_CASE("commit_on_branch writes nothing when the planner has nothing to do", "[core][branch_commit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const auto commit = commit_on_branch(
      repo, stage_ref, std::nullopt, [](const std::optional<Oid>&) { return std::optional<CommitPlan>(); },
      test_signature());
  CHECK_FALSE(commit);
  CHECK_FALSE(repo.resolve_ref(stage_ref));
}

TEST_CASE("commit_on_branch plans again on the tip another writer made", "[core][branch_commit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid base = commit_files(repo, {{"models/a/model.yaml", "1\n"}});
  REQUIRE(repo.update_ref(stage_ref, base, std::nullopt, "start"));
  Oid theirs{};
  int calls = 0;
  const auto commit = commit_on_branch(
      repo, stage_ref, std::nullopt,
      [&](const std::optional<Oid>& parent) {
        if (++calls == 1) {
          // Another process promotes between our read of the tip and our update.
          theirs = commit_files(repo, {{"models/a/model.yaml", "2\n"}}, {base}, "theirs");
          REQUIRE(repo.update_ref(stage_ref, theirs, base, "theirs"));
        }
        return std::optional<CommitPlan>(CommitPlan{
            repo.replace_subtree(parent, "models/b", repo.write_tree({{"model.yaml", "b\n"}})), "ours"});
      },
      test_signature());
  REQUIRE(commit);
  CHECK(calls == 2);
  CHECK(repo.read_commit(*commit).parents == std::vector<Oid>{theirs});
  CHECK(repo.read_file_at(*commit, "models/a/model.yaml") == "2\n");
  CHECK(repo.read_file_at(*commit, "models/b/model.yaml") == "b\n");
}
