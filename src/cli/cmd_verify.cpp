// mreg verify: check that every file a version needs is in the local store, intact.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/error.hpp"
#include "mreg/maintenance.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct VerifyCommand {
  std::vector<std::string> refs;
  bool json = false;
  std::optional<std::string> remote;
  int jobs = 8;
};

std::string version_label(const VerifiedVersion& version) {
  return version.version ? fmt::format("{}@{}", version.name, version.version->str()) : version.name;
}

nlohmann::ordered_json to_json(const VerifyReport& report) {
  nlohmann::ordered_json out;
  out["ok"] = report.ok();
  out["versions"] = nlohmann::ordered_json::array();
  for (const auto& version : report.versions) {
    nlohmann::ordered_json entry;
    entry["name"] = version.name;
    entry["version"] = version.version ? nlohmann::ordered_json(version.version->str()) : nullptr;
    entry["tag"] = version.tag;
    entry["tag_checked"] = version.tag_checked;
    entry["ok"] = version.ok();
    entry["problem"] = version.problem.empty() ? nullptr : nlohmann::ordered_json(version.problem);
    entry["artifacts"] = nlohmann::ordered_json::array();
    for (const auto& artifact : version.artifacts) {
      entry["artifacts"].push_back({{"path", artifact.path},
                                    {"digest", artifact.digest.id()},
                                    {"size", artifact.size},
                                    {"status", to_string(artifact.status)},
                                    {"problem", artifact.problem.empty() ? nlohmann::ordered_json(nullptr)
                                                                         : nlohmann::ordered_json(artifact.problem)}});
    }
    out["versions"].push_back(std::move(entry));
  }
  out["files_checked"] = report.files_checked;
  out["bytes_checked"] = report.bytes_checked;
  return out;
}

void print_text(const VerifyReport& report, const GlobalOptions& global) {
  const Style style = global.stdout_style();
  for (const auto& version : report.versions) {
    const bool ok = version.ok();
    if (ok && global.quiet) continue;
    const std::string note = version.tag_checked ? "" : " (the stage's copy: the version tag is not in this clone)";
    fmt::print("{} {}{}\n", ok ? style.green("ok  ") : style.red("FAIL"), version_label(version), note);
    if (!version.problem.empty()) fmt::print("  {}\n", version.problem);
    for (const auto& artifact : version.artifacts) {
      const bool artifact_ok = artifact.status == VerifiedArtifact::Status::ok;
      if (artifact_ok && !global.verbose) continue;
      const std::string status = to_string(artifact.status);
      fmt::print("  {}{} {} {}\n", artifact_ok ? style.green(status) : style.red(status),
                 std::string(10 - status.size(), ' '), artifact.path, artifact.digest.id());
      if (!artifact_ok) fmt::print("    {}\n", artifact.problem);
    }
  }
  if (global.quiet) return;
  const std::size_t failed = static_cast<std::size_t>(
      std::count_if(report.versions.begin(), report.versions.end(), [](const auto& v) { return !v.ok(); }));
  if (report.versions.empty()) {
    fmt::print("no versions to verify\n");
  } else if (failed == 0) {
    fmt::print("{} version(s) intact: {} file(s), {} checked\n", report.versions.size(), report.files_checked,
               human_bytes(report.bytes_checked));
  } else {
    fmt::print("{} of {} version(s) have problems\n", failed, report.versions.size());
  }
}

// The failure to end with: what is wrong, in numbers, and how to repair it.
Error failure(const VerifyReport& report) {
  std::size_t missing = 0, corrupt = 0, other = 0;
  std::vector<std::string> failed;
  for (const auto& version : report.versions) {
    if (version.ok()) continue;
    failed.push_back(version_label(version));
    if (!version.problem.empty()) ++other;
    for (const auto& artifact : version.artifacts) {
      switch (artifact.status) {
        case VerifiedArtifact::Status::ok: break;
        case VerifiedArtifact::Status::missing: ++missing; break;
        case VerifiedArtifact::Status::corrupt: ++corrupt; break;
        case VerifiedArtifact::Status::unreadable: ++other; break;
      }
    }
  }
  std::vector<std::string> parts;
  if (missing) parts.push_back(fmt::format("{} file(s) missing", missing));
  if (corrupt) parts.push_back(fmt::format("{} corrupt", corrupt));
  if (other) parts.push_back(fmt::format("{} unreadable", other));
  const std::size_t named = std::min<std::size_t>(failed.size(), 5);
  const std::string refs = fmt::format("{}{}", fmt::join(failed.begin(), failed.begin() + named, " "),
                                       failed.size() > named ? " ..." : "");
  return Error(corrupt ? ErrorCode::corrupt : ErrorCode::not_found,
               fmt::format("verify failed: {} in {} version(s)", fmt::join(parts, ", "), failed.size()),
               fmt::format("restore the files from the blob remote they were pushed to with `mreg fetch {}`, or add "
                           "the original files again (`mreg add NAME PATH...` stores the same bytes under the same id)",
                           refs));
}

void run_verify(const VerifyCommand& command, const GlobalOptions& global) {
  std::vector<ModelRef> refs;
  for (const auto& text : command.refs) refs.push_back(ModelRef::parse(text));
  const auto registry = Registry::open(std::filesystem::current_path());
  const VerifyReport report =
      command.remote ? registry.verify_remote(refs, {*command.remote, command.jobs}) : registry.verify(refs);
  if (command.json) {
    print_json(std::cout, to_json(report));
  } else {
    print_text(report, global);
  }
  if (!report.ok()) throw failure(report);
}

}  // namespace

void setup_verify(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<VerifyCommand>();
  auto* cmd = app.add_subcommand("verify", "Check that every file a version needs is in the local store, intact");
  cmd->add_option("REF", command->refs,
                  "Versions to check: NAME, NAME@1.2.0, NAME#STAGE (default: every version tag and stage)")
      ->type_name("");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->add_option("--remote", command->remote,
                  "Check a blob remote instead of the local store: that it holds every object (HEAD requests)")
      ->type_name("R");
  cmd->add_option("-j,--jobs", command->jobs, "Parallel requests with --remote (default 8)")->check(CLI::Range(1, 64));
  cmd->footer(
      "Re-hashes each stored file (every chunk and the whole file, and its SHA-256 where\n"
      "model.yaml records one) and prints a line per version; -v also lists intact files.\n"
      "A corrupt object is moved aside to .git/mreg/corrupt/. Exits with status 1 when a file\n"
      "is missing, corrupt or unreadable. With --remote R, checks instead that the remote holds\n"
      "every object (and each chunked file's manifest and chunks) with the right size.\n"
      "\n"
      "JSON (--json): {\"ok\", \"versions\": [{\"name\", \"version\", \"tag\", \"tag_checked\" (false: a\n"
      "               stage's copy whose tag is not in this clone), \"ok\", \"problem\" (null or text),\n"
      "               \"artifacts\": [{\"path\", \"digest\", \"size\", \"status\" (ok|missing|corrupt|\n"
      "               unreadable), \"problem\" (null or text)}]}], \"files_checked\", \"bytes_checked\"}\n"
      "\n"
      "Examples:\n"
      "  mreg verify\n"
      "  mreg verify fraud-detector#production --json\n");
  cmd->callback([command, &global] { run_verify(*command, global); });
}

}  // namespace mreg::cli
