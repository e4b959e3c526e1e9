// mreg register: commit models/NAME/ and create the version tag.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/metadata_flags.hpp"
#include "cli/output.hpp"
#include "cli/terminal_progress.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct RegisterCommand {
  std::string name;
  std::vector<std::string> paths;
  std::string version;
  std::string bump;
  std::string message;
  MetadataFlags metadata;
  bool json = false;
};

void run_register(const CLI::App& cmd, const RegisterCommand& command, const GlobalOptions& global) {
  RegisterOptions options;
  options.add.name = command.name;
  options.add.paths.assign(command.paths.begin(), command.paths.end());
  options.add.edits = to_edits(cmd, command.metadata);
  if (!command.version.empty()) options.version = Version::parse_or_throw(command.version, "--version");
  if (!command.bump.empty()) options.bump = parse_bump(command.bump);
  options.message = command.message;

  auto registry = Registry::open(std::filesystem::current_path());
  TerminalProgress progress(global.progress_allowed());
  const RegisterResult result = registry.register_version(options, progress);
  print_warnings(result.warnings);
  const VersionInfo& info = result.version;

  // A note, not an error: registering a fix for an older line is legitimate.
  if (result.previous_latest && info.version < *result.previous_latest && !global.quiet) {
    fmt::print(stderr, "note: v{} is lower than the latest version v{}; {}@latest still resolves to v{}\n",
               info.version.str(), result.previous_latest->str(), info.name, result.previous_latest->str());
  }
  if (command.json) {
    nlohmann::ordered_json out;
    out["name"] = info.name;
    out["version"] = info.version.str();
    out["tag"] = info.tag;
    out["commit"] = info.commit;
    out["previous_latest"] = result.previous_latest ? nlohmann::ordered_json(result.previous_latest->str()) : nullptr;
    out["bytes_total"] = result.bytes_total;
    out["bytes_new"] = result.bytes_new;
    out["bytes_hashed"] = result.bytes_hashed;
    out["warnings"] = result.warnings;
    print_json(std::cout, out);
    return;
  }
  if (global.quiet) return;
  const Style style = global.stdout_style();
  // Without PATHs nothing was stored: the artifacts are the draft's.
  const std::string stored = command.paths.empty()
                                 ? std::string("artifacts from the draft model.yaml")
                                 : fmt::format("stored {} ({})", human_bytes(result.bytes_total),
                                               stored_bytes_text(result.bytes_total, result.bytes_new));
  fmt::print("{} {} {} (tag {}, commit {}); {}\n", style.green("registered"), info.name,
             style.bold("v" + info.version.str()), info.tag, short_commit(info.commit), stored);
  if (global.verbose) {
    for (const auto& artifact : result.metadata.artifacts) {
      fmt::print("  {}  {}  {}\n", artifact.digest.id(), human_bytes(artifact.size), artifact.path);
    }
  }
}

}  // namespace

void setup_register(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<RegisterCommand>();
  auto* cmd = app.add_subcommand("register", "Register a new version: commit models/NAME/ and tag it NAME@vX.Y.Z");
  cmd->add_option("NAME", command->name, "Model name, e.g. fraud-detector or vision/resnet50")
      ->required()
      ->type_name("");
  cmd->add_option("PATH", command->paths,
                  "Files or directories; they replace the artifact list (default: keep the draft's)")
      ->type_name("");
  auto* version = cmd->add_option("--version", command->version, "Exact version, e.g. 1.4.0 or v1.4.0")
                      ->type_name("V");
  cmd->add_option("--bump", command->bump, "Which part of the latest version to raise (default: minor)")
      ->check(CLI::IsMember({"major", "minor", "patch"}))
      ->type_name("major|minor|patch")
      ->excludes(version);
  cmd->add_option("-m,--message", command->message, "Extra text for the version tag's message")->type_name("MSG");
  add_metadata_flags(*cmd, command->metadata);
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Starts from the previous version's metadata (or the draft written by `mreg add` or by\n"
      "hand), applies the flags, commits only models/NAME/ on the current branch (your other\n"
      "staged and unstaged changes are left as they are) and creates the annotated tag.\n"
      "The first version is 0.1.0; later ones bump the minor part of the latest unless\n"
      "--version or --bump says otherwise. Existing versions are never overwritten.\n"
      "\n"
      "JSON (--json): {\"name\", \"version\", \"tag\", \"commit\", \"previous_latest\" (string or null),\n"
      "               \"bytes_total\", \"bytes_new\", \"bytes_hashed\", \"warnings\"}\n"
      "\n"
      "Examples:\n"
      "  mreg register fraud-detector model.json --owner risk@example.com --metric auc=0.94\n"
      "  mreg register fraud-detector model.json --bump patch -m 'retrained on November data'\n"
      "  mreg register vision/resnet50 weights/ --version 2.0.0\n");
  cmd->callback([cmd, command, &global] { run_register(*cmd, *command, global); });
}

}  // namespace mreg::cli
