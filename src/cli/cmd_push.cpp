// mreg push: upload what versions need to a blob remote, then (with --git)
// push their tags and the stage branches with the user's git.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/git_push.hpp"
#include "cli/terminal_progress.hpp"
#include "cli/transfer_output.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {
namespace {

struct PushCommand {
  std::vector<std::string> refs;
  std::string remote;
  std::string git_remote;
  int jobs = 8;
  bool json = false;
};

// The version tags of what was pushed (every tag when all was) and every
// local stage branch, for git.
std::vector<std::string> git_refs(const Registry& registry, const std::vector<ModelRef>& refs) {
  std::vector<std::string> out;
  if (refs.empty()) {
    out.push_back("refs/tags/*");
  } else {
    for (const auto& ref : refs) out.push_back("refs/tags/" + registry.resolve(ref).info.tag);
  }
  const std::string stages = "refs/heads/" + registry.config().stage_branch_prefix + "*";
  out.push_back(stages + ":" + stages);
  return out;
}

void run_push(const PushCommand& command, const GlobalOptions& global) {
  std::vector<ModelRef> refs;
  for (const auto& text : command.refs) refs.push_back(ModelRef::parse(text));
  auto registry = Registry::open(std::filesystem::current_path());
  TerminalProgress progress(global.progress_allowed());
  const TransferReport report = registry.push(refs, {command.remote, command.jobs}, progress);
  if (!global.quiet || command.json) print_transfer(report, "pushed", command.json);
  // Objects first, refs second: nobody may see a tag whose objects are missing.
  if (!command.git_remote.empty()) push_with_git(registry.workdir(), command.git_remote, git_refs(registry, refs));
}

}  // namespace

void setup_push(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<PushCommand>();
  auto* cmd = app.add_subcommand("push", "Upload the objects versions need to a blob remote");
  cmd->add_option("REF", command->refs, "Versions to push (default: every version and what each stage holds)")
      ->type_name("");
  cmd->add_option("--remote", command->remote, "Blob remote: a name from `mreg remote list`, or a URL (default: the default remote)")
      ->type_name("R");
  cmd->add_option("--git", command->git_remote,
                  "Then push the version tags and stage branches to this git remote with your git")
      ->type_name("REMOTE");
  cmd->add_option("-j,--jobs", command->jobs, "Parallel uploads (default 8)")->check(CLI::Range(1, 64));
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Chunks and whole objects go first, manifests after them, and with --git the refs last, so a\n"
      "reader never finds a ref or a manifest whose objects are missing. What the remote already has\n"
      "(same key, same size) is skipped, so an interrupted push resumes where it stopped.\n"
      "\n"
      "JSON (--json): {\"remote\", \"files\", \"objects_sent\", \"objects_skipped\", \"bytes_sent\", \"seconds\"}\n"
      "\n"
      "Examples:\n"
      "  mreg push                                  everything, to the default remote\n"
      "  mreg push fraud-detector@1.3.0 --remote s3://ml-models/registry?endpoint=https://s3.example.com\n"
      "  mreg push --git origin                     then the tags and stage branches\n");
  cmd->callback([command, &global] { run_push(*command, global); });
}

}  // namespace mreg::cli
