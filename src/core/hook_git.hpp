// Running the git CLI from a hook, where libgit2 would read the wrong state.
//
// git hands hooks part of their state in its environment: `git commit -a`
// or `git commit FILE` points GIT_INDEX_FILE at a temporary index, and
// pre-receive puts the pushed objects in a quarantine directory named by
// GIT_OBJECT_DIRECTORY. libgit2 reads neither, so the hooks ask git itself.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mreg {

// Runs `git ARGS...` in `directory` (argument vector, no shell) and returns
// its stdout. Throws Error(git) with git's exit status when it fails.
std::string run_git(const std::filesystem::path& directory, const std::vector<std::string>& args);

}  // namespace mreg
