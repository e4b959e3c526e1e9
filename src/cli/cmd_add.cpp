// mreg add: store files and write the draft model.yaml, staged.
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

struct AddCommand {
  std::string name;
  std::vector<std::string> paths;
  MetadataFlags metadata;
  bool json = false;
};

void run_add(const CLI::App& cmd, const AddCommand& command, const GlobalOptions& global) {
  AddOptions options;
  options.name = command.name;
  options.paths.assign(command.paths.begin(), command.paths.end());
  options.edits = to_edits(cmd, command.metadata);

  auto registry = Registry::open(std::filesystem::current_path());
  TerminalProgress progress(global.progress_allowed());
  const AddResult result = registry.add(options, progress);
  print_warnings(result.warnings);

  if (command.json) {
    nlohmann::ordered_json out;
    out["name"] = result.metadata.name;
    out["metadata_file"] = result.metadata_file.string();
    out["bytes_total"] = result.bytes_total;
    out["bytes_new"] = result.bytes_new;
    out["bytes_hashed"] = result.bytes_hashed;
    out["warnings"] = result.warnings;
    out["artifacts"] = metadata_to_json(result.metadata).value("artifacts", nlohmann::ordered_json::array());
    print_json(std::cout, out);
    return;
  }
  if (global.quiet) return;
  const auto shown = std::filesystem::proximate(result.metadata_file).string();
  fmt::print("added {}: {} file{}, {} ({}); wrote {} (staged)\n", result.metadata.name,
             result.metadata.artifacts.size(), result.metadata.artifacts.size() == 1 ? "" : "s",
             human_bytes(result.bytes_total), stored_bytes_text(result.bytes_total, result.bytes_new), shown);
  if (global.verbose) {
    for (const auto& artifact : result.metadata.artifacts) {
      fmt::print("  {}  {}  {}\n", artifact.digest.id(), human_bytes(artifact.size), artifact.path);
    }
  }
  fmt::print("next: mreg register {}\n", result.metadata.name);
}

}  // namespace

void setup_add(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<AddCommand>();
  auto* cmd = app.add_subcommand("add", "Store files and write the draft models/NAME/model.yaml, staged (no version yet)");
  cmd->add_option("NAME", command->name, "Model name, e.g. fraud-detector or vision/resnet50")
      ->required()
      ->type_name("");
  cmd->add_option("PATH", command->paths,
                  "Files or directories; they replace the artifact list (a directory contributes its files)")
      ->required()
      ->type_name("");
  add_metadata_flags(*cmd, command->metadata);
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "The draft starts from the model's current model.yaml; flags override it. Review it with\n"
      "`git diff --cached`, edit it by hand if you like, then `mreg register NAME`.\n"
      "\n"
      "JSON (--json): {\"name\", \"metadata_file\", \"bytes_total\", \"bytes_new\", \"bytes_hashed\", \"warnings\",\n"
      "               \"artifacts\": [{\"path\", \"size\", \"digest\", \"format\", ...}]}\n"
      "\n"
      "Example:\n"
      "  mreg add fraud-detector out/model.json --owner risk@example.com --metric auc=0.94\n");
  cmd->callback([cmd, command, &global] { run_add(*cmd, *command, global); });
}

}  // namespace mreg::cli
