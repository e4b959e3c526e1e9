#include "mreg/error.hpp"

namespace mreg {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid: return "invalid";
    case ErrorCode::usage: return "usage";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::io: return "io";
    case ErrorCode::git: return "git";
  }
  return "unknown";
}

}  // namespace mreg
