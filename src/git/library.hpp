// libgit2's process-wide setup.
//
// git_libgit2_init must run before any other libgit2 call. Repository's
// factories call ensure_libgit2_initialized(), so no caller has to remember;
// it runs git_libgit2_init exactly once per process and is thread-safe. The
// library is never shut down: its global state lives until the process exits.
#pragma once

namespace mreg::git {

void ensure_libgit2_initialized();

}  // namespace mreg::git
