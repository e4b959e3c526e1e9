#include "core/branch_commit.hpp"

#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {

git::Oid commit_on_head(git::Repository& repo, const TreeBuilder& build_tree, const git::Signature& signature,
                        std::string_view message) {
  constexpr int max_attempts = 50;
  std::minstd_rand jitter(std::random_device{}());
  const auto branch = repo.head_branch_ref();
  const std::string reflog = fmt::format("mreg: {}", message.substr(0, message.find('\n')));
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const auto head = repo.head_commit();
    const git::Oid tree = build_tree(head);
    std::vector<git::Oid> parents;
    if (head) parents.push_back(*head);
    const git::Oid commit = repo.create_commit(tree, parents, signature, signature, message);
    const bool moved = branch ? repo.update_ref(*branch, commit, head, reflog)
                              : repo.update_detached_head(commit, *head);
    if (moved) return commit;
    // Another writer won the race: back off a little, then rebuild on its commit.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % (10 * attempt)));
  }
  throw Error(ErrorCode::conflict,
              fmt::format("could not update {} after {} attempts: other processes kept moving it",
                          branch ? *branch : std::string("HEAD"), max_attempts),
              "retry the command");
}

}  // namespace mreg
