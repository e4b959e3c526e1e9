// mreg deprecate: the deprecation tag NAME@vX.Y.Z! with the reason as its message.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/git_push.hpp"
#include "cli/output.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct DeprecateCommand {
  std::string ref;
  std::string reason;
  bool push = false;
  bool json = false;
};

void run_deprecate(const DeprecateCommand& command, const GlobalOptions& global) {
  auto registry = Registry::open(std::filesystem::current_path());
  const DeprecateResult result = registry.deprecate(ModelRef::parse(command.ref), command.reason);
  const std::string remote = registry.git_remote();
  if (command.push) push_with_git(registry.workdir(), remote, {tag_ref(result.tag)});
  if (command.json) {
    nlohmann::ordered_json out;
    out["name"] = result.name;
    out["version"] = result.version.str();
    out["tag"] = result.tag;
    out["stages"] = result.stages;
    out["pushed"] = command.push;
    print_json(std::cout, out);
    return;
  }
  if (!result.stages.empty()) {
    fmt::print(stderr,
               "warning: {} v{} is still in {}: deprecation does not remove it; `mreg demote {} STAGE` or promote "
               "another version\n",
               result.name, result.version.str(), fmt::join(result.stages, ", "), result.name);
  }
  if (global.quiet) return;
  const Style style = global.stdout_style();
  fmt::print("{} {} {} (tag {}){}; {}@latest no longer resolves to it\n", style.yellow("deprecated"), result.name,
             style.bold("v" + result.version.str()), result.tag,
             command.push ? fmt::format(", pushed to {}", remote) : "", result.name);
}

}  // namespace

void setup_deprecate(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<DeprecateCommand>();
  auto* cmd = app.add_subcommand("deprecate", "Deprecate a version: the tag NAME@vX.Y.Z! with the reason");
  cmd->add_option("REF", command->ref, "NAME@1.2.0, NAME@latest or NAME#STAGE")->required()->type_name("");
  cmd->add_option("-m,--message", command->reason, "The reason (required), e.g. 'trained on leaked labels'")
      ->required()
      ->type_name("REASON");
  cmd->add_flag("--push", command->push,
                "Then push the deprecation tag with git (remote: git config mreg.gitRemote, else origin)");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "A deprecated version is never NAME@latest and cannot be promoted; it stays readable and\n"
      "fetchable (mreg show, mreg get NAME@VERSION). Stages that hold it keep it until you\n"
      "demote it or promote another version. Deprecation tags never move.\n"
      "\n"
      "JSON (--json): {\"name\", \"version\", \"tag\", \"stages\" (those still holding it), \"pushed\"}\n"
      "\n"
      "Example:\n"
      "  mreg deprecate fraud-detector@1.2.0 -m 'trained on leaked labels' --push\n");
  cmd->callback([command, &global] { run_deprecate(*command, global); });
}

}  // namespace mreg::cli
