#include <catch2/catch.hpp>

#include "core/stage_history.hpp"
#include "git/git_cli.hpp"
#include "temp_dir.hpp"

using mreg::ModelDirChange;
using mreg::changed_model_dirs;
using mreg::git::Oid;
using mreg::git::Repository;
using mreg::git::TreeFile;
using namespace mreg::test;

namespace {

// The tree of the models directory of a stage commit holding `files`.
Oid models_tree(Repository& repo, const std::vector<TreeFile>& files) {
  const Oid commit = commit_files(repo, files);
  return *repo.subtree_at(commit, "models");
}

std::string describe(const std::vector<ModelDirChange>& changes) {
  std::string text;
  for (const auto& change : changes) {
    text += change.name + (change.before ? (change.after ? " changed" : " removed") : " added") + ";";
  }
  return text;
}

}  // namespace

TEST_CASE("changed_model_dirs finds the model directories that differ", "[core][stage_history]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid before = models_tree(repo, {{"models/fraud/model.yaml", "version: 1.0.0\n"},
                                        {"models/churn/model.yaml", "version: 2.0.0\n"},
                                        {"models/vision/resnet/model.yaml", "version: 1.0.0\n"},
                                        {"models/vision/resnet/README.md", "card\n"}});

  SECTION("nothing changed") { CHECK(changed_model_dirs(repo, before, before).empty()); }
  SECTION("one model replaced, one added, one removed") {
    const Oid after = models_tree(repo, {{"models/fraud/model.yaml", "version: 1.1.0\n"},
                                         {"models/vision/resnet/model.yaml", "version: 1.0.0\n"},
                                         {"models/vision/resnet/README.md", "card\n"},
                                         {"models/vision/vit/model.yaml", "version: 0.1.0\n"}});
    CHECK(describe(changed_model_dirs(repo, before, after)) == "churn removed;fraud changed;vision/vit added;");
  }
  SECTION("a change to another file of a model's directory is a change of that model") {
    const Oid after = models_tree(repo, {{"models/fraud/model.yaml", "version: 1.0.0\n"},
                                         {"models/churn/model.yaml", "version: 2.0.0\n"},
                                         {"models/vision/resnet/model.yaml", "version: 1.0.0\n"},
                                         {"models/vision/resnet/README.md", "new card\n"}});
    const auto changes = changed_model_dirs(repo, before, after);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].name == "vision/resnet");
    CHECK(changes[0].before == repo.subtree_at(commit_files(repo, {{"m/model.yaml", "version: 1.0.0\n"},
                                                                   {"m/README.md", "card\n"}}),
                                               "m"));
  }
  SECTION("from and to an empty stage") {
    CHECK(describe(changed_model_dirs(repo, std::nullopt, before)) ==
          "churn added;fraud added;vision/resnet added;");
    CHECK(describe(changed_model_dirs(repo, before, std::nullopt)) ==
          "churn removed;fraud removed;vision/resnet removed;");
  }
}

TEST_CASE("changed_model_dirs reports the trees before and after", "[core][stage_history]") {
  TempDir tmp;
  Repository repo = make_repo(tmp.path());
  const Oid first = commit_files(repo, {{"models/fraud/model.yaml", "version: 1.0.0\n"}});
  const Oid second = commit_files(repo, {{"models/fraud/model.yaml", "version: 1.1.0\n"}});
  const auto changes = changed_model_dirs(repo, repo.subtree_at(first, "models"), repo.subtree_at(second, "models"));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].before == repo.subtree_at(first, "models/fraud"));
  CHECK(changes[0].after == repo.subtree_at(second, "models/fraud"));
}
