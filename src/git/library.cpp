#include "git/library.hpp"

#include <mutex>

#include <git2.h>

#include "git/git_error.hpp"

namespace mreg::git {

void ensure_libgit2_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    check(git_libgit2_init(), "initializing libgit2");
    // libgit2 re-hashes every object it reads; git does not (it checks
    // objects on transfer and in fsck). Reading a stage branch against
    // 20,000 version tags spent over a third of its time in that hashing.
    check(git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0), "configuring libgit2");
  });
}

}  // namespace mreg::git
