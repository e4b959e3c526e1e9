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

// A repository with one commit holding a model and a file of the user's.
Repository repo_with_history(const fs::path& dir) {
  Repository repo = make_repo(dir);
  write_file(dir / "models/fraud/model.yaml", "version: 1.0.0\n");
  write_file(dir / "models/fraud/old.txt", "old\n");
  write_file(dir / "src/train.py", "print('train')\n");
  write_file(dir / "notes.txt", "notes\n");
  git(dir, "add -A");
  git(dir, "commit -q -m initial");
  return repo;
}

// `git ls-files --debug`'s record of one path: its stat data.
std::string index_record(const fs::path& dir, const std::string& path) {
  return git(dir, "ls-files --debug -- " + shell_quote(path));
}

}  // namespace

TEST_CASE("stage_tree_at makes the directory's index entries exactly the tree's", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  write_file(tmp / "models/fraud/model.yaml", "version: 1.1.0\n");
  write_file(tmp / "models/fraud/card.md", "# card\n");
  fs::remove(tmp / "models/fraud/old.txt");
  const Oid tree = repo.write_tree({{"model.yaml", "version: 1.1.0\n"},
                                    {"card.md", "# card\n"},
                                    {"weights/README", "not in the work tree\n"},
                                    {"run.sh", "#!/bin/sh\n", true}});

  repo.stage_tree_at("models/fraud", tree);

  CHECK(git(tmp.path(), "ls-files -s -- models") ==
        "100644 " + trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":card.md")) +
            " 0\tmodels/fraud/card.md\n" + "100644 " +
            trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":model.yaml")) +
            " 0\tmodels/fraud/model.yaml\n" + "100755 " +
            trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":run.sh")) + " 0\tmodels/fraud/run.sh\n" +
            "100644 " + trimmed(git(tmp.path(), "rev-parse " + tree.hex() + ":weights/README")) +
            " 0\tmodels/fraud/weights/README\n");
  CHECK(trimmed(git(tmp.path(), "write-tree --prefix=models/fraud")) == tree.hex());
  // Files whose work-tree copy matches are clean; the others show as deleted there.
  CHECK(git(tmp.path(), "status --porcelain -- models") ==
        "A  models/fraud/card.md\n"
        "M  models/fraud/model.yaml\n"
        "D  models/fraud/old.txt\n"
        "AD models/fraud/run.sh\n"
        "AD models/fraud/weights/README\n");
  CHECK(git(tmp.path(), "diff-files --name-only") == "models/fraud/run.sh\nmodels/fraud/weights/README\n");
}

TEST_CASE("stage_tree_at takes stat data from matching work-tree files", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  write_file(tmp / "models/fraud/model.yaml", "version: 1.1.0\n");
  const Oid tree = repo.write_tree({{"model.yaml", "version: 1.1.0\n"}, {"missing.txt", "12345"}});

  repo.stage_tree_at("models/fraud", tree);

  CHECK_THAT(index_record(tmp.path(), "models/fraud/model.yaml"), Catch::Contains("size: 15\t"));
  CHECK_THAT(index_record(tmp.path(), "models/fraud/model.yaml"), !Catch::Contains("mtime: 0:0"));
  CHECK_THAT(index_record(tmp.path(), "models/fraud/missing.txt"), Catch::Contains("size: 0\t"));
  CHECK_THAT(index_record(tmp.path(), "models/fraud/missing.txt"), Catch::Contains("mtime: 0:0"));
}

TEST_CASE("stage_tree_at leaves every entry outside the directory as it was", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  // The user's own work in progress: staged, unstaged, partly staged, new.
  write_file(tmp / "src/train.py", "print('train v2')\n");
  git(tmp.path(), "add src/train.py");
  write_file(tmp / "src/train.py", "print('train v3')\n");
  write_file(tmp / "notes.txt", "more notes\n");
  write_file(tmp / "models/fraudster/model.yaml", "name: fraudster\n");
  git(tmp.path(), "add models/fraudster/model.yaml");
  write_file(tmp / "untracked.txt", "u\n");
  const std::string outside_before = git(tmp.path(), "ls-files -s -- src notes.txt models/fraudster");
  const std::string status_before =
      git(tmp.path(), "status --porcelain -- src notes.txt models/fraudster untracked.txt");
  REQUIRE(status_before ==
          "A  models/fraudster/model.yaml\n M notes.txt\nMM src/train.py\n?? untracked.txt\n");
  write_file(tmp / "models/fraud/model.yaml", "version: 2.0.0\n");

  repo.stage_tree_at("models/fraud", repo.write_tree({{"model.yaml", "version: 2.0.0\n"}}));

  CHECK(git(tmp.path(), "ls-files -s -- src notes.txt models/fraudster") == outside_before);
  CHECK(git(tmp.path(), "status --porcelain -- src notes.txt models/fraudster untracked.txt") ==
        status_before);
  // old.txt is not in the tree: unstaged, and left in the work tree.
  CHECK(git(tmp.path(), "status --porcelain -- models/fraud/") ==
        "M  models/fraud/model.yaml\nD  models/fraud/old.txt\n?? models/fraud/old.txt\n");
  CHECK(git(tmp.path(), "diff --cached --name-only") ==
        "models/fraud/model.yaml\nmodels/fraud/old.txt\nmodels/fraudster/model.yaml\nsrc/train.py\n");
}

TEST_CASE("stage_tree_at resolves a merge conflict inside the directory", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  git(tmp.path(), "checkout -q -b other");
  write_file(tmp / "models/fraud/model.yaml", "version: 1.0.1\n");
  git(tmp.path(), "commit -q -am other");
  git(tmp.path(), "checkout -q main");
  write_file(tmp / "models/fraud/model.yaml", "version: 1.0.2\n");
  git(tmp.path(), "commit -q -am main");
  REQUIRE(run_command("git -C " + shell_quote(tmp.path().string()) + " merge -q other").status != 0);
  REQUIRE(git(tmp.path(), "ls-files -u").find("models/fraud/model.yaml") != std::string::npos);

  repo.stage_tree_at("models/fraud", repo.write_tree({{"model.yaml", "version: 1.1.0\n"}}));

  CHECK(git(tmp.path(), "ls-files -u") == "");
  CHECK(git(tmp.path(), "ls-files -s -- models") ==
        "100644 " + repo.write_blob("version: 1.1.0\n").hex() + " 0\tmodels/fraud/model.yaml\n");
}

TEST_CASE("stage_tree_at replaces a staged file that stood where the directory goes", "[git][index_update]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  write_file(tmp / "models/fraud", "a file\n");
  write_file(tmp / "other", "other\n");
  git(tmp.path(), "add -A");
  const Oid tree = repo.write_tree({{"model.yaml", "v\n"}});

  repo.stage_tree_at("models/fraud", tree);

  CHECK(git(tmp.path(), "ls-files") == "models/fraud/model.yaml\nother\n");
  CHECK(trimmed(git(tmp.path(), "write-tree --prefix=models/fraud")) == tree.hex());
}

TEST_CASE("stage_tree_at refuses to write while git holds the index lock", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  const std::string index_before = git(tmp.path(), "ls-files -s");
  write_file(tmp / ".git/index.lock", "");
  try {
    repo.stage_tree_at("models/fraud", repo.write_tree({{"model.yaml", "v\n"}}));
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::conflict);
    CHECK_THAT(error.hint(), Catch::Contains("another git process"));
  }
  fs::remove(tmp / ".git/index.lock");
  CHECK(git(tmp.path(), "ls-files -s") == index_before);
}

TEST_CASE("stage_tree_at refuses an unclean directory path", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  const Oid tree = repo.write_tree({{"model.yaml", "v\n"}});
  CHECK_THROWS_AS(repo.stage_tree_at("", tree), Error);
  CHECK_THROWS_AS(repo.stage_tree_at("../outside", tree), Error);
  CHECK_THROWS_AS(repo.stage_tree_at(".git", tree), Error);
}

TEST_CASE("stage_file stages one file like git add", "[git][index_update]") {
  TempDir tmp;
  Repository repo = repo_with_history(tmp.path());
  write_file(tmp / "mreg.yaml", "registry: 1\n");
  write_file(tmp / "notes.txt", "changed\n");

  SECTION("a new file") {
    repo.stage_file("mreg.yaml");
    CHECK(git(tmp.path(), "status --porcelain") == "A  mreg.yaml\n M notes.txt\n");
  }
  SECTION("a changed file") {
    repo.stage_file("notes.txt");
    CHECK(git(tmp.path(), "status --porcelain") == "M  notes.txt\n?? mreg.yaml\n");
  }
  SECTION("a deleted file") {
    fs::remove(tmp / "src/train.py");
    repo.stage_file("src/train.py");
    CHECK(git(tmp.path(), "status --porcelain -- src") == "D  src/train.py\n");
  }
  SECTION("a file that is nowhere") {
    try {
      repo.stage_file("nowhere.txt");
      FAIL("expected an error");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::not_found);
    }
  }
}

TEST_CASE("is_ignored follows .gitignore", "[git][index_update]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  write_file(tmp / ".gitignore", "*.bin\n/build/\n");
  write_file(tmp / "models/m/.gitignore", "secret.txt\n");

  CHECK(repo.is_ignored("weights.bin"));
  CHECK(repo.is_ignored("models/m/weights.bin"));
  CHECK(repo.is_ignored("build/out.o"));
  CHECK(repo.is_ignored("models/m/secret.txt"));
  CHECK_FALSE(repo.is_ignored("models/m/model.yaml"));
  CHECK_FALSE(repo.is_ignored("models/secret.txt"));
}
