// Registry::check_staged: the pre-commit hook's checks (DESIGN §7).
//
// What is checked is what will be committed: the blobs in the index, listed
// by git itself (a `git commit -a` stages into a temporary index that only
// git's environment names), not the files in the work tree, which may hold
// unstaged edits. A version's objects must be somewhere a clone can get
// them from: the local store, or the default remote.
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "core/hook_git.hpp"
#include "core/registry_impl.hpp"
#include "mreg/error.hpp"
#include "mreg/remote.hpp"

namespace mreg {
namespace {

struct StagedFile {
  std::string path;
  git::Oid blob;
};

// `git ls-files -s -z` of mreg.yaml and every model.yaml below the models directory.
std::vector<StagedFile> staged_files(const Registry::Impl& impl) {
  const std::vector<std::string> args{"ls-files", "-s", "-z", "--", std::string(config_file_name),
                                      fmt::format(":(glob){}/**/model.yaml", impl.config.models_dir)};
  const std::string output = run_git(impl.workdir, args);
  std::vector<StagedFile> files;
  std::istringstream entries(output);
  std::string entry;
  while (std::getline(entries, entry, '\0')) {
    // "<mode> <blob> <stage>\t<path>"
    const auto tab = entry.find('\t');
    if (tab == std::string::npos || entry.size() < 48) continue;
    if (auto blob = git::Oid::from_hex(entry.substr(7, 40))) files.push_back({entry.substr(tab + 1), *blob});
  }
  return files;
}

// Whether the default remote has the object (or the manifest of a chunked file).
class RemoteProbe {
 public:
  explicit RemoteProbe(const Registry& registry) {
    try {
      m_url = registry.remote_url();
    } catch (const Error& error) {
      if (error.code() != ErrorCode::not_found) throw;
    }
  }
  bool configured() const { return m_url.has_value(); }
  std::string name() const { return m_url ? m_url->text : std::string(); }
  bool has(const Digest& digest) {
    if (!m_remote) m_remote = open_remote(*m_url);
    return m_remote->stat(remote_object_key(digest.hex())) || m_remote->stat(remote_manifest_key(digest.hex()));
  }

 private:
  std::optional<RemoteUrl> m_url;
  std::unique_ptr<Remote> m_remote;
};

}  // namespace

std::vector<Diagnostic> Registry::check_staged() const {
  const auto& impl = *m_impl;
  // A checkout of a stage branch is written by promote/demote and checked by
  // the server guard; its commits hold no drafts to check.
  if (!impl.config_in_work_tree) return {};
  const std::string models_prefix = impl.config.models_dir + "/";
  std::vector<Diagnostic> diagnostics;
  RemoteProbe remote(*this);
  for (const auto& file : staged_files(impl)) {
    const std::string text = impl.repo.read_blob(file.blob);
    if (file.path == config_file_name) {
      const auto found = parse_registry_config(text, file.path).diagnostics;
      diagnostics.insert(diagnostics.end(), found.begin(), found.end());
      continue;
    }
    MetadataRules rules;
    rules.required_fields = impl.config.require;
    rules.require_sha256 = impl.config.integrity == Integrity::sha256;
    rules.allow_draft = true;
    // models/<name>/model.yaml: the name is what lies between.
    rules.expected_name = file.path.substr(models_prefix.size(), file.path.size() - models_prefix.size() - 11);
    auto parsed = parse_model_metadata(text, file.path, rules);
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (!parsed.metadata) continue;
    for (const auto& artifact : parsed.metadata->artifacts) {
      if (impl.store.contains(artifact.digest)) continue;
      if (!remote.configured()) {
        diagnostics.push_back({file.path, 0, 0,
                               fmt::format("artifact {} ({}) is not in the local store and no remote is configured: "
                                           "add its file again (mreg add), or fetch it (mreg fetch --remote URL)",
                                           artifact.path, artifact.digest.id())});
      } else if (!remote.has(artifact.digest)) {
        diagnostics.push_back({file.path, 0, 0,
                               fmt::format("artifact {} ({}) is neither in the local store nor on the remote {}: "
                                           "add its file again (mreg add)",
                                           artifact.path, artifact.digest.id(), remote.name())});
      }
    }
  }
  return diagnostics;
}

}  // namespace mreg
