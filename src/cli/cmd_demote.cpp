// mreg demote: remove a model from a stage (a commit on stage/STAGE).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/git_push.hpp"
#include "cli/output.hpp"
#include "cli/stage_output.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct DemoteCommand {
  std::string name;
  std::string stage;
  std::string message;
  std::string branch;
  bool push = false;
  bool json = false;
};

void run_demote(const DemoteCommand& command, const GlobalOptions& global) {
  DemoteOptions options;
  options.name = command.name;
  options.stage = command.stage;
  options.message = command.message;
  if (!command.branch.empty()) options.branch = command.branch;

  auto registry = Registry::open(std::filesystem::current_path());
  const StageChange change = registry.demote(options);
  const std::string stage_branch = stage_branch_name(registry.config().stage_branch_prefix, change.stage);
  const std::string remote = registry.git_remote();
  if (command.push) push_with_git(registry.workdir(), remote, {branch_ref(change.branch)});
  if (command.json) {
    print_json(std::cout, stage_change_json(change, command.push));
    return;
  }
  if (global.quiet) return;
  const Style style = global.stdout_style();
  const std::string what =
      change.previous ? fmt::format("{} {}", change.name, style.bold("v" + change.previous->str())) : change.name;
  fmt::print("{} {} from {}: commit {} on {}{}\n", style.green("demoted"), what, change.stage,
             short_commit(change.commit), change.branch,
             command.push ? fmt::format(", pushed to {}", remote) : "");
  if (options.branch) print_pull_request_steps(change, stage_branch, remote, command.push);
}

}  // namespace

void setup_demote(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<DemoteCommand>();
  auto* cmd = app.add_subcommand("demote", "Remove a model from a stage: a commit on the branch stage/STAGE");
  cmd->add_option("NAME", command->name, "Model name")->required()->type_name("");
  cmd->add_option("STAGE", command->stage, "A stage configured in mreg.yaml")->required()->type_name("");
  cmd->add_option("-m,--message", command->message, "Why: text for the commit message")->type_name("MSG");
  cmd->add_option("--branch", command->branch,
                  "Write the commit on a new branch NEW from the stage's tip instead, for a pull request")
      ->type_name("NEW");
  cmd->add_flag("--push", command->push,
                "Then push the branch with git (remote: git config mreg.gitRemote, else origin)");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "The commit removes models/NAME/ from the stage's tree (whatever it held, a registered\n"
      "version or a copy edited by hand); its message is `demote NAME vX.Y.Z from STAGE` with\n"
      "the trailers Mreg-Model and Mreg-Previous. Your work tree, index and current branch\n"
      "are not touched.\n"
      "\n"
      "JSON (--json): {\"stage\", \"branch\", \"commit\", \"name\", \"version\" (null), \"previous\",\n"
      "               \"no_op\", \"checks\" ([]), \"pushed\"}\n"
      "\n"
      "Examples:\n"
      "  mreg demote fraud-detector staging\n"
      "  mreg demote fraud-detector production -m 'incident 4711' --push\n");
  cmd->callback([command, &global] { run_demote(*command, global); });
}

}  // namespace mreg::cli
