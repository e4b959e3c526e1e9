// mreg init: create mreg.yaml and models/ (running git init where needed).
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
#include "mreg/config.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct InitCommand {
  std::string directory = ".";
  std::vector<std::string> stages;
  bool commit = false;
  bool no_hooks = false;
};

void run_init(const InitCommand& command, const GlobalOptions& global) {
  InitOptions options;
  options.stages = command.stages;
  options.commit = command.commit;
  const InitResult result = Registry::init(command.directory, options);
  const auto hooks = command.no_hooks ? std::vector<std::filesystem::path>{}
                                      : Registry::install_hooks(result.workdir, false, Overwrite::no);
  if (global.quiet) return;

  const Style style = global.stdout_style();
  const auto config = RegistryConfig::with_stages(command.stages);
  std::vector<std::string> stage_names;
  for (const auto& stage : config.stages) stage_names.push_back(stage.name);

  if (result.created_git_repository) fmt::print("created a git repository in {}\n", result.workdir.string());
  fmt::print("created {} (stages: {}) and {}/\n", (result.workdir / config_file_name).lexically_normal().string(),
             fmt::join(stage_names, ", "), config.models_dir);
  if (result.commit) {
    fmt::print("committed mreg.yaml as {}\n", short_commit(*result.commit));
  } else {
    fmt::print("staged mreg.yaml; commit it with: git commit -m 'Set up the mreg registry'\n");
  }
  if (!hooks.empty()) fmt::print("installed git hooks: pre-commit, pre-push (--no-hooks skips them)\n");
  fmt::print("next: {}\n", style.bold("mreg register NAME PATH..."));
}

}  // namespace

void setup_init(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<InitCommand>();
  auto* cmd = app.add_subcommand("init", "Set up a registry: mreg.yaml and models/, in a new or existing git repository");
  cmd->add_option("DIR", command->directory, "Where to set it up (default: the current directory)")
      ->type_name("");
  cmd->add_option("--stages", command->stages, "Stages in promotion order, comma-separated (default: staging,production)")
      ->delimiter(',')
      ->type_name("A,B,C");
  cmd->add_flag("--commit", command->commit, "Also commit mreg.yaml (by default it is only staged)");
  cmd->add_flag("--no-hooks", command->no_hooks, "Do not install git hooks");
  cmd->footer(
      "Creates mreg.yaml (staged in the index) and the models/ directory; runs `git init`\n"
      "first when DIR is not inside a git repository. Refuses to overwrite an existing mreg.yaml.\n"
      "\n"
      "Examples:\n"
      "  mreg init\n"
      "  mreg init --stages dev,staging,production --commit\n");
  cmd->callback([command, &global] { run_init(*command, global); });
}

}  // namespace mreg::cli
