// Turning libgit2 return codes into mreg::Error.
//
// libgit2 reports failure as a negative return code plus a thread-local
// message. check() is called right at each call site, so the error says what
// we were doing ("reading commit 1a2b...") and what libgit2 said.
#pragma once

#include <string>
#include <string_view>

namespace mreg::git {

// libgit2's message for the last failure on this thread ("unknown libgit2
// error" when there is none).
std::string last_error_message();

// Throws Error(git, "<what>: <libgit2 message>").
[[noreturn]] void throw_git_error(std::string_view what);

// Returns `rc` when it is not negative; otherwise throws as above.
inline int check(int rc, std::string_view what) {
  if (rc < 0) throw_git_error(what);
  return rc;
}

}  // namespace mreg::git
