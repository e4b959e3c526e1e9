// TerminalProgress: a one-line progress bar on stderr.
//
// Shows the label, a bar, the percentage, bytes done of the total and the
// rate in MB/s, redrawn at most about ten times a second. It draws only
// when it is enabled (no --no-progress, no -q) and stderr is a terminal;
// otherwise every call does nothing, so output piped to a file or read by a
// test stays clean. The line is erased when a piece of work ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "mreg/progress.hpp"

namespace mreg::cli {

class TerminalProgress : public Progress {
 public:
  explicit TerminalProgress(bool enabled);
  ~TerminalProgress() override;

  void begin(std::string_view label, std::uint64_t total_bytes) override;
  void advance(std::uint64_t bytes) override;
  void end() override;

 private:
  using Clock = std::chrono::steady_clock;
  void draw();
  void erase();

  bool m_enabled = false;
  bool m_drawn = false;
  std::string m_label;
  std::uint64_t m_total = 0;
  std::uint64_t m_done = 0;
  Clock::time_point m_start;
  Clock::time_point m_last_draw;
};

}  // namespace mreg::cli
