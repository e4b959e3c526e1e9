#include "cli/git_push.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mreg/error.hpp"

extern char** environ;

namespace mreg::cli {

void push_with_git(const std::filesystem::path& workdir, const std::string& remote,
                   const std::vector<std::string>& refs) {
  std::vector<std::string> args{"git", "-C", workdir.string(), "push", remote};
  args.insert(args.end(), refs.begin(), refs.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  // What this command printed so far comes before git's output.
  std::cout.flush();
  std::fflush(stdout);
  const std::string retry = fmt::format("git push {} {}", remote, fmt::join(refs, " "));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw Error(ErrorCode::git, fmt::format("cannot run git to push: {}", std::strerror(rc)),
                "the local change is made; install git, then run: " + retry);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorCode::git, fmt::format("waiting for git push: {}", std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorCode::git,
                fmt::format("git push to {} failed{}", remote,
                            WIFEXITED(status) ? fmt::format(" (exit status {})", WEXITSTATUS(status)) : ""),
                "the local change is made and kept; fix what git said above, then run: " + retry);
  }
}

}  // namespace mreg::cli
