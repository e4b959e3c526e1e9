#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "git/repository.hpp"
#include "git_cli.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using mreg::Error;
using mreg::ErrorCode;
using mreg::git::Oid;
using mreg::git::Repository;
using mreg::git::Signature;
using mreg::git::TreeFile;
using namespace mreg::test;

TEST_CASE("write_blob stores content under git's id for it", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const std::string content("binary\0data\n", 12);

  const Oid blob = repo.write_blob(content);

  write_file(tmp / "probe", content);
  CHECK(blob.hex() == trimmed(git(tmp.path(), "hash-object probe")));
  CHECK(git(tmp.path(), "cat-file blob " + blob.hex()) == content);
  CHECK(repo.write_blob("").hex() == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

TEST_CASE("create_commit writes a commit git reads back, and read_commit agrees", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Signature author{"Ada Lovelace", "ada@example.com", 1700000000, 120};
  const Signature committer{"Charles Babbage", "cb@example.com", 1700000500, -330};
  const Oid tree = repo.write_tree({{"models/a/model.yaml", "name: a\n"}});
  const Oid root = repo.create_commit(tree, {}, author, committer, "root");
  const Oid other = commit_files(repo, {{"x", "y"}});
  const std::string message =
      "promote a v1.0.0 to production\n\nMreg-Model: a\nMreg-Version: 1.0.0\nMreg-Tag: a@v1.0.0\n";

  const Oid merge = repo.create_commit(tree, {root, other}, author, committer, message);

  const std::string raw = git(tmp.path(), "cat-file -p " + merge.hex());
  CHECK(raw == "tree " + tree.hex() + "\nparent " + root.hex() + "\nparent " + other.hex() +
                   "\nauthor Ada Lovelace <ada@example.com> 1700000000 +0200\n"
                   "committer Charles Babbage <cb@example.com> 1700000500 -0530\n\n" +
                   message);
  CHECK(trimmed(git(tmp.path(), "log -1 --format='%(trailers:key=Mreg-Version,valueonly)' " + merge.hex())) ==
        "1.0.0");
  CHECK(git(tmp.path(), "cat-file -p " + root.hex()).ends_with("\n\nroot\n"));  // newline added, as git does

  const auto info = repo.read_commit(merge);
  CHECK(info.id == merge);
  CHECK(info.tree == tree);
  CHECK(info.parents == std::vector<Oid>{root, other});
  CHECK(info.author.name == "Ada Lovelace");
  CHECK(info.author.email == "ada@example.com");
  CHECK(info.author.time == 1700000000);
  CHECK(info.author.offset_minutes == 120);
  CHECK(info.committer.name == "Charles Babbage");
  CHECK(info.committer.offset_minutes == -330);
  CHECK(info.message == message);
  CHECK(repo.read_commit(root).parents.empty());
}

TEST_CASE("read_commit reads a commit made by git", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  git(tmp.path(), "commit -q --allow-empty -m 'made by git'");
  const Oid head = oid_of(tmp.path(), "HEAD");

  const auto info = repo.read_commit(head);

  CHECK(info.message == "made by git\n");
  CHECK(info.author.name == "Test User");
  CHECK(info.tree.hex() == "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
}

TEST_CASE("read_commit of a missing commit throws a git error naming it", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const auto missing = Oid::from_hex("1234567890123456789012345678901234567890");
  REQUIRE(missing);
  try {
    (void)repo.read_commit(*missing);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::git);
    CHECK_THAT(error.what(), Catch::Contains("1234567890123456789012345678901234567890"));
  }
}

TEST_CASE("read_file_at and subtree_at read one path of a commit", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  write_file(tmp / "models/vision/resnet/model.yaml", "name: vision/resnet\n");
  write_file(tmp / "models/vision/resnet/README.md", "# ResNet\n");
  write_file(tmp / "mreg.yaml", "registry: 1\n");
  git(tmp.path(), "add -A");
  git(tmp.path(), "commit -q -m files");
  const Oid head = oid_of(tmp.path(), "HEAD");

  CHECK(repo.read_file_at(head, "mreg.yaml") == "registry: 1\n");
  CHECK(repo.read_file_at(head, "models/vision/resnet/model.yaml") == "name: vision/resnet\n");
  CHECK_FALSE(repo.read_file_at(head, "models/vision/resnet/missing.yaml"));
  CHECK_FALSE(repo.read_file_at(head, "models/missing/model.yaml"));
  CHECK_FALSE(repo.read_file_at(head, "mreg.yaml/below"));
  CHECK_FALSE(repo.read_file_at(head, "models/vision"));  // a directory
  CHECK_FALSE(repo.read_file_at(head, ""));

  CHECK(repo.subtree_at(head, "models/vision/resnet") == oid_of(tmp.path(), "HEAD:models/vision/resnet"));
  CHECK(repo.subtree_at(head, "models") == oid_of(tmp.path(), "HEAD:models"));
  CHECK(repo.subtree_at(head, "") == oid_of(tmp.path(), "HEAD^{tree}"));
  CHECK_FALSE(repo.subtree_at(head, "mreg.yaml"));  // a file
  CHECK_FALSE(repo.subtree_at(head, "models/text"));
}

TEST_CASE("read_tree_files lists every blob below a tree with its content and executable bit",
          "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  write_file(tmp / "m/model.yaml", "name: m\n");
  write_file(tmp / "m/scripts/run.sh", "#!/bin/sh\n");
  write_file(tmp / "m/a/b/c.txt", "deep");
  fs::permissions(tmp / "m/scripts/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  git(tmp.path(), "add -A");
  git(tmp.path(), "commit -q -m files");

  const auto files = repo.read_tree_files(oid_of(tmp.path(), "HEAD:m"));

  REQUIRE(files.size() == 3);
  CHECK(files[0].path == "a/b/c.txt");
  CHECK(files[0].content == "deep");
  CHECK_FALSE(files[0].executable);
  CHECK(files[1].path == "model.yaml");
  CHECK(files[1].content == "name: m\n");
  CHECK(files[2].path == "scripts/run.sh");
  CHECK(files[2].executable);
}

TEST_CASE("default_signature is the configured identity at the current time", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  git(tmp.path(), "config user.name 'Grace Hopper'");
  git(tmp.path(), "config user.email grace@example.com");

  const Signature signature = repo.default_signature();

  CHECK(signature.name == "Grace Hopper");
  CHECK(signature.email == "grace@example.com");
  CHECK(std::abs(signature.time - static_cast<std::int64_t>(std::time(nullptr))) < 60);
}

TEST_CASE("child: default_signature without an identity", "[.][git][child]") {
  const char* dir = child_test_dir();
  REQUIRE(dir != nullptr);
  Repository repo = Repository::init(fs::path(dir) / "project");
  try {
    (void)repo.default_signature();
    FAIL("expected an error");
  } catch (const Error& error) {
    std::ofstream(fs::path(dir) / "error.txt") << mreg::to_string(error.code()) << '\n'
                                               << error.what() << '\n'
                                               << error.hint();
  }
}

TEST_CASE("default_signature without user.name says how to set it", "[git][objects]") {
  TempDir tmp;
  fs::create_directories(tmp / "home");

  const CommandResult child =
      run_test_in_child("child: default_signature without an identity", tmp / "home", tmp.path());

  INFO(child.output);
  REQUIRE(child.status == 0);
  const std::string error = read_file(tmp / "error.txt");
  CHECK_THAT(error, Catch::StartsWith("invalid\ngit identity is not set: "));
  CHECK_THAT(error, Catch::Contains("git config --global user.name \"Your Name\""));
  CHECK_THAT(error, Catch::Contains("git config --global user.email you@example.com"));
}

TEST_CASE("list_tree lists one level of a tree with kinds, and read_blob reads an entry", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit =
      commit_files(repo, {{"models/fraud/model.yaml", "name: fraud\n"}, {"models/fraud/card/README.md", "hi\n"}});
  const auto entries = repo.list_tree(*repo.subtree_at(commit, "models/fraud"));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == "card");
  CHECK(entries[0].kind == mreg::git::TreeEntry::Kind::tree);
  CHECK(entries[0].id == repo.subtree_at(commit, "models/fraud/card"));
  CHECK(entries[1].name == "model.yaml");
  CHECK(entries[1].kind == mreg::git::TreeEntry::Kind::blob);
  CHECK(repo.read_blob(entries[1].id) == "name: fraud\n");
  CHECK(entries[1].id == oid_of(tmp.path(), commit.hex() + ":models/fraud/model.yaml"));
}

TEST_CASE("has_object tells present objects from absent ones", "[git][objects]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid commit = commit_files(repo, {{"a", "1"}});
  CHECK(repo.has_object(commit));
  CHECK(repo.has_object(repo.read_commit(commit).tree));
  CHECK_FALSE(repo.has_object(*Oid::from_hex("0123456789012345678901234567890123456789")));
}
