// Registry::Impl: what an open registry holds, shared by the files that
// implement Registry's operations (register.cpp, query.cpp, get.cpp, ...).
#pragma once

#include <filesystem>
#include <string>

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

  // "models/<name>" (models_dir from mreg.yaml), '/'-separated, relative to the work tree.
  std::string model_dir(std::string_view name) const;
  // "models/<name>/model.yaml".
  std::string model_file(std::string_view name) const;
};

}  // namespace mreg
