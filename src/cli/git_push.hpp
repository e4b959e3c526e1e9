// --push: pushing what a command just wrote with the user's own git.
//
// `git push <remote> <ref>...` runs as a child process with an argument
// vector (no shell), in the registry's work tree, so the user's credentials,
// config and hooks apply (mreg's pre-push hook uploads the blobs first).
// git's output goes to stderr, keeping stdout for the command's result.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mreg::cli {

// Throws Error(git) when git cannot be started or the push fails, with a
// hint holding the command to run again; the local change is kept either way.
void push_with_git(const std::filesystem::path& workdir, const std::string& remote,
                   const std::vector<std::string>& refs);

}  // namespace mreg::cli
