// Registry::get: materializing a version's artifacts into a directory.
//
// Everything is checked before the first byte is written: artifact paths
// (model.yaml may come from an untrusted push), symlinks that would lead
// writes outside the directory, objects missing from the store, and existing
// files that differ (replaced only with Overwrite::yes). Each file is then
// written atomically and verified by the store.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <stdlib.h>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"
#include "util/progress_scope.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

// Refuses a path whose components below `root` include a symlink: writing
// through it could land outside the output directory.
void check_no_symlinks(const fs::path& root, const std::string& artifact_path) {
  fs::path current = root;
  for (const auto& part : fs::path(artifact_path)) {
    current /= part;
    std::error_code ec;
    const auto status = fs::symlink_status(current, ec);
    if (ec || !fs::exists(status)) return;
    if (fs::is_symlink(status)) {
      throw Error(ErrorCode::invalid,
                  fmt::format("refusing to write {}: {} is a symbolic link", (root / artifact_path).string(),
                              current.string()),
                  "remove the link, or choose another output directory with -o");
    }
  }
}

// A hidden directory inside the output directory for the first phase of get.
// Removed when done; on failure the output directory is removed too if this
// get created it, so a failed get leaves nothing behind.
class StagingDirectory {
 public:
  explicit StagingDirectory(const fs::path& directory) : m_created_parent(!fs::exists(directory)), m_parent(directory) {
    fs::create_directories(directory);
    std::string pattern = (directory / ".mreg-get-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      throw Error(ErrorCode::io, fmt::format("cannot create a staging directory in {}: {}", directory.string(),
                                             std::strerror(errno)));
    }
    m_path = pattern;
  }
  ~StagingDirectory() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
    if (m_created_parent) fs::remove_all(m_parent, ignored);
  }
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  const fs::path& path() const { return m_path; }
  void keep_directory() { m_created_parent = false; }

 private:
  bool m_created_parent;
  fs::path m_parent;
  fs::path m_path;
};

struct PlannedFile {
  const Artifact* artifact;
  fs::path destination;
  GetResult::FileStatus status;
};

}  // namespace

GetResult Registry::get(const ModelRef& ref, const fs::path& directory, Overwrite overwrite, Progress& progress) {
  const auto resolved = resolve(ref);
  const auto& store = m_impl->store;
  std::vector<PlannedFile> plan;
  std::vector<std::string> differing, missing;
  for (const auto& artifact : resolved.metadata.artifacts) {
    if (auto problem = artifact_path_problem(artifact.path)) {
      throw Error(ErrorCode::invalid, fmt::format("{}@{}: unsafe artifact path \"{}\": {}", ref.name,
                                                  resolved.info.version.str(), artifact.path, *problem));
    }
    check_no_symlinks(directory, artifact.path);
    const fs::path destination = directory / artifact.path;
    auto status = GetResult::FileStatus::written;
    std::error_code ec;
    if (fs::exists(destination, ec)) {
      if (!fs::is_regular_file(destination)) {
        throw Error(ErrorCode::already_exists, fmt::format("{} exists and is not a regular file", destination.string()));
      }
      const bool same = fs::file_size(destination) == artifact.size && hash_file(destination) == artifact.digest;
      status = same ? GetResult::FileStatus::unchanged : GetResult::FileStatus::replaced;
      if (!same) differing.push_back(destination.string());
    }
    if (status != GetResult::FileStatus::unchanged && !store.contains(artifact.digest)) {
      missing.push_back(fmt::format("{} ({})", artifact.path, artifact.digest.id()));
    }
    plan.push_back({&artifact, destination, status});
  }
  if (!missing.empty()) {
    throw Error(ErrorCode::not_found,
                fmt::format("{} object(s) of {}@{} are not in the local store: {}", missing.size(), ref.name,
                            resolved.info.version.str(), fmt::join(missing, ", ")),
                "they were registered on another machine: `mreg get REF --remote R` fetches them from the blob "
                "remote it pushed to (`mreg remote add NAME URL` makes one the default)");
  }
  if (!differing.empty() && overwrite == Overwrite::no) {
    throw Error(ErrorCode::already_exists,
                fmt::format("{} existing file(s) differ from {}@{}: {}", differing.size(), ref.name,
                            resolved.info.version.str(), fmt::join(differing, ", ")),
                "pass --force to replace them, or choose another directory with -o");
  }

  GetResult result;
  result.directory = directory;
  result.verified = resolved.verified;
  result.tag = resolved.info.tag;
  std::uint64_t total = 0;
  for (const auto& file : plan) {
    if (file.status != GetResult::FileStatus::unchanged) total += file.artifact->size;
  }
  const bool anything_to_write = std::any_of(plan.begin(), plan.end(), [](const PlannedFile& file) {
    return file.status != GetResult::FileStatus::unchanged;
  });
  if (anything_to_write) {
    // Two phases: every file is materialized (and verified) into a staging
    // directory inside `directory`, then renamed into place, so a corrupt
    // object found on the last file leaves the directory as it was.
    StagingDirectory staging(directory);
    {
      const ProgressScope scope(progress, "materializing", total);
      for (const auto& file : plan) {
        if (file.status == GetResult::FileStatus::unchanged) continue;
        store.materialize(file.artifact->digest, file.artifact->size, staging.path() / file.artifact->path, progress,
                          file.artifact->sha256);
      }
    }
    for (const auto& file : plan) {
      if (file.status == GetResult::FileStatus::unchanged) continue;
      fs::create_directories(file.destination.parent_path());
      fs::rename(staging.path() / file.artifact->path, file.destination);
      result.bytes_written += file.artifact->size;
    }
    staging.keep_directory();
  }
  for (const auto& file : plan) result.files.emplace_back(file.artifact->path, file.status);
  return result;
}

}  // namespace mreg
