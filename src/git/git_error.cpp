#include "git/git_error.hpp"

#include <string>

#include <fmt/format.h>
#include <git2.h>

#include "mreg/error.hpp"

namespace mreg::git {

std::string last_error_message() {
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr || *error->message == '\0') {
    return "unknown libgit2 error";
  }
  return error->message;
}

void throw_git_error(std::string_view what) {
  throw Error(ErrorCode::git, fmt::format("{}: {}", what, last_error_message()));
}

}  // namespace mreg::git
