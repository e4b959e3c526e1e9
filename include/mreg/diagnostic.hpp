// A validation finding with its position, printed as "file:line:col: message".
#pragma once

#include <string>
#include <vector>

namespace mreg {

struct Diagnostic {
  std::string file;  // as the user named it, e.g. "models/fraud/model.yaml"
  int line = 0;      // 1-based; 0 when the problem has no position (e.g. a missing field)
  int column = 0;    // 1-based; 0 when unknown
  std::string message;  // names the field, what was expected and what was found

  std::string str() const;  // "file:line:col: message" (or "file: message" without a position)
};

// Throws Error(invalid) whose message lists every diagnostic, one per line.
[[noreturn]] void throw_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace mreg
