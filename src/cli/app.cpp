#include "cli/app.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "mreg/error.hpp"

namespace mreg::cli {

namespace {

constexpr const char* mreg_version = "0.1.0";

constexpr const char* description =
    "mreg: a git-native model registry. Metadata lives in git (models/NAME/model.yaml),\n"
    "weights in a content-addressed store, versions are tags NAME@vX.Y.Z.";

constexpr const char* footer =
    "Start with:\n"
    "  mreg init\n"
    "  mreg register fraud-detector model.json --metric auc=0.94 --owner risk@example.com\n"
    "  mreg get fraud-detector@latest -o serving/\n"
    "\n"
    "Run 'mreg COMMAND --help' for a command's options.\n"
    "Exit status: 0 done, 1 failed (including validation failures), 2 bad usage.";

// Arguments that no command or option took. CLI11 would report these as
// "a subcommand is required" or list them raw; say what they look like.
void refuse_leftovers(const CLI::App& app) {
  const auto leftovers = app.remaining();
  if (leftovers.empty()) {
    if (app.get_subcommands().empty()) {
      throw Error(ErrorCode::usage, "no command given", "run 'mreg --help' to see the commands");
    }
    return;
  }
  const std::string& first = leftovers.front();
  if (!first.empty() && first.front() == '-') {
    throw Error(ErrorCode::usage, fmt::format("unknown option '{}'", first), "run 'mreg COMMAND --help' for its options");
  }
  if (app.get_subcommands().empty()) {
    throw Error(ErrorCode::usage, fmt::format("unknown command '{}'", first), "run 'mreg --help' to see the commands");
  }
  throw Error(ErrorCode::usage, fmt::format("unexpected argument '{}'", first), "run 'mreg COMMAND --help' for its usage");
}

void enter_directory(const std::string& directory) {
  if (directory.empty()) return;
  std::error_code error;
  std::filesystem::current_path(directory, error);
  if (error) {
    throw Error(ErrorCode::not_found, fmt::format("cannot change to directory '{}': {}", directory, error.message()));
  }
}

ColorMode parse_color_mode(const std::string& when) {
  if (when == "always") return ColorMode::always;
  if (when == "never") return ColorMode::never;
  return ColorMode::automatic;
}

}  // namespace

Style GlobalOptions::stdout_style() const { return Style::for_fd(color, STDOUT_FILENO); }

void setup_app(CLI::App& app, GlobalOptions& global) {
  app.name("mreg");
  app.description(description);
  app.footer(footer);
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", fmt::format("mreg {}", mreg_version));
  app.add_option("-C", global.directory, "Run as if mreg was started in DIR (like git -C)")->type_name("DIR");
  auto* quiet = app.add_flag("-q,--quiet", global.quiet, "Print only errors and requested output (--json)");
  app.add_flag("-v,--verbose", global.verbose, "Print more detail")->excludes(quiet);
  app.add_option_function<std::string>(
         "--color", [&global](const std::string& when) { global.color = parse_color_mode(when); },
         "Color the output: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("auto|always|never");
  app.add_flag("--no-progress", global.no_progress, "Never draw progress bars");
  // Runs after parsing, before the command: relative paths on the command
  // line are then relative to -C, as in git.
  app.parse_complete_callback([&app, &global] {
    refuse_leftovers(app);
    enter_directory(global.directory);
  });

  setup_init(app, global);
  setup_add(app, global);
  setup_register(app, global);
  setup_list(app, global);
  setup_show(app, global);
  setup_versions(app, global);
  setup_get(app, global);
  setup_validate(app, global);
  setup_diff(app, global);
  setup_review(app, global);
  setup_stages(app, global);
  setup_promote(app, global);
  setup_demote(app, global);
  setup_deprecate(app, global);
  setup_history(app, global);
  setup_verify(app, global);
  setup_gc(app, global);
  setup_remote(app, global);
  setup_push(app, global);
  setup_fetch(app, global);
  setup_install_hooks(app, global);
  setup_hook(app, global);

  // Global options may also follow the command (`mreg list -q`); anything
  // else left over reaches refuse_leftovers().
  app.allow_extras();
  for (auto* command : app.get_subcommands({})) command->fallthrough()->allow_extras(false);
}

}  // namespace mreg::cli
