#include "mreg/diagnostic.hpp"

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {

std::string Diagnostic::str() const {
  if (line <= 0) return fmt::format("{}: {}", file, message);
  if (column <= 0) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

void throw_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.str();
  }
  throw Error(ErrorCode::invalid, text.empty() ? std::string("validation failed") : text);
}

}  // namespace mreg
