// mreg::Error is the one exception type the library throws.
//
// Every failure carries a code (what kind of failure, so callers can branch
// and the CLI can pick an exit status), a message that says what went wrong
// naming the file, field or argument involved, and optionally a hint that
// says what to do about it. "Not found" is only an error where absence is
// unexpected; lookups where absence is a normal answer return std::optional.
#pragma once

#include <stdexcept>
#include <string>

namespace mreg {

enum class ErrorCode {
  invalid,         // bad input: names, versions, YAML, artifact paths, flags
  usage,           // the command line itself is wrong (exit status 2)
  not_found,       // a model, version, file, object or ref that must exist does not
  already_exists,  // refusing to overwrite: a version tag, mreg.yaml, an output file
  corrupt,         // stored data does not hash to its id
  conflict,        // a concurrent writer won a race we could not retry
  io,              // the operating system refused a read or write
  git,             // libgit2 reported an error
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), m_code(code), m_hint(std::move(hint)) {}

  ErrorCode code() const noexcept { return m_code; }
  const std::string& hint() const noexcept { return m_hint; }

 private:
  ErrorCode m_code;
  std::string m_hint;
};

// Short name of a code, for --json error output and logs ("not_found").
const char* to_string(ErrorCode code) noexcept;

}  // namespace mreg
