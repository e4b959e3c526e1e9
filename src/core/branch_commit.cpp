#include "core/branch_commit.hpp"

#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

// Where the commit goes: reading the current tip and moving it from there.
struct RefAccess {
  std::string name;  // for messages: "refs/heads/main", "HEAD"
  std::function<std::optional<git::Oid>()> read_tip;
  // Moves the ref to `commit` if it still points at `expected`; `reflog` for git's reflog.
  std::function<bool(const git::Oid& commit, const std::optional<git::Oid>& expected, const std::string& reflog)>
      move;
};

// A ref lock this old was left by a killed process (see remove_stale_ref_lock).
constexpr std::chrono::seconds k_stale_lock_age{2};

std::string reflog_message(std::string_view message) {
  return fmt::format("mreg: {}", message.substr(0, message.find('\n')));
}

std::optional<git::Oid> commit_with_retries(git::Repository& repo, const RefAccess& ref,
                                            const std::optional<git::Oid>& start_when_absent,
                                            const CommitPlanner& plan, const git::Signature& signature) {
  constexpr int max_attempts = 50;
  std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const auto tip = ref.read_tip();
    const auto parent = tip ? tip : start_when_absent;
    const auto planned = plan(parent);
    if (!planned) return std::nullopt;
    std::vector<git::Oid> parents;
    if (parent) parents.push_back(*parent);
    const git::Oid commit = repo.create_commit(planned->tree, parents, signature, signature, planned->message);
    if (ref.move(commit, tip, reflog_message(planned->message))) return commit;
    // A process killed while it held the ref's lock leaves the lock behind.
    repo.remove_stale_ref_lock(ref.name, k_stale_lock_age);
    // Another writer won the race: back off a little, then plan again on its commit.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % (10 * attempt)));
  }
  throw Error(ErrorCode::conflict,
              fmt::format("could not update {} after {} attempts: other processes kept moving it or holding its lock "
                          "({}.lock)",
                          ref.name, max_attempts, ref.name),
              "retry the command");
}

}  // namespace

git::Oid commit_on_head(git::Repository& repo, const TreeBuilder& build_tree, const git::Signature& signature,
                        std::string_view message) {
  const auto branch = repo.head_branch_ref();
  RefAccess head{branch ? *branch : std::string("HEAD"), [&] { return repo.head_commit(); },
                 [&](const git::Oid& commit, const std::optional<git::Oid>& expected, const std::string& reflog) {
                   return branch ? repo.update_ref(*branch, commit, expected, reflog)
                                 : repo.update_detached_head(commit, *expected);
                 }};
  const auto commit = commit_with_retries(
      repo, head, std::nullopt,
      [&](const std::optional<git::Oid>& parent) {
        return std::optional<CommitPlan>(CommitPlan{build_tree(parent), std::string(message)});
      },
      signature);
  return *commit;
}

std::optional<git::Oid> commit_on_branch(git::Repository& repo, std::string_view ref,
                                         const std::optional<git::Oid>& start_when_absent, const CommitPlanner& plan,
                                         const git::Signature& signature) {
  RefAccess branch{std::string(ref), [&] { return repo.resolve_ref(ref); },
                   [&](const git::Oid& commit, const std::optional<git::Oid>& expected, const std::string& reflog) {
                     return repo.update_ref(ref, commit, expected, reflog);
                   }};
  return commit_with_retries(repo, branch, start_when_absent, plan, signature);
}

}  // namespace mreg
