// Opening the receiving repository from a server hook, pushed objects included.
//
// During pre-receive git keeps the pushed objects in a quarantine directory
// (GIT_QUARANTINE_PATH) until every hook has passed, and tells only its own
// children through GIT_OBJECT_DIRECTORY; libgit2 does not read that. So the
// guard opens a throw-away view of the repository: its refs, HEAD and config
// are the real repository's (symlinked or copied, never written), its object
// database the quarantine plus the repository's own objects as alternates.
// Outside pre-receive (the update hook runs after the objects moved in) the
// repository is opened as it is.
#pragma once

#include <filesystem>
#include <optional>

#include "git/repository.hpp"

namespace mreg {

class ReceivingRepository {
 public:
  // Error(not_found) when `git_dir` is not a git repository.
  explicit ReceivingRepository(const std::filesystem::path& git_dir);
  ~ReceivingRepository();
  ReceivingRepository(const ReceivingRepository&) = delete;
  ReceivingRepository& operator=(const ReceivingRepository&) = delete;

  // Moved out once by the guard; the view's directory lives until destruction.
  git::Repository take();

 private:
  std::filesystem::path m_view;  // empty when there is no quarantine
  std::optional<git::Repository> m_repo;
};

}  // namespace mreg
