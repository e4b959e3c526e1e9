#include "core/transfer_plan.hpp"

#include <set>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/manifest.hpp"

namespace mreg {

std::vector<TransferFile> files_of(const std::vector<VersionTarget>& targets) {
  std::vector<TransferFile> files;
  std::set<Digest> seen;
  std::string problems;
  for (const auto& target : targets) {
    const std::string label = target.version.version
                                  ? fmt::format("{}@{}", target.version.name, target.version.version->str())
                                  : target.version.name;
    if (!target.version.problem.empty()) problems += fmt::format("\n  {}: {}", label, target.version.problem);
    for (const auto& artifact : target.artifacts) {
      if (!seen.insert(artifact.digest).second) continue;
      files.push_back({artifact.digest, artifact.size, fmt::format("{}: {}", label, artifact.path)});
    }
  }
  if (!problems.empty()) {
    throw Error(ErrorCode::invalid, fmt::format("cannot read the metadata of some versions:{}", problems),
                "name the versions to transfer explicitly, or fix the refs named");
  }
  return files;
}

bool stored_chunked(std::uint64_t size) { return size > k_max_object_size; }

std::string default_remote_label(const Registry& registry, const RemoteUrl& url) {
  for (const auto& remote : registry.remotes()) {
    if (remote.is_default) return remote.name;
  }
  return url.text;
}

}  // namespace mreg
