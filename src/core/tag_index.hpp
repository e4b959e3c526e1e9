// TagIndex: every model version and deprecation, from one listing of refs/tags.
//
// Reading refs must stay fast with many thousands of tags, so the index is
// built from a single pass over the tag refs (names and ids only, no object
// reads) and answers every "which versions exist" question from memory.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/repository.hpp"
#include "mreg/version.hpp"

namespace mreg {

struct IndexedVersion {
  Version version;
  git::Oid tag_target;  // the tag ref's direct target (tag object or commit)
  bool deprecated = false;
};

class TagIndex {
 public:
  static TagIndex read(const git::Repository& repo);
  // The same, for one model's tags only (what resolving NAME@... or NAME#STAGE
  // needs): with 100,000 tags, the others need not be parsed.
  static TagIndex read_model(const git::Repository& repo, std::string_view name);

  // Versions of `name`, ascending by SemVer precedence; empty when unknown.
  const std::vector<IndexedVersion>& versions_of(std::string_view name) const;
  const IndexedVersion* find(std::string_view name, const Version& version) const;
  // Highest non-deprecated release; a prerelease only when there is no release.
  std::optional<Version> latest(std::string_view name) const;
  // Highest version of any kind, deprecated or not (what a new version bumps from).
  std::optional<Version> highest(std::string_view name) const;
  // Model names with at least one version, sorted.
  std::vector<std::string> names() const;

  // From a listing of tag refs; only model `only` when it is not empty.
  static TagIndex from_refs(const std::vector<std::pair<std::string, git::Oid>>& refs, std::string_view only);

 private:
  std::map<std::string, std::vector<IndexedVersion>, std::less<>> m_models;
};

}  // namespace mreg
