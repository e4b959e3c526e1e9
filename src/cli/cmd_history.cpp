// mreg history: registrations, promotions, demotions and deprecations in time order.
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

struct HistoryCommand {
  std::string name;
  bool json = false;
};

nlohmann::ordered_json version_or_null(const std::optional<Version>& version) {
  return version ? nlohmann::ordered_json(version->str()) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json to_json(const HistoryEvent& event) {
  nlohmann::ordered_json out;
  out["timestamp"] = iso8601(event.timestamp, event.offset_minutes);
  out["event"] = to_string(event.event);
  out["name"] = event.name;
  out["version"] = version_or_null(event.version);
  out["stage"] = event.stage.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(event.stage);
  out["previous"] = version_or_null(event.previous);
  out["author"] = event.author;
  out["commit"] = event.commit;
  out["ref"] = event.ref;
  out["message"] = event.message;
  return out;
}

std::string event_text(const HistoryEvent& event, const Style& style) {
  const std::string name = to_string(event.event);
  switch (event.event) {
    case HistoryEvent::Kind::registered: return name;
    case HistoryEvent::Kind::promoted: return style.green(name);
    case HistoryEvent::Kind::demoted:
    case HistoryEvent::Kind::deprecated: return style.yellow(name);
  }
  return name;
}

void run_history(const HistoryCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto events = registry.history(command.name);
  if (command.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& event : events) out.push_back(to_json(event));
    print_json(std::cout, out);
    return;
  }
  if (events.empty()) {
    if (!global.quiet) fmt::print("no history yet\n");
    return;
  }
  const Style style = global.stdout_style();
  Table table({"TIME", "EVENT", "MODEL", "VERSION", "STAGE", "PREVIOUS", "BY", "COMMIT", "MESSAGE"});
  for (const auto& event : events) {
    table.add_row({iso8601(event.timestamp, event.offset_minutes), event_text(event, style), event.name,
                   event.version ? event.version->str() : "-", event.stage.empty() ? "-" : event.stage,
                   event.previous ? event.previous->str() : "-", event.author, short_commit(event.commit),
                   event.message});
  }
  table.print(std::cout, style);
}

}  // namespace

void setup_history(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<HistoryCommand>();
  auto* cmd = app.add_subcommand("history", "Show what happened to models: registered, promoted, demoted, deprecated");
  cmd->add_option("NAME", command->name, "Only this model (default: every model)")->type_name("");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Oldest first. Registrations and deprecations come from the tags (their tagger),\n"
      "promotions and demotions from each stage branch's first-parent log (the committer):\n"
      "each commit's models/NAME/ directories are compared with its parent's, so merges,\n"
      "squash merges and reverts made with git are read as what they did.\n"
      "\n"
      "JSON (--json): [{\"timestamp\" (ISO-8601), \"event\" (registered|promoted|demoted|deprecated),\n"
      "                \"name\", \"version\", \"stage\" (or null), \"previous\" (or null), \"author\",\n"
      "                \"commit\", \"ref\" (the tag or branch read), \"message\" (its subject)}]\n"
      "\n"
      "Examples:\n"
      "  mreg history fraud-detector\n"
      "  mreg history --json | jq -r '.[] | select(.stage == \"production\") | [.timestamp, .version] | @tsv'\n");
  cmd->callback([command, &global] { run_history(*command, global); });
}

}  // namespace mreg::cli
