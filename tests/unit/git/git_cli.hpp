// Helpers for the src/git tests: run the real git CLI to set repositories up
// and to check what mreg::git wrote, and make a test repository.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>

#include "git/repository.hpp"
#include "temp_dir.hpp"

namespace mreg::test {

inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

struct CommandResult {
  int status = 0;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  CommandResult result;
  std::array<char, 4096> buffer;
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// `git -C dir <args>` (args are passed to the shell as written); throws when git fails.
inline std::string git(const std::filesystem::path& dir, const std::string& args) {
  const std::string command = "git -C " + shell_quote(dir.string()) + " " + args;
  CommandResult result = run_command(command);
  if (result.status != 0) throw std::runtime_error(command + " failed:\n" + result.output);
  return result.output;
}

// A new repository in `dir` (made by mreg::git::Repository::init) with its own identity.
inline git::Repository make_repo(const std::filesystem::path& dir) {
  git::Repository repo = git::Repository::init(dir);
  git(dir, "config user.name 'Test User'");
  git(dir, "config user.email test@example.com");
  return repo;
}

// What `git fsck --strict` finds wrong; empty when the repository is sound.
// Its notices (an unborn HEAD, no refs) are not problems.
inline std::string fsck_problems(const std::filesystem::path& dir) {
  const CommandResult result =
      run_command("git -C " + shell_quote(dir.string()) + " fsck --no-progress --strict --no-dangling");
  std::string problems;
  std::size_t start = 0;
  while (start < result.output.size()) {
    const std::size_t end = std::min(result.output.find('\n', start), result.output.size());
    const std::string line = result.output.substr(start, end - start);
    if (line.rfind("notice:", 0) != 0) problems += line + '\n';
    start = end + 1;
  }
  if (result.status != 0) problems += "exit status " + std::to_string(result.status) + '\n';
  return problems;
}

inline git::Signature test_signature(std::int64_t time = 1700000000) {
  return git::Signature{"Test User", "test@example.com", time, 60};
}

// A commit of `files` with `parents`, made through Repository and not moving any ref.
inline git::Oid commit_files(git::Repository& repo, const std::vector<git::TreeFile>& files,
                             const std::vector<git::Oid>& parents = {},
                             std::string_view message = "test commit") {
  const git::Oid tree = repo.write_tree(files);
  return repo.create_commit(tree, parents, test_signature(), test_signature(), message);
}

// Runs the hidden test case `test_name` of this test binary in a child
// process whose git config is only what `home` holds: HOME=home,
// GIT_CONFIG_NOSYSTEM=1, no XDG_CONFIG_HOME. libgit2 reads the config search
// path once per process, so this is the only way to test without the user's
// config. The child finds its work directory in MREG_TEST_CHILD_DIR.
inline CommandResult run_test_in_child(const std::string& test_name, const std::filesystem::path& home,
                                       const std::filesystem::path& work_dir) {
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return run_command("env -u XDG_CONFIG_HOME -u GIT_DIR -u GIT_WORK_TREE HOME=" + shell_quote(home.string()) +
                     " GIT_CONFIG_NOSYSTEM=1 MREG_TEST_CHILD_DIR=" + shell_quote(work_dir.string()) + " " +
                     shell_quote(self.string()) + " " + shell_quote(test_name) + " --warn NoTests");
}

// The work directory given to a child test; nullptr outside run_test_in_child.
inline const char* child_test_dir() { return std::getenv("MREG_TEST_CHILD_DIR"); }

inline std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The id git's CLI gives for `revision` in the repository at `dir`.
inline git::Oid oid_of(const std::filesystem::path& dir, const std::string& revision) {
  const auto oid = git::Oid::from_hex(trimmed(git(dir, "rev-parse " + revision)));
  if (!oid) throw std::runtime_error("git rev-parse " + revision + " gave no object id");
  return *oid;
}

}  // namespace mreg::test
