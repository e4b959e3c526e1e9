// Registry::Impl: what an open registry holds, shared by the files that
// implement Registry's operations (register.cpp, query.cpp, get.cpp, ...).
#pragma once

#include <filesystem>
#include <string>

#include "core/fact_cache.hpp"
#include "git/repository.hpp"
#include "mreg/blob_store.hpp"
#include "mreg/config.hpp"
#include "mreg/registry.hpp"

namespace mreg {

struct Registry::Impl {
  git::Repository repo;
  std::filesystem::path workdir;
  RegistryConfig config;
  BlobStore store;
  // False in a deploy clone of a stage branch, which has no mreg.yaml in its
  // work tree: the config then comes from the default branch when it was
  // fetched, else it is the defaults with the stages found in the clone.
  // Such a clone reads stages but does not change them.
  bool config_in_work_tree = true;
  // Facts about git objects remembered across runs (fact_cache.hpp).
  mutable FactCache facts;

  // "models/<name>" (models_dir from mreg.yaml), '/'-separated, relative to the work tree.
  std::string model_dir(std::string_view name) const;
  // "models/<name>/model.yaml".
  std::string model_file(std::string_view name) const;
  // The git remote that stage branches and tags are pushed to and read from
  // when there is no local stage branch: git config mreg.gitRemote, else "origin".
  std::string git_remote() const;
  // Throws Error(invalid) unless mreg.yaml is in the work tree: a checkout of
  // a stage branch reads, but registering or changing stages there would
  // write on the stage branch without its rules. `what` names the operation.
  void require_work_tree_config(std::string_view what) const;
};

}  // namespace mreg
