// mreg fetch: bring the objects versions need from a blob remote into the
// local store, verified.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/terminal_progress.hpp"
#include "cli/transfer_output.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {
namespace {

struct FetchCommand {
  std::vector<std::string> refs;
  std::string remote;
  int jobs = 8;
  bool json = false;
};

void run_fetch(const FetchCommand& command, const GlobalOptions& global) {
  std::vector<ModelRef> refs;
  for (const auto& text : command.refs) refs.push_back(ModelRef::parse(text));
  auto registry = Registry::open(std::filesystem::current_path());
  TerminalProgress progress(global.progress_allowed());
  const TransferReport report = registry.fetch(refs, {command.remote, command.jobs}, progress);
  if (!global.quiet || command.json) print_transfer(report, "fetched", command.json);
}

}  // namespace

void setup_fetch(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<FetchCommand>();
  auto* cmd = app.add_subcommand("fetch", "Bring the objects versions need from a blob remote into the local store");
  cmd->add_option("REF", command->refs, "Versions to fetch (default: every version and what each stage holds)")
      ->type_name("");
  cmd->add_option("--remote", command->remote, "Blob remote: a name from `mreg remote list`, or a URL (default: the default remote)")
      ->type_name("R");
  cmd->add_option("-j,--jobs", command->jobs, "Parallel downloads (default 8)")->check(CLI::Range(1, 64));
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Every download is hashed before it enters the store; one that does not match its name is\n"
      "tried again once, then reported. Files already in the local store are not requested.\n"
      "\n"
      "JSON (--json): {\"remote\", \"files\", \"objects_sent\" (objects and manifests fetched),\n"
      "               \"objects_skipped\" (files already local), \"bytes_sent\", \"seconds\"}\n"
      "\n"
      "Examples:\n"
      "  mreg fetch fraud-detector#production\n"
      "  mreg fetch --remote ./shared-store\n");
  cmd->callback([command, &global] { run_fetch(*command, global); });
}

}  // namespace mreg::cli
