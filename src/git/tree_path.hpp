// Checking the '/'-separated relative paths that go into trees and the index.
#pragma once

#include <string>
#include <string_view>

namespace mreg::git {

// `path` when it is a clean relative path: no empty, "." or ".." segment, no
// ".git" segment, no leading '/' or NUL. A trailing '/' is dropped when
// `is_directory`. Throws Error(invalid) naming `what` and the rule otherwise.
std::string checked_tree_path(std::string_view path, std::string_view what, bool is_directory = false);

}  // namespace mreg::git
