// FactCache: facts about immutable git objects, remembered across runs in
// .git/mreg/cache.sqlite, so that reading stages stays fast with many tags.
//
// Checking that a stage holds a registered version compares the stage's
// subtree with the tagged commit's, and finding the latter reads a tag, a
// commit and three or four trees: over 20,000 tags and three stages that was
// most of `mreg list`. Both facts kept here are pure functions of object ids
// (named by their content), so they never need invalidating, and a cache
// shared by several clones (mreg.cacheDir) stays correct:
//   - tagged subtree: (tag ref's target, "models/<name>") -> tree id there;
//   - model version: a model directory's tree id -> the `version:` its
//     model.yaml names (only remembered for trees that matched their tag).
//
// Not thread-safe (one per Registry). The database opens lazily; what the
// remember_* calls collect is written in one transaction by flush() or the
// destructor. Any sqlite failure just means no caching.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/repository.hpp"

namespace mreg {

class FactCache {
 public:
  explicit FactCache(std::filesystem::path file);
  FactCache(FactCache&&) noexcept;
  ~FactCache();

  std::optional<git::Oid> tagged_subtree(const git::Oid& tag_target, std::string_view directory);
  void remember_tagged_subtree(const git::Oid& tag_target, std::string_view directory, const git::Oid& subtree);

  std::optional<std::string> model_version(const git::Oid& model_tree);
  void remember_model_version(const git::Oid& model_tree, std::string_view version);

  void flush() noexcept;

 private:
  struct Database;
  Database* database();

  std::filesystem::path m_file;
  std::unique_ptr<Database> m_database;
  bool m_unavailable = false;
  struct TaggedSubtree {
    git::Oid target;
    std::string directory;
    git::Oid subtree;
  };
  std::vector<TaggedSubtree> m_new_subtrees;
  std::vector<std::pair<git::Oid, std::string>> m_new_versions;
};

}  // namespace mreg
