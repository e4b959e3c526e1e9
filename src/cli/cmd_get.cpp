// mreg get: materialize a version's files in a directory, verified.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/terminal_progress.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct GetCommand {
  std::string ref;
  std::string output;
  bool force = false;
  bool json = false;
  std::string remote;
  int jobs = 8;
};

// Whether get should fetch first: with --remote, or when a default remote
// is configured (a fetch that finds every file local makes no request).
bool should_fetch(const Registry& registry, const GetCommand& command) {
  if (!command.remote.empty()) return true;
  const auto remotes = registry.remotes();
  return std::any_of(remotes.begin(), remotes.end(), [](const RemoteInfo& remote) { return remote.is_default; });
}

const char* status_name(GetResult::FileStatus status) {
  switch (status) {
    case GetResult::FileStatus::written: return "written";
    case GetResult::FileStatus::unchanged: return "unchanged";
    case GetResult::FileStatus::replaced: return "replaced";
  }
  return "unknown";
}

void run_get(const GetCommand& command, const GlobalOptions& global) {
  const ModelRef ref = ModelRef::parse(command.ref);
  const std::filesystem::path directory(command.output.empty() ? ref.name : command.output);

  auto registry = Registry::open(std::filesystem::current_path());
  TerminalProgress progress(global.progress_allowed());
  if (should_fetch(registry, command)) registry.fetch({ref}, {command.remote, command.jobs}, progress);
  const GetResult result =
      registry.get(ref, directory, command.force ? Overwrite::yes : Overwrite::no, progress);

  if (!result.verified && !global.quiet) {
    fmt::print(stderr,
               "note: the version tag {} is not in this clone, so it could not be checked; the files are the ones "
               "the stage's model.yaml lists, each checked against its digest\n",
               result.tag);
  }
  if (command.json) {
    nlohmann::ordered_json out;
    out["directory"] = result.directory.string();
    out["files"] = nlohmann::ordered_json::array();
    for (const auto& [path, status] : result.files) out["files"].push_back({{"path", path}, {"status", status_name(status)}});
    out["bytes_written"] = result.bytes_written;
    out["verified"] = result.verified;
    print_json(std::cout, out);
    return;
  }
  if (global.quiet) return;
  const Style style = global.stdout_style();
  for (const auto& [path, status] : result.files) {
    const std::string name = status_name(status);
    const std::string shown = status == GetResult::FileStatus::unchanged ? style.dim(name) : style.green(name);
    fmt::print("{}{} {}\n", shown, std::string(10 - name.size(), ' '), (result.directory / path).string());
  }
  if (global.verbose) fmt::print("{} written\n", human_bytes(result.bytes_written));
}

}  // namespace

void setup_get(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<GetCommand>();
  auto* cmd = app.add_subcommand("get", "Write a version's files into a directory, verified");
  cmd->add_option("REF", command->ref, "NAME, NAME@latest, NAME@1.2.0, NAME@v1.2.0 or NAME#STAGE")
      ->required()
      ->type_name("");
  cmd->add_option("-o,--output", command->output, "Directory to write into (default: ./NAME)")->type_name("DIR");
  cmd->add_flag("-f,--force", command->force, "Replace existing files whose content differs");
  cmd->add_option("--remote", command->remote,
                  "Fetch missing objects from this blob remote (a name from `mreg remote list`, or a URL); "
                  "default: the default remote, when one is configured")
      ->type_name("R");
  cmd->add_option("-j,--jobs", command->jobs, "Parallel downloads (default 8)")->check(CLI::Range(1, 64));
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Each file is written atomically and checked against its digest. Files that are already\n"
      "identical are left alone; a different existing file stops the command before anything is\n"
      "written, unless --force. Objects missing from the local store are fetched first from --remote,\n"
      "else from the default remote (`mreg remote list`), each verified before it is stored.\n"
      "\n"
      "JSON (--json): {\"directory\", \"files\": [{\"path\", \"status\" (written|unchanged|replaced)}],\n"
      "               \"bytes_written\", \"verified\" (false: NAME#STAGE in a clone without the version tag)}\n"
      "\n"
      "Examples:\n"
      "  mreg get fraud-detector -o serving/model\n"
      "  mreg get fraud-detector@1.2.0 --force\n"
      "  mreg get fraud-detector#production -o /srv/model\n");
  cmd->callback([command, &global] { run_get(*command, global); });
}

}  // namespace mreg::cli
