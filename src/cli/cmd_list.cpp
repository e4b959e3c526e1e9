// mreg list: every model with its latest version and counts.
#include <cctype>
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
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct ListCommand {
  bool json = false;
};

const StageEntry* held_on(const ModelSummary& model, const std::string& stage) {
  for (const auto& [name, entry] : model.stages) {
    if (name == stage) return &entry;
  }
  return nullptr;
}

// The version a stage holds; a copy that is not exactly a registered version is flagged.
std::string stage_cell(const StageEntry* entry, const Style& style) {
  if (!entry) return "-";
  const std::string version = entry->version ? entry->version->str() : "?";
  if (entry->status == StageEntry::Status::verified) return version;
  return style.red(fmt::format("{} ({})", version, to_string(entry->status)));
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

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
      auto stages = nlohmann::ordered_json::object();
      for (const auto& stage : registry.config().stages) {
        const StageEntry* held = held_on(model, stage.name);
        stages[stage.name] = held && held->version ? nlohmann::ordered_json(held->version->str()) : nullptr;
      }
      entry["stages"] = std::move(stages);
      out.push_back(std::move(entry));
    }
    print_json(std::cout, out);
    return;
  }
  if (models.empty()) {
    if (!global.quiet) fmt::print("no models registered yet; register one with: mreg register NAME PATH...\n");
    return;
  }
  const Style style = global.stdout_style();
  std::vector<std::string> header{"NAME", "LATEST", "VERSIONS", "DEPRECATED"};
  for (const auto& stage : registry.config().stages) header.push_back(upper(stage.name));
  Table table(std::move(header));
  for (const auto& model : models) {
    std::vector<std::string> row{model.name, model.latest ? model.latest->str() : "-",
                                 std::to_string(model.version_count), std::to_string(model.deprecated_count)};
    for (const auto& stage : registry.config().stages) row.push_back(stage_cell(held_on(model, stage.name), style));
    table.add_row(std::move(row));
  }
  table.print(std::cout, style);
}

}  // namespace

void setup_list(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<ListCommand>();
  auto* cmd = app.add_subcommand("list", "List the registered models with their latest version");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "LATEST is the highest version that is not deprecated (prereleases only when there is\n"
      "nothing else); '-' when every version is deprecated. Then one column per stage of\n"
      "mreg.yaml: the version it holds, '-' for none, flagged when the stage's copy is not\n"
      "exactly the registered version (see `mreg stages`).\n"
      "\n"
      "JSON (--json): [{\"name\", \"latest\" (string or null), \"versions\" (number),\n"
      "                \"deprecated\" (number), \"stages\": {STAGE: version or null}}], sorted by name\n"
      "\n"
      "Example:\n"
      "  mreg list --json | jq -r '.[].name'\n");
  cmd->callback([command, &global] { run_list(*command, global); });
}

}  // namespace mreg::cli
