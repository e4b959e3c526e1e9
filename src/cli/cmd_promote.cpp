// mreg promote: the promotion commit on stage/STAGE, or on a new branch for a pull request.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
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

struct PromoteCommand {
  std::string ref;
  std::string stage;
  std::string message;
  std::string branch;
  bool force = false;
  bool push = false;
  bool json = false;
};

void run_promote(const PromoteCommand& command, const GlobalOptions& global) {
  PromoteOptions options;
  options.ref = ModelRef::parse(command.ref);
  options.stage = command.stage;
  options.message = command.message;
  if (!command.branch.empty()) options.branch = command.branch;
  options.force = command.force;

  auto registry = Registry::open(std::filesystem::current_path());
  const StageChange change = registry.promote(options);
  const std::string stage_branch = stage_branch_name(registry.config().stage_branch_prefix, change.stage);
  const std::string remote = registry.git_remote();
  const bool push = command.push && !change.no_op;
  if (push) {
    push_with_git(registry.workdir(), remote,
                  {branch_ref(change.branch), tag_ref(version_tag_name(change.name, *change.version))});
  }
  if (command.json) {
    print_json(std::cout, stage_change_json(change, push));
    return;
  }
  if (global.quiet) return;
  const Style style = global.stdout_style();
  const std::string what = fmt::format("{} {}", change.name, style.bold("v" + change.version->str()));
  if (change.no_op) {
    fmt::print("{} already holds {}: nothing to do\n", change.stage, what);
    return;
  }
  const std::string was = change.previous ? fmt::format(" (was v{})", change.previous->str()) : "";
  fmt::print("{} {} to {}{}: commit {} on {}{}\n", style.green("promoted"), what, change.stage, was,
             short_commit(change.commit), change.branch, push ? fmt::format(", pushed to {}", remote) : "");
  print_rule_checks(change, style);
  if (options.branch) print_pull_request_steps(change, stage_branch, remote, push);
}

}  // namespace

void setup_promote(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<PromoteCommand>();
  auto* cmd = app.add_subcommand("promote", "Promote a version to a stage: a commit on the branch stage/STAGE");
  cmd->add_option("REF", command->ref, "NAME, NAME@1.2.0, NAME@latest or NAME#STAGE (what another stage holds)")
      ->required()
      ->type_name("");
  cmd->add_option("STAGE", command->stage, "A stage configured in mreg.yaml, e.g. production")
      ->required()
      ->type_name("");
  cmd->add_option("-m,--message", command->message, "Why: text for the commit message")->type_name("MSG");
  cmd->add_option("--branch", command->branch,
                  "Write the commit on a new branch NEW from the stage's tip instead, for a pull request")
      ->type_name("NEW");
  cmd->add_flag("--force", command->force, "Skip the stage's from: and require: rules (not deprecation)");
  cmd->add_flag("--push", command->push,
                "Then push the branch and the version tag with git (remote: git config mreg.gitRemote, else origin)");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "The commit's tree is the stage's tree with models/NAME/ replaced by the version's tagged\n"
      "directory; its message carries the trailers Mreg-Model, Mreg-Version, Mreg-Previous and\n"
      "Mreg-Tag. It is written without touching your work tree, index or current branch, so\n"
      "`git log stage/STAGE` is the stage's audit trail and `git revert` rolls a promotion back.\n"
      "Refused: unknown stages, deprecated versions, and versions that break the stage's rules\n"
      "(from: the stages it must be in first; require: metric gates) unless --force.\n"
      "Promoting what the stage already holds changes nothing.\n"
      "\n"
      "JSON (--json): {\"stage\", \"branch\", \"commit\" (null when nothing changed), \"name\", \"version\",\n"
      "               \"previous\" (string or null), \"no_op\", \"checks\": [{\"rule\", \"passed\", \"detail\"}],\n"
      "               \"pushed\"}\n"
      "\n"
      "Examples:\n"
      "  mreg promote fraud-detector@1.3.0 staging\n"
      "  mreg promote fraud-detector#staging production -m 'A/B test won' --push\n"
      "  mreg promote fraud-detector@1.3.0 production --branch promote-fraud-1.3.0\n"
      "      then: git push origin promote-fraud-1.3.0, and open a pull request into stage/production\n");
  cmd->callback([command, &global] { run_promote(*command, global); });
}

}  // namespace mreg::cli
