// mreg hook NAME [ARGS]: what the scripts in hooks/ run (DESIGN §7).
//
// Each hook reads what git gives it (arguments, ref lines on stdin), calls
// one library operation, and reports on stderr, which git shows the pusher
// (as "remote: ..." for the server hooks). A refusal is an Error, so the
// exit status is 1 and git stops the commit or push.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct HookCommand {
  std::string name;
  std::vector<std::string> args;
};

// Whitespace-separated fields of each stdin line that has exactly `fields` of them.
std::vector<std::vector<std::string>> read_ref_lines(std::size_t fields) {
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::vector<std::string> parts;
    for (std::string word; words >> word;) parts.push_back(word);
    if (parts.size() == fields) lines.push_back(std::move(parts));
  }
  return lines;
}

void run_pre_commit(const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto diagnostics = registry.check_staged();
  for (const auto& d : diagnostics) fmt::print(stderr, "{}\n", d.str());
  if (!diagnostics.empty()) {
    throw Error(ErrorCode::invalid,
                fmt::format("commit refused: {} problem{} in the staged files", diagnostics.size(),
                            diagnostics.size() == 1 ? "" : "s"),
                "fix them and `git add` the files again (`mreg validate` checks the work tree)");
  }
  (void)global;
}

void run_pre_push(const GlobalOptions& global) {
  // git's lines: <local ref> <local id> <remote ref> <remote id>
  std::vector<Registry::RefUpdate> updates;
  for (auto& fields : read_ref_lines(4)) updates.push_back({fields[2], fields[3], fields[1]});
  if (const char* skip = std::getenv("MREG_SKIP_PUSH"); skip && std::string_view(skip) == "1") {
    if (!global.quiet) fmt::print(stderr, "mreg: MREG_SKIP_PUSH=1: not uploading model files\n");
    return;
  }
  if (updates.empty()) return;
  auto registry = Registry::open(std::filesystem::current_path());
  const auto versions = registry.pushed_versions(updates);
  if (versions.empty()) return;
  try {
    (void)registry.remote_url();
  } catch (const Error& error) {
    if (error.code() != ErrorCode::not_found) throw;
    if (!global.quiet) fmt::print(stderr, "mreg: no blob remote is configured, so model files stay local\n");
    return;
  }
  try {
    const auto report = registry.push(versions, TransferOptions{});
    if (!global.quiet) {
      fmt::print(stderr, "mreg: uploaded {} object{} to {} ({} already there)\n", report.objects_sent,
                 report.objects_sent == 1 ? "" : "s", report.remote, report.objects_skipped);
    }
  } catch (const Error& error) {
    throw Error(error.code(), fmt::format("push refused: the model files could not be uploaded: {}", error.what()),
                error.hint().empty() ? "fix the problem and push again; MREG_SKIP_PUSH=1 pushes without uploading"
                                     : error.hint());
  }
}

void report_refusals(const std::vector<std::string>& refusals) {
  for (const auto& refusal : refusals) fmt::print(stderr, "{}\n", refusal);
  if (!refusals.empty()) {
    throw Error(ErrorCode::invalid, fmt::format("push refused by the registry guard ({} ref{})", refusals.size(),
                                                refusals.size() == 1 ? "" : "s"));
  }
}

void run_pre_receive() {
  // git's lines: <old id> <new id> <ref>
  std::vector<Registry::RefUpdate> updates;
  for (auto& fields : read_ref_lines(3)) updates.push_back({fields[2], fields[0], fields[1]});
  report_refusals(Registry::guard_ref_updates(std::filesystem::current_path(), updates));
}

void run_update(const std::vector<std::string>& args) {
  if (args.size() != 3) throw Error(ErrorCode::usage, "the update hook takes REF OLD NEW", "git passes them");
  report_refusals(Registry::guard_ref_updates(std::filesystem::current_path(), {{args[0], args[1], args[2]}}));
}

void run_hook(const HookCommand& command, const GlobalOptions& global) {
  if (command.name == "pre-commit") return run_pre_commit(global);
  if (command.name == "pre-push") return run_pre_push(global);
  if (command.name == "pre-receive") return run_pre_receive();
  run_update(command.args);
}

}  // namespace

void setup_hook(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<HookCommand>();
  auto* cmd = app.add_subcommand("hook", "Run a git hook's checks (called by the scripts that install-hooks writes)");
  cmd->add_option("NAME", command->name, "pre-commit, pre-push, pre-receive or update")
      ->required()
      ->check(CLI::IsMember({"pre-commit", "pre-push", "pre-receive", "update"}))
      ->type_name("");
  cmd->add_option("ARGS", command->args, "What git passed the hook")->type_name("");
  cmd->footer(
      "pre-commit   validate the staged mreg.yaml and model.yaml files; artifacts must be stored\n"
      "             locally or on the default remote\n"
      "pre-push     upload what the pushed versions and stages need to the default remote\n"
      "             (MREG_SKIP_PUSH=1 skips it)\n"
      "pre-receive  server guard, in a bare repository: refuse moved or deleted version tags,\n"
      "update       invalid version tags, and stage tips that are not registered versions or\n"
      "             break the stage's rules\n");
  cmd->callback([command, &global] { run_hook(*command, global); });
}

}  // namespace mreg::cli
