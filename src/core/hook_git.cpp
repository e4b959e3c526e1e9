// run_git: a child git process whose stdout is read whole.
#include "core/hook_git.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mreg/error.hpp"

namespace mreg {

std::string run_git(const std::filesystem::path& directory, const std::vector<std::string>& args) {
  std::vector<std::string> argv_text{"git", "-C", directory.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw Error(ErrorCode::io, "cannot create a pipe to run git");
  const pid_t child = fork();
  if (child < 0) throw Error(ErrorCode::io, "cannot start git");
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execvp("git", argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[65536];
  for (;;) {
    const ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
    if (got > 0) {
      output.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorCode::git, fmt::format("`git {}` failed (exit status {})", fmt::join(args, " "),
                                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return output;
}

}  // namespace mreg
