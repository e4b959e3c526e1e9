// mreg's entry point: parse, run the command, and turn every failure into
// "mreg: error: ..." (plus a hint where one helps) and an exit status:
// 0 done, 1 failed, 2 bad usage.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/output.hpp"
#include "mreg/error.hpp"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

void report(const mreg::cli::GlobalOptions& global, std::string_view message, std::string_view hint) {
  std::cout.flush();
  const auto style = mreg::cli::Style::for_fd(global.color, STDERR_FILENO);
  std::cerr << "mreg: " << style.red("error:") << ' ' << message << '\n';
  if (!hint.empty()) std::cerr << style.bold("hint:") << ' ' << hint << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  mreg::cli::GlobalOptions global;
  CLI::App app;
  try {
    mreg::cli::setup_app(app, global);
    app.parse(argc, argv);
    std::cout.flush();
    if (!std::cout) throw mreg::Error(mreg::ErrorCode::io, "could not write to standard output");
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    report(global, e.what(), "run 'mreg --help' or 'mreg COMMAND --help' for usage");
    return exit_usage;
  } catch (const mreg::Error& e) {
    report(global, e.what(), e.hint());
    return e.code() == mreg::ErrorCode::usage ? exit_usage : exit_failure;
  } catch (const std::exception& e) {
    report(global, e.what(), {});
    return exit_failure;
  }
}
