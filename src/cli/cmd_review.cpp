// mreg review: what a stage pull request does, for a PR comment and a CI gate.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "mreg/diff.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct ReviewCommand {
  std::string base, head;
  std::string format = "markdown";
  std::string stage;
  bool json = false;
};

void run_review(const ReviewCommand& command) {
  const ReportFormat format = command.json ? ReportFormat::json : parse_report_format(command.format);
  const auto registry = Registry::open(std::filesystem::current_path());
  const ReviewReport report = registry.review(command.base, command.head, command.stage);
  std::cout << render(report, format);
  if (report.ok()) return;
  std::vector<std::string> parts;
  if (const auto failed = report.failed_checks()) parts.push_back(fmt::format("{} failed rule{}", failed, failed == 1 ? "" : "s"));
  if (const auto problems = report.problems()) parts.push_back(fmt::format("{} problem{}", problems, problems == 1 ? "" : "s"));
  throw Error(ErrorCode::invalid,
              fmt::format("review of stage {}: {}", report.stage,
                          parts.size() == 1 ? parts.front() : parts.front() + " and " + parts.back()),
              "the report above names each rule and problem; fix them on the pull request's branch");
}

}  // namespace

void setup_review(CLI::App& app, const GlobalOptions&) {
  auto command = std::make_shared<ReviewCommand>();
  auto* cmd = app.add_subcommand(
      "review", "Review a change of a stage branch (a pull request): promotions, demotions, rules");
  cmd->add_option("BASE", command->base, "The stage branch as it is, e.g. origin/stage/production")
      ->required()
      ->type_name("");
  cmd->add_option("HEAD", command->head, "The proposed state, e.g. HEAD or a pull request's branch")
      ->required()
      ->type_name("");
  auto* format = cmd->add_option("--format", command->format, "Output format (default markdown)")
                     ->type_name("markdown|text|json");
  cmd->add_flag("--json", command->json, "Same as --format json")->excludes(format);
  cmd->add_option("--stage", command->stage, "The stage to check against (default: the one BASE is the branch of)")
      ->type_name("STAGE");
  cmd->footer(
      "Compares the models/NAME/ directories of BASE and HEAD: a version that appears or\n"
      "changes is a promotion, checked against the stage's rules in mreg.yaml (from: and\n"
      "require:, with the from: stages read as they are now); one that disappears is a\n"
      "demotion; a directory that is not exactly a registered, non-deprecated version's\n"
      "(edited by hand), or a file outside models/, is a problem.\n"
      "\n"
      "Exit status: 0 when every rule passes and there is no problem, 1 otherwise (after\n"
      "printing the report), 2 for bad usage: CI can post the report and gate on the status.\n"
      "The markdown starts with the line <!-- mreg-review --> so CI can find and update its\n"
      "earlier comment (see examples/ci/).\n"
      "\n"
      "JSON (--format json): {\"base\", \"head\" (as given), \"base_commit\", \"head_commit\",\n"
      "  \"stage\", \"ok\" (bool), \"failed_checks\", \"problems\" (counts),\n"
      "  \"items\": [{\"name\", \"stage\", \"change\" (promotion|demotion|problem),\n"
      "             \"before\", \"after\" (versions, or null), \"problem\" (string or null),\n"
      "             \"checks\": [{\"rule\", \"passed\" (bool), \"detail\"}],\n"
      "             \"diff\" (as `mreg diff --json`, or null)}]}  sorted by name\n"
      "\n"
      "Examples:\n"
      "  mreg review origin/stage/production HEAD > comment.md\n"
      "  mreg review stage/production promote-fraud-1.3 --format text\n");
  cmd->callback([command] { run_review(*command); });
}

}  // namespace mreg::cli
