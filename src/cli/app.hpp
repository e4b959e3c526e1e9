// The mreg command line: global options and the list of subcommands.
//
// setup_app() declares everything on a CLI::App; parsing it runs the chosen
// command. Commands throw (mreg::Error, CLI::ParseError, std::exception) and
// main() turns every failure into a message and an exit status in one place.
#pragma once

#include <string>

#include "cli/output.hpp"

namespace CLI {
class App;
}

namespace mreg::cli {

struct GlobalOptions {
  std::string directory;  // -C: run as if started there
  bool quiet = false;     // -q: no informational output
  bool verbose = false;   // -v: more detail
  ColorMode color = ColorMode::automatic;
  bool no_progress = false;

  // Styling for stdout, and whether progress bars may be drawn.
  Style stdout_style() const;
  bool progress_allowed() const { return !no_progress && !quiet; }
};

void setup_app(CLI::App& app, GlobalOptions& global);

}  // namespace mreg::cli
