// ProgressScope: pairs Progress::begin() with Progress::end().
//
// end() is called when the scope closes, also when the work throws, so a
// progress bar is always taken down before the error is printed.
#pragma once

#include <cstdint>
#include <string_view>

#include "mreg/progress.hpp"

namespace mreg {

class ProgressScope {
 public:
  ProgressScope(Progress& progress, std::string_view label, std::uint64_t total_bytes) : m_progress(progress) {
    m_progress.begin(label, total_bytes);
  }
  ~ProgressScope() { m_progress.end(); }
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  Progress& m_progress;
};

}  // namespace mreg
