// Progress reporting for long work (hashing, copying, transfers).
//
// The library reports; the caller decides how to show it (the CLI draws a bar
// on a terminal and nothing otherwise). Calls come from the thread that runs
// the operation, in order begin -> advance* -> end.
#pragma once

#include <cstdint>
#include <string_view>

namespace mreg {

class Progress {
 public:
  virtual ~Progress() = default;
  virtual void begin(std::string_view /*label*/, std::uint64_t /*total_bytes*/) {}
  virtual void advance(std::uint64_t /*bytes*/) {}
  virtual void end() {}
};

// A Progress that shows nothing.
Progress& no_progress();

}  // namespace mreg
