// mreg install-hooks: write the git hooks of hooks/ into this repository.
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct InstallHooksCommand {
  bool server = false;
  bool force = false;
};

void run_install_hooks(const InstallHooksCommand& command, const GlobalOptions& global) {
  const auto written = Registry::install_hooks(std::filesystem::current_path(), command.server,
                                               command.force ? Overwrite::yes : Overwrite::no);
  if (global.quiet) return;
  for (const auto& file : written) fmt::print("installed {}\n", file.string());
}

}  // namespace

void setup_install_hooks(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<InstallHooksCommand>();
  auto* cmd = app.add_subcommand("install-hooks", "Install mreg's git hooks (pre-commit, pre-push; server guard)");
  cmd->add_flag("--server", command->server, "Also install the server guard (pre-receive); a bare repository always gets it");
  cmd->add_flag("--force", command->force, "Replace a hook of your own when HOOK.local is already taken");
  cmd->footer(
      "Writes the hooks into the repository's hooks directory (core.hooksPath when set). A hook of\n"
      "your own is kept as HOOK.local and runs first. The hooks find mreg on PATH, else $MREG,\n"
      "else the mreg that installed them.\n"
      "\n"
      "Examples:\n"
      "  mreg install-hooks\n"
      "  git -C /srv/git/models.git config core.hooksPath hooks && cd /srv/git/models.git && mreg install-hooks --server\n");
  cmd->callback([command, &global] { run_install_hooks(*command, global); });
}

}  // namespace mreg::cli
