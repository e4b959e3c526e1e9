// mreg validate: schema and rule checks with file:line:col messages.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct ValidateCommand {
  std::vector<std::string> paths;
  bool json = false;
};

void run_validate(const ValidateCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const std::vector<std::filesystem::path> paths(command.paths.begin(), command.paths.end());
  const auto diagnostics = registry.validate(paths);

  if (command.json) {
    nlohmann::ordered_json out;
    out["ok"] = diagnostics.empty();
    out["diagnostics"] = nlohmann::ordered_json::array();
    for (const auto& d : diagnostics) {
      out["diagnostics"].push_back({{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}});
    }
    print_json(std::cout, out);
  } else {
    for (const auto& d : diagnostics) fmt::print("{}\n", d.str());
    if (diagnostics.empty() && !global.quiet) fmt::print("no problems found\n");
  }
  if (!diagnostics.empty()) {
    throw Error(ErrorCode::invalid, fmt::format("validation failed: {} problem{}", diagnostics.size(),
                                                diagnostics.size() == 1 ? "" : "s"));
  }
}

}  // namespace

void setup_validate(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<ValidateCommand>();
  auto* cmd = app.add_subcommand("validate", "Check mreg.yaml and model.yaml files against the schema and rules");
  cmd->add_option("PATH", command->paths,
                  "Files to check (default: mreg.yaml and every models/**/model.yaml)")
      ->type_name("");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Prints one line per problem as file:line:col: message and exits with status 1 when\n"
      "there is any (line and column are 0 when a problem has no position, e.g. a missing field).\n"
      "\n"
      "JSON (--json): {\"ok\" (bool), \"diagnostics\": [{\"file\", \"line\", \"column\", \"message\"}]}\n"
      "\n"
      "Examples:\n"
      "  mreg validate\n"
      "  mreg validate models/fraud-detector/model.yaml\n");
  cmd->callback([command, &global] { run_validate(*command, global); });
}

}  // namespace mreg::cli
