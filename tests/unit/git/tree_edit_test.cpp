#include <catch2/catch.hpp>

#include "git/repository.hpp"
#include "git_cli.hpp"
#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using mreg::Error;
using mreg::ErrorCode;
using mreg::git::Oid;
using mreg::git::Repository;
using mreg::git::TreeFile;
using namespace mreg::test;

namespace {

constexpr const char* empty_tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

std::string ls_tree(const fs::path& dir, const Oid& tree) {
  return git(dir, "ls-tree -r --format='%(objectmode) %(path)' " + tree.hex());
}

// Every tree reachable from `tree`, recursively, with `git ls-tree -r -t`.
std::string all_entries(const fs::path& dir, const Oid& tree) {
  return git(dir, "ls-tree -r -t --format='%(objecttype) %(path)' " + tree.hex());
}

void check_fsck_clean(const fs::path& dir) { CHECK(fsck_problems(dir) == ""); }

Oid commit_tree(Repository& repo, const Oid& tree) {
  return repo.create_commit(tree, {}, test_signature(), test_signature(), "tree");
}

}  // namespace

TEST_CASE("write_tree writes the same tree as git add and git write-tree", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp / "repo");
  // Names chosen for git's tree order, where a directory sorts as if it ended in '/'.
  const std::vector<TreeFile> files = {
      {"models/a/model.yaml", "name: a\n"},
      {"models/a.txt", "sorts before models/a/"},
      {"models/a0", "sorts after models/a/"},
      {"models/vision/resnet/model.yaml", "name: vision/resnet\n"},
      {"models/vision/resnet/run.sh", "#!/bin/sh\n", true},
      {"mreg.yaml", "registry: 1\n"},
      {"empty", ""},
  };

  const Oid tree = repo.write_tree(files);

  make_repo(tmp / "reference");
  for (const auto& file : files) {
    write_file(tmp / "reference" / file.path, file.content);
    if (file.executable)
      fs::permissions(tmp / "reference" / file.path, fs::perms::owner_exec, fs::perm_options::add);
  }
  git(tmp / "reference", "add -A");
  CHECK(tree.hex() == trimmed(git(tmp / "reference", "write-tree")));
  CHECK(ls_tree(tmp / "repo", tree) ==
        "100644 empty\n"
        "100644 models/a.txt\n"
        "100644 models/a/model.yaml\n"
        "100644 models/a0\n"
        "100644 models/vision/resnet/model.yaml\n"
        "100755 models/vision/resnet/run.sh\n"
        "100644 mreg.yaml\n");
  check_fsck_clean(tmp / "repo");
}

TEST_CASE("write_tree of no files is the empty tree", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid tree = repo.write_tree({});
  CHECK(tree.hex() == empty_tree);
  CHECK(trimmed(git(tmp.path(), "cat-file -t " + tree.hex())) == "tree");
}

TEST_CASE("write_tree refuses duplicate, colliding and unclean paths", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const auto refused = [&](const std::vector<TreeFile>& files, const std::string& mentions) {
    try {
      repo.write_tree(files);
      FAIL("expected write_tree to refuse the files");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::invalid);
      CHECK_THAT(error.what(), Catch::Contains(mentions));
    }
  };
  refused({{"a/b", "1"}, {"a/b", "2"}}, "twice");
  refused({{"a/b", "1"}, {"a", "2"}}, "a file \"a\"");
  refused({{"a", "1"}, {"a/b", "2"}}, "a file \"a\"");
  refused({{"a/b/c", "1"}, {"a/b", "2"}}, "\"a/b\"");
  refused({{"", "1"}}, "empty");
  refused({{"/abs", "1"}}, "relative");
  refused({{"a//b", "1"}}, "empty segment");
  refused({{"a/", "1"}}, "empty segment");
  refused({{"a/../b", "1"}}, "\"..\"");
  refused({{"./a", "1"}}, "\".\"");
  refused({{".git/config", "1"}}, ".git");
  refused({{"sub/.GIT/x", "1"}}, ".git");
}

TEST_CASE("replace_subtree puts a model's tree at a nested path", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid resnet_v1 = repo.write_tree({{"model.yaml", "version: 1.0.0\n"}});
  const Oid resnet_v2 = repo.write_tree({{"model.yaml", "version: 2.0.0\n"}, {"README.md", "# v2\n"}});
  const Oid fraud = repo.write_tree({{"model.yaml", "name: fraud\n"}});

  SECTION("into the empty tree, when there is no base commit") {
    const Oid tree = repo.replace_subtree(std::nullopt, "models/vision/resnet", resnet_v1);
    CHECK(ls_tree(tmp.path(), tree) == "100644 models/vision/resnet/model.yaml\n");
    CHECK(trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":models/vision/resnet")) == resnet_v1.hex());
    check_fsck_clean(tmp.path());
  }
  SECTION("next to other models, replacing a version, keeping the rest") {
    const Oid base =
        commit_tree(repo, repo.write_tree({{"models/fraud/model.yaml", "name: fraud\n"},
                                           {"models/vision/resnet/model.yaml", "version: 1.0.0\n"},
                                           {"models/vision/vit/model.yaml", "name: vit\n"},
                                           {"README.md", "stage\n"}}));
    const Oid tree = repo.replace_subtree(base, "models/vision/resnet", resnet_v2);
    CHECK(ls_tree(tmp.path(), tree) ==
          "100644 README.md\n"
          "100644 models/fraud/model.yaml\n"
          "100644 models/vision/resnet/README.md\n"
          "100644 models/vision/resnet/model.yaml\n"
          "100644 models/vision/vit/model.yaml\n");
    CHECK(trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":models/vision/resnet")) == resnet_v2.hex());
    CHECK(trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":models/fraud")) == fraud.hex());
    check_fsck_clean(tmp.path());
  }
  SECTION("over a file that stood at that path") {
    const Oid base = commit_tree(repo, repo.write_tree({{"models/vision/resnet", "a file\n"}}));
    const Oid tree = repo.replace_subtree(base, "models/vision/resnet", resnet_v1);
    CHECK(ls_tree(tmp.path(), tree) == "100644 models/vision/resnet/model.yaml\n");
  }
  SECTION("below a file that stood where a directory goes") {
    const Oid base =
        commit_tree(repo, repo.write_tree({{"models/vision", "a file\n"}, {"models/x/y", "y\n"}}));
    const Oid tree = repo.replace_subtree(base, "models/vision/resnet", resnet_v1);
    CHECK(ls_tree(tmp.path(), tree) == "100644 models/vision/resnet/model.yaml\n100644 models/x/y\n");
    check_fsck_clean(tmp.path());
  }
  SECTION("with a trailing slash") {
    const Oid tree = repo.replace_subtree(std::nullopt, "models/fraud/", fraud);
    CHECK(ls_tree(tmp.path(), tree) == "100644 models/fraud/model.yaml\n");
  }
}

TEST_CASE("replace_subtree removes a model and drops the directories it leaves empty", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid base = commit_tree(repo, repo.write_tree({{"models/fraud/model.yaml", "name: fraud\n"},
                                                      {"models/vision/resnet/model.yaml", "name: resnet\n"},
                                                      {"models/vision/resnet/sub/file", "x\n"}}));

  SECTION("the only model below a namespace") {
    const Oid tree = repo.replace_subtree(base, "models/vision/resnet", std::nullopt);
    CHECK(all_entries(tmp.path(), tree) == "tree models\ntree models/fraud\nblob models/fraud/model.yaml\n");
    check_fsck_clean(tmp.path());
  }
  SECTION("the last model of all") {
    const Oid without_resnet = repo.replace_subtree(base, "models/vision/resnet", std::nullopt);
    const Oid tree = repo.replace_subtree(commit_tree(repo, without_resnet), "models/fraud", std::nullopt);
    CHECK(tree.hex() == empty_tree);
    CHECK(all_entries(tmp.path(), tree) == "");
  }
  SECTION("by putting the empty tree there") {
    const Oid tree = repo.replace_subtree(base, "models/vision/resnet", repo.write_tree({}));
    CHECK(all_entries(tmp.path(), tree) == "tree models\ntree models/fraud\nblob models/fraud/model.yaml\n");
  }
  SECTION("a path that is not there leaves the tree as it was") {
    CHECK(repo.replace_subtree(base, "models/text/bert", std::nullopt) == repo.read_commit(base).tree);
    CHECK(repo.replace_subtree(base, "models/fraud/model.yaml/x", std::nullopt) ==
          repo.read_commit(base).tree);
    CHECK(repo.replace_subtree(std::nullopt, "models/x", std::nullopt).hex() == empty_tree);
  }
}

TEST_CASE("replace_subtree refuses unclean paths and non-tree subtrees", "[git][tree_edit]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid subtree = repo.write_tree({{"model.yaml", "x\n"}});
  CHECK_THROWS_AS(repo.replace_subtree(std::nullopt, "", subtree), Error);
  CHECK_THROWS_AS(repo.replace_subtree(std::nullopt, "models/../x", subtree), Error);
  CHECK_THROWS_AS(repo.replace_subtree(std::nullopt, "/models/x", subtree), Error);
  CHECK_THROWS_AS(repo.replace_subtree(std::nullopt, "models/x", repo.write_blob("not a tree")), Error);
}
