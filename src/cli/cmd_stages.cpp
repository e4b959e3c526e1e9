// mreg stages: the configured stages, their rules, and what each holds.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct StagesCommand {
  bool json = false;
};

std::vector<std::string> rule_texts(const StageConfig& stage) {
  std::vector<std::string> rules;
  if (!stage.from.empty()) rules.push_back(fmt::format("from: [{}]", fmt::join(stage.from, ", ")));
  for (const auto& gate : stage.require) rules.push_back(fmt::format("require: {} {}", gate.field, gate.text));
  return rules;
}

nlohmann::ordered_json to_json(const StageState& state, const StageConfig* config) {
  nlohmann::ordered_json out;
  out["stage"] = state.stage;
  out["branch"] = state.branch;
  out["tip"] = state.tip ? nlohmann::ordered_json(*state.tip) : nlohmann::ordered_json(nullptr);
  out["from"] = config ? config->from : std::vector<std::string>{};
  auto require = nlohmann::ordered_json::object();
  if (config) {
    for (const auto& gate : config->require) require[gate.field] = gate.text;
  }
  out["require"] = std::move(require);
  auto models = nlohmann::ordered_json::array();
  const auto null = nlohmann::ordered_json(nullptr);
  for (const auto& entry : state.models) {
    nlohmann::ordered_json model;
    model["name"] = entry.name;
    model["version"] = entry.version ? nlohmann::ordered_json(entry.version->str()) : null;
    model["status"] = to_string(entry.status);
    model["problem"] = entry.problem.empty() ? null : nlohmann::ordered_json(entry.problem);
    model["deprecated"] = entry.deprecated;
    models.push_back(std::move(model));
  }
  out["models"] = std::move(models);
  return out;
}

void print_stage(const StageState& state, const StageConfig* config, const Style& style) {
  std::string where = state.tip ? fmt::format("{} at {}", state.branch, short_commit(*state.tip))
                                : fmt::format("{} (no branch yet)", state.branch);
  const auto rules = config ? rule_texts(*config) : std::vector<std::string>{};
  fmt::print("{}  {}{}\n", style.bold(state.stage), where,
             rules.empty() ? "" : fmt::format("  [{}]", fmt::join(rules, "; ")));
  if (state.models.empty()) {
    fmt::print("  (holds no model)\n");
    return;
  }
  Table table({"  MODEL", "VERSION", "STATUS"});
  for (const auto& entry : state.models) {
    std::string status;
    if (entry.status != StageEntry::Status::verified) {
      status = style.red(to_string(entry.status)) + ": " + entry.problem;
    } else if (entry.deprecated) {
      status = style.yellow("deprecated");
    }
    table.add_row({"  " + entry.name, entry.version ? entry.version->str() : "-", status});
  }
  table.print(std::cout, Style(false));
}

void run_stages(const StagesCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto stages = registry.stages();
  if (command.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& state : stages) out.push_back(to_json(state, registry.config().find_stage(state.stage)));
    print_json(std::cout, out);
    return;
  }
  const Style style = global.stdout_style();
  if (stages.empty()) {
    fmt::print("no stages configured; add them under `stages:` in mreg.yaml\n");
    return;
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (i > 0) fmt::print("\n");
    print_stage(stages[i], registry.config().find_stage(stages[i].stage), style);
  }
}

}  // namespace

void setup_stages(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<StagesCommand>();
  auto* cmd = app.add_subcommand("stages", "List the configured stages, their rules, and what each holds");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Each stage is a branch (stage/STAGE) whose tree holds models/NAME/ for every model in it.\n"
      "What a stage holds is read from that tree and checked against the version tags:\n"
      "  verified    the directory is exactly the tagged version's\n"
      "  modified    it was edited by hand (fix: mreg promote NAME@VERSION STAGE, or git revert)\n"
      "  unverified  the version tag is not in this clone (e.g. a clone of the stage branch only)\n"
      "  invalid     its model.yaml is missing or unreadable\n"
      "\n"
      "JSON (--json): [{\"stage\", \"branch\", \"tip\" (commit or null), \"from\": [...],\n"
      "                \"require\": {\"metrics.auc\": \">= 0.90\"}, \"models\": [{\"name\", \"version\",\n"
      "                \"status\", \"problem\" (string or null), \"deprecated\"}]}], in the order of mreg.yaml\n"
      "\n"
      "Example:\n"
      "  mreg stages --json | jq -r '.[] | select(.stage == \"production\") | .models[].name'\n");
  cmd->callback([command, &global] { run_stages(*command, global); });
}

}  // namespace mreg::cli
