#include "git/library.hpp"

#include <mutex>

#include <git2.h>

#include "git/git_error.hpp"

namespace mreg::git {

void ensure_libgit2_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { check(git_libgit2_init(), "initializing libgit2"); });
}

}  // namespace mreg::git
