// mreg versions: every version of one model, newest first.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct VersionsCommand {
  std::string name;
  bool json = false;
};

void run_versions(const VersionsCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto versions = registry.versions(command.name);
  if (versions.empty()) {
    throw Error(ErrorCode::not_found, fmt::format("model '{}' has no versions", command.name),
                "`mreg list` shows the registered models");
  }

  if (command.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& v : versions) {
      nlohmann::ordered_json entry;
      entry["version"] = v.version.str();
      entry["tag"] = v.tag;
      entry["commit"] = v.commit;
      entry["registered_at"] = iso8601(v.time, v.time_offset_minutes);
      entry["author"] = v.tagger_name;
      entry["email"] = v.tagger_email;
      entry["deprecated"] = v.deprecated;
      out.push_back(std::move(entry));
    }
    print_json(std::cout, out);
    return;
  }
  const Style style = global.stdout_style();
  Table table({"VERSION", "REGISTERED", "AUTHOR", "COMMIT", "STATUS"});
  for (const auto& v : versions) {
    table.add_row({v.version.str(), iso8601(v.time, v.time_offset_minutes),
                   fmt::format("{} <{}>", v.tagger_name, v.tagger_email), short_commit(v.commit),
                   v.deprecated ? style.yellow("deprecated") : ""});
  }
  table.print(std::cout, style);
}

}  // namespace

void setup_versions(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<VersionsCommand>();
  auto* cmd = app.add_subcommand("versions", "List every version of a model, newest first");
  cmd->add_option("NAME", command->name, "Model name")->required()->type_name("");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Versions are the tags NAME@vX.Y.Z; the date and author are the tag's tagger.\n"
      "\n"
      "JSON (--json): [{\"version\", \"tag\", \"commit\", \"registered_at\" (ISO-8601), \"author\",\n"
      "                \"email\", \"deprecated\" (bool)}], newest first\n"
      "\n"
      "Example:\n"
      "  mreg versions fraud-detector\n");
  cmd->callback([command, &global] { run_versions(*command, global); });
}

}  // namespace mreg::cli
