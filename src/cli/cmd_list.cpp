// mreg list: every model with its latest version and counts.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct ListCommand {
  bool json = false;
};

void run_list(const ListCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto models = registry.list();

  if (command.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& model : models) {
      nlohmann::ordered_json entry;
      entry["name"] = model.name;
      entry["latest"] = model.latest ? nlohmann::ordered_json(model.latest->str()) : nullptr;
      entry["versions"] = model.version_count;
      entry["deprecated"] = model.deprecated_count;
      out.push_back(std::move(entry));
    }
    print_json(std::cout, out);
    return;
  }
  if (models.empty()) {
    if (!global.quiet) fmt::print("no models registered yet; register one with: mreg register NAME PATH...\n");
    return;
  }
  Table table({"NAME", "LATEST", "VERSIONS", "DEPRECATED"});
  for (const auto& model : models) {
    table.add_row({model.name, model.latest ? model.latest->str() : "-", std::to_string(model.version_count),
                   std::to_string(model.deprecated_count)});
  }
  table.print(std::cout, global.stdout_style());
}

}  // namespace

void setup_list(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<ListCommand>();
  auto* cmd = app.add_subcommand("list", "List the registered models with their latest version");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "LATEST is the highest version that is not deprecated (prereleases only when there is\n"
      "nothing else); '-' when every version is deprecated.\n"
      "\n"
      "JSON (--json): [{\"name\", \"latest\" (string or null), \"versions\" (number),\n"
      "                \"deprecated\" (number)}], sorted by name\n"
      "\n"
      "Example:\n"
      "  mreg list --json | jq -r '.[].name'\n");
  cmd->callback([command, &global] { run_list(*command, global); });
}

}  // namespace mreg::cli
