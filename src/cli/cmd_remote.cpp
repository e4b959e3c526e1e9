// mreg remote add|list|remove|default: the blob remotes of mreg.yaml.
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
#include "cli/output.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct RemoteCommand {
  std::string name;
  std::string url;
  bool make_default = false;
  bool json = false;
};

constexpr const char* url_forms =
    "URL forms:\n"
    "  /srv/mreg-store, ../store, file:///srv/mreg-store\n"
    "      a directory on a shared or network filesystem (a relative path is stored\n"
    "      relative to the top of the work tree)\n"
    "  s3://BUCKET/PREFIX?endpoint=URL&region=R&addressing=path|virtual\n"
    "      any S3-compatible store; without endpoint: AWS (region from AWS_REGION or\n"
    "      AWS_DEFAULT_REGION, else us-east-1); addressing defaults to path with an endpoint\n"
    "  https://HOST/PATH (or http://)\n"
    "      a server that answers GET, HEAD and PUT, such as WebDAV\n"
    "\n"
    "Credentials never go in the URL or in mreg.yaml, which is committed: S3 keys come\n"
    "from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) or from\n"
    "~/.aws/credentials (AWS_PROFILE); an http(s) bearer token from MREG_HTTP_TOKEN.\n";

// Where to commit from: `git commit PATH` commits only that file, leaving
// anything else the user has staged for their own commit.
void print_commit_hint(const Style& style, std::string_view message) {
  fmt::print("staged {}; commit it with: {}\n", config_file_name,
             style.bold(fmt::format("git commit -m '{}' {}", message, config_file_name)));
}

void run_add(const RemoteCommand& command, const GlobalOptions& global) {
  auto registry = Registry::open(std::filesystem::current_path());
  registry.add_remote(command.name, command.url, command.make_default);
  if (global.quiet) return;
  const Style style = global.stdout_style();
  for (const auto& remote : registry.remotes()) {
    if (remote.name != command.name) continue;
    fmt::print("added remote {}: {}{}\n", remote.name, remote.url, remote.is_default ? " (default)" : "");
    if (remote.from_git_config) {
      fmt::print("note: your git config mreg.remote.{}.url overrides this URL for you\n", remote.name);
    }
  }
  print_commit_hint(style, fmt::format("Add blob remote {}", command.name));
}

void run_list(const RemoteCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const auto remotes = registry.remotes();
  if (command.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& remote : remotes) {
      nlohmann::ordered_json entry;
      entry["name"] = remote.name;
      entry["url"] = remote.url;
      entry["default"] = remote.is_default;
      entry["source"] = remote.from_git_config ? "git config" : std::string(config_file_name);
      out.push_back(std::move(entry));
    }
    print_json(std::cout, out);
    return;
  }
  if (remotes.empty()) {
    if (!global.quiet) fmt::print("no remotes configured; add one with: mreg remote add NAME URL\n");
    return;
  }
  const Style style = global.stdout_style();
  Table table({"NAME", "URL", "NOTES"});
  for (const auto& remote : remotes) {
    std::vector<std::string> notes;
    if (remote.is_default) notes.push_back(style.green("default"));
    if (remote.from_git_config) notes.push_back(fmt::format("from git config mreg.remote.{}.url", remote.name));
    table.add_row({remote.name, remote.url, fmt::format("{}", fmt::join(notes, ", "))});
  }
  table.print(std::cout, style);
}

void run_remove(const RemoteCommand& command, const GlobalOptions& global) {
  auto registry = Registry::open(std::filesystem::current_path());
  const bool was_default = registry.config().default_remote == command.name;
  registry.remove_remote(command.name);
  if (global.quiet) return;
  fmt::print("removed remote {}\n", command.name);
  if (was_default) {
    const auto& next = registry.config().default_remote;
    fmt::print("the default remote is now {}\n", next ? *next : std::string("none"));
  }
  for (const auto& remote : registry.remotes()) {
    if (remote.name == command.name) {
      fmt::print("note: your git config still defines it (remove that with: git config --unset mreg.remote.{}.url)\n",
                 command.name);
    }
  }
  print_commit_hint(global.stdout_style(), fmt::format("Remove blob remote {}", command.name));
}

void run_default(const RemoteCommand& command, const GlobalOptions& global) {
  auto registry = Registry::open(std::filesystem::current_path());
  registry.set_default_remote(command.name);
  if (global.quiet) return;
  fmt::print("the default remote is now {}\n", command.name);
  for (const auto& remote : registry.remotes()) {
    if (remote.is_default && remote.name != command.name) {
      fmt::print("note: your git config mreg.defaultRemote ({}) overrides it for you\n", remote.name);
    }
  }
  print_commit_hint(global.stdout_style(), fmt::format("Make {} the default blob remote", command.name));
}

CLI::App* add_name_argument(CLI::App* cmd, std::string& name) {
  cmd->add_option("NAME", name, "The remote's name, e.g. origin")->required()->type_name("");
  return cmd;
}

}  // namespace

void setup_remote(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<RemoteCommand>();
  auto* remote = app.add_subcommand("remote", "Add, list, remove or choose the blob remotes where objects are shared");
  // Checked here rather than by CLI11, whose message ("A subcommand is
  // required") does not say which ones there are.
  remote->require_subcommand(0, 1);
  remote->callback([remote] {
    if (remote->get_subcommands().empty()) {
      throw Error(ErrorCode::usage, "mreg remote needs a subcommand: add, list, remove or default",
                  "run 'mreg remote --help' for examples");
    }
  });
  remote->footer(fmt::format(
      "Remotes are listed in mreg.yaml (committed, shared by the team). `push` uploads objects\n"
      "to a remote, `fetch` and `get` download them; the default remote is used when no\n"
      "--remote is given. A user may override a URL, or add a remote, for themselves only with\n"
      "git config mreg.remote.NAME.url URL, and choose another default with\n"
      "git config mreg.defaultRemote NAME.\n"
      "\n"
      "{}\n"
      "Examples:\n"
      "  mreg remote add origin 's3://ml-models/registry?endpoint=https://s3.example.com&region=eu-west-1'\n"
      "  mreg remote add nas /mnt/models/mreg\n"
      "  mreg remote add web https://models.example.com/mreg --default\n"
      "  mreg remote list\n",
      url_forms));

  auto* add = remote->add_subcommand("add", "Add a remote to mreg.yaml (the first one becomes the default)");
  add_name_argument(add, command->name);
  add->add_option("URL", command->url, "Where it is: a path, file://, s3:// or http(s):// URL")
      ->required()
      ->type_name("");
  add->add_flag("--default", command->make_default, "Also make it the default remote");
  add->footer(fmt::format(
      "Edits mreg.yaml and stages it; commit it to share the remote with the team.\n"
      "mreg.yaml is rewritten in its canonical form (comments in it are not kept).\n"
      "\n"
      "{}\n"
      "Examples:\n"
      "  mreg remote add origin 's3://ml-models/registry?region=eu-west-1'\n"
      "  mreg remote add minio 's3://models?endpoint=http://127.0.0.1:9000' --default\n"
      "  mreg remote add nas file:///mnt/models/mreg\n"
      "  mreg remote add web https://models.example.com/mreg\n",
      url_forms));
  add->callback([command, &global] { run_add(*command, global); });

  auto* list = remote->add_subcommand("list", "List the remotes, with git config overrides and the default");
  list->add_flag("--json", command->json, "Print the result as JSON");
  list->footer(
      "JSON (--json): [{\"name\", \"url\", \"default\" (bool), \"source\" (\"mreg.yaml\" or \"git config\")}],\n"
      "               in mreg.yaml's order, then those only git config adds\n"
      "\n"
      "Example:\n"
      "  mreg remote list --json | jq -r '.[] | select(.default) | .url'\n");
  list->callback([command, &global] { run_list(*command, global); });

  auto* remove = remote->add_subcommand("remove", "Remove a remote from mreg.yaml (its objects are left alone)");
  add_name_argument(remove, command->name);
  remove->footer(
      "Removing the default remote makes the first remaining one the default.\n"
      "\n"
      "Example:\n"
      "  mreg remote remove nas\n");
  remove->callback([command, &global] { run_remove(*command, global); });

  auto* make_default = remote->add_subcommand("default", "Make a remote of mreg.yaml the default remote");
  add_name_argument(make_default, command->name);
  make_default->footer(
      "For yourself only, use git config mreg.defaultRemote NAME instead.\n"
      "\n"
      "Example:\n"
      "  mreg remote default origin\n");
  make_default->callback([command, &global] { run_default(*command, global); });

  // Global options may follow these too (`mreg remote list -q`), as they
  // follow every command.
  for (auto* sub : remote->get_subcommands({})) sub->fallthrough()->allow_extras(false);
}

}  // namespace mreg::cli
