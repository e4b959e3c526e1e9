// Registry::verify_remote: whether a blob remote holds every object that
// versions need (DESIGN §6 `verify --remote`), asked with HEAD requests in
// parallel. A chunked file's manifest is downloaded (it is small) to learn
// its chunks. Objects are not downloaded to be hashed: `fetch` verifies
// every byte it brings, and this answers "can a clone get these versions?".
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/transfer_plan.hpp"
#include "core/version_targets.hpp"
#include "mreg/error.hpp"
#include "remote/transfer_pool.hpp"
#include "util/file_io.hpp"

namespace mreg {
namespace {

using Status = VerifiedArtifact::Status;

struct Outcome {
  Status status = Status::ok;
  std::string problem;
};

// One object on the remote: there, with the size it must have.
Outcome check_object(Remote& remote, const std::string& key, std::uint64_t size) {
  const auto found = remote.stat(key);
  if (!found) return {Status::missing, fmt::format("{} is not on {}", key, remote.describe())};
  if (*found != size) {
    return {Status::corrupt, fmt::format("{} on {} has {} bytes, not {}", key, remote.describe(), *found, size)};
  }
  return {};
}

// The state of one file on the remote: its object, or its manifest and every chunk.
Outcome check_file(Remote& remote, const BlobStore& store, const Digest& digest, std::uint64_t size) {
  if (!stored_chunked(size)) return check_object(remote, remote_object_key(digest.hex()), size);
  const std::string manifest_key = remote_manifest_key(digest.hex());
  const auto path = store.new_download_path();
  struct Cleanup {
    const std::filesystem::path& path;
    ~Cleanup() { std::filesystem::remove(path); }
  } cleanup{path};
  try {
    remote.download(manifest_key, path);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::not_found) {
      return {Status::missing, fmt::format("{} is not on {}", manifest_key, remote.describe())};
    }
    throw;
  }
  Manifest manifest;
  try {
    manifest = parse_manifest(read_file_if_exists(path).value_or(""), remote.describe() + "/" + manifest_key);
  } catch (const Error& error) {
    return {Status::corrupt, error.what()};
  }
  for (const auto& chunk : manifest.chunks) {
    Outcome outcome = check_object(remote, remote_object_key(chunk.digest.hex()), chunk.size);
    if (outcome.status != Status::ok) return outcome;
  }
  return {};
}

}  // namespace

VerifyReport Registry::verify_remote(const std::vector<ModelRef>& refs, const TransferOptions& options) const {
  std::vector<VersionTarget> targets = version_targets(*this, *m_impl, refs);
  const RemoteUrl url = remote_url(options.remote);
  std::map<Digest, std::uint64_t> files;
  for (const auto& target : targets) {
    for (const auto& artifact : target.artifacts) files.emplace(artifact.digest, artifact.size);
  }
  std::mutex mutex;
  std::map<Digest, Outcome> outcomes;
  std::vector<TransferTask> tasks;
  for (const auto& [digest, size] : files) {
    tasks.push_back([&, digest = digest, size = size](Remote& remote, std::atomic<std::uint64_t>&) {
      Outcome outcome = check_file(remote, m_impl->store, digest, size);
      std::lock_guard lock(mutex);
      outcomes[digest] = std::move(outcome);
    });
  }
  run_transfers([&url] { return open_remote(url); }, options.jobs, tasks, no_progress());

  VerifyReport report;
  for (auto& target : targets) {
    for (const auto& artifact : target.artifacts) {
      const Outcome& outcome = outcomes[artifact.digest];
      target.version.artifacts.push_back({artifact.path, artifact.digest, artifact.size, outcome.status, outcome.problem});
    }
    report.versions.push_back(std::move(target.version));
  }
  report.files_checked = files.size();
  for (const auto& [digest, size] : files) report.bytes_checked += size;
  return report;
}

}  // namespace mreg
