// Registry::verify: re-hashing what versions need from the local store.
//
// With no refs, the versions are every version tag's (deprecated ones too:
// they stay fetchable) plus, where a stage branch holds a version whose tag
// is not in this clone (a deploy clone), the stage's copy. A stage holding a
// hand-edited copy is not a version and is left to `mreg stages`. A file
// that several versions share is hashed once.
#include <algorithm>
#include <map>
#include <system_error>
#include <tuple>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/version_targets.hpp"
#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

using Status = VerifiedArtifact::Status;


Status status_of(const Error& error) {
  switch (error.code()) {
    case ErrorCode::not_found: return Status::missing;
    case ErrorCode::corrupt: return Status::corrupt;
    default: return Status::unreadable;
  }
}

// Hashes each distinct stored file once, whatever the number of versions
// that name it.
class FileChecker {
 public:
  explicit FileChecker(const BlobStore& store) : m_store(store) {}

  VerifiedArtifact check(const Artifact& artifact) {
    VerifiedArtifact result{artifact.path, artifact.digest, artifact.size, Status::ok, {}};
    const Outcome& outcome = outcome_of(artifact);
    result.status = outcome.status;
    result.problem = outcome.problem;
    if (outcome.status == Status::ok && outcome.stored_size != artifact.size) {
      result.status = Status::corrupt;
      result.problem = fmt::format(
          "{} is stored with {} bytes, but model.yaml records {} bytes for {}: the recorded size is wrong",
          artifact.digest.id(), outcome.stored_size, artifact.size, artifact.path);
    }
    return result;
  }

  std::size_t files_checked() const { return m_outcomes.size(); }
  std::uint64_t bytes_checked() const { return m_bytes; }

 private:
  struct Outcome {
    Status status = Status::ok;
    std::string problem;
    std::uint64_t stored_size = 0;
  };

  const Outcome& outcome_of(const Artifact& artifact) {
    const auto key = std::make_pair(artifact.digest, artifact.sha256);
    if (const auto found = m_outcomes.find(key); found != m_outcomes.end()) return found->second;
    Outcome outcome;
    try {
      m_store.verify(artifact.digest, artifact.sha256);
      outcome.stored_size = stored_size(artifact.digest);
      m_bytes += outcome.stored_size;
    } catch (const Error& error) {
      outcome.status = status_of(error);
      outcome.problem = error.what();
    }
    return m_outcomes.emplace(key, std::move(outcome)).first->second;
  }

  // The size of the file as stored: the manifest records it for a chunked
  // file, the object is the file otherwise.
  std::uint64_t stored_size(const Digest& digest) const {
    if (const auto manifest = m_store.read_manifest(digest)) return manifest->size;
    std::error_code error;
    const auto size = std::filesystem::file_size(m_store.object_path(digest), error);
    if (error) {
      throw Error(error == std::errc::no_such_file_or_directory ? ErrorCode::not_found : ErrorCode::io,
                  fmt::format("cannot read the size of '{}': {}", m_store.object_path(digest).string(),
                              error.message()));
    }
    return size;
  }

  const BlobStore& m_store;
  std::map<std::pair<Digest, std::optional<std::string>>, Outcome> m_outcomes;
  std::uint64_t m_bytes = 0;
};

}  // namespace

bool VerifiedVersion::ok() const {
  return problem.empty() && std::all_of(artifacts.begin(), artifacts.end(),
                                        [](const VerifiedArtifact& artifact) { return artifact.status == Status::ok; });
}

bool VerifyReport::ok() const {
  return std::all_of(versions.begin(), versions.end(), [](const VerifiedVersion& version) { return version.ok(); });
}

const char* to_string(VerifiedArtifact::Status status) noexcept {
  switch (status) {
    case Status::ok: return "ok";
    case Status::missing: return "missing";
    case Status::corrupt: return "corrupt";
    case Status::unreadable: return "unreadable";
  }
  return "unknown";
}

VerifyReport Registry::verify(const std::vector<ModelRef>& refs) const {
  std::vector<VersionTarget> targets = version_targets(*this, *m_impl, refs);

  VerifyReport report;
  FileChecker checker(m_impl->store);
  for (auto& target : targets) {
    for (const auto& artifact : target.artifacts) target.version.artifacts.push_back(checker.check(artifact));
    report.versions.push_back(std::move(target.version));
  }
  report.files_checked = checker.files_checked();
  report.bytes_checked = checker.bytes_checked();
  return report;
}

}  // namespace mreg
