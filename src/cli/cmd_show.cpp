// mreg show: one version's facts and metadata.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct ShowCommand {
  std::string ref;
  bool files = false;
  bool json = false;
};

nlohmann::ordered_json to_json(const ResolvedVersion& resolved) {
  const VersionInfo& info = resolved.info;
  nlohmann::ordered_json out;
  out["name"] = info.name;
  out["version"] = info.version.str();
  out["tag"] = info.tag;
  const auto null = nlohmann::ordered_json(nullptr);
  out["commit"] = resolved.verified ? nlohmann::ordered_json(info.commit) : null;
  out["registered_at"] = resolved.verified ? nlohmann::ordered_json(iso8601(info.time, info.time_offset_minutes)) : null;
  out["registered_by"] = resolved.verified
                             ? nlohmann::ordered_json({{"name", info.tagger_name}, {"email", info.tagger_email}})
                             : null;
  out["message"] = info.message;
  out["deprecated"] = info.deprecated;
  out["deprecation_reason"] = info.deprecated ? nlohmann::ordered_json(info.deprecation_reason) : nullptr;
  out["metadata"] = metadata_to_json(resolved.metadata);
  out["stages"] = resolved.stages;
  out["verified"] = resolved.verified;
  out["stage_commit"] = resolved.stage_commit.empty() ? null : nlohmann::ordered_json(resolved.stage_commit);
  return out;
}

// "label:" padded so that values line up; continuation lines are indented.
void print_field(std::string_view label, std::string_view value) {
  constexpr std::size_t width = 14;
  std::string text(value);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string indented;
  for (char c : text) {
    indented += c;
    if (c == '\n') indented.append(width, ' ');
  }
  fmt::print("{:<{}}{}\n", fmt::format("{}:", label), width, indented);
}

// Scalars of free-form maps as YAML would show them (strings unquoted).
std::string scalar_text(const nlohmann::ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void print_map(std::string_view label, const nlohmann::ordered_json& map) {
  if (!map.is_object() || map.empty()) return;
  fmt::print("{}:\n", label);
  for (const auto& [key, value] : map.items()) fmt::print("  {}: {}\n", key, scalar_text(value));
}

void print_text(const ResolvedVersion& resolved, bool list_files, const Style& style) {
  const VersionInfo& info = resolved.info;
  const ModelMetadata& m = resolved.metadata;
  fmt::print("{} {}\n", style.bold(info.name), style.bold("v" + info.version.str()));
  if (resolved.verified) {
    print_field("tag", info.tag);
    print_field("commit", info.commit);
    print_field("registered", fmt::format("{} by {} <{}>", iso8601(info.time, info.time_offset_minutes),
                                          info.tagger_name, info.tagger_email));
  } else {
    print_field("tag", fmt::format("{} ({})", info.tag,
                                   style.yellow("unverified: the version tag could not be checked, it is not in "
                                                "this clone; the metadata is the stage's copy")));
  }
  if (!resolved.stage_commit.empty()) print_field("stage commit", resolved.stage_commit);
  print_field("stages", resolved.stages.empty() ? std::string("none")
                                                : fmt::format("{}", fmt::join(resolved.stages, ", ")));
  if (!info.message.empty()) print_field("message", info.message);
  if (info.deprecated) print_field("deprecated", style.yellow(info.deprecation_reason.empty() ? "yes" : info.deprecation_reason));

  fmt::print("\n");
  if (m.description) print_field("description", *m.description);
  if (m.owner) print_field("owner", *m.owner);
  if (m.license) print_field("license", *m.license);
  if (m.framework) print_field("framework", *m.framework);
  if (m.task) print_field("task", *m.task);
  if (!m.tags.empty()) print_field("tags", fmt::format("{}", fmt::join(m.tags, ", ")));
  if (m.base_model) print_field("base model", *m.base_model);
  if (!m.datasets.empty()) print_field("datasets", fmt::format("{}", fmt::join(m.datasets, ", ")));
  if (!m.metrics.empty()) {
    fmt::print("metrics:\n");
    for (const auto& [key, value] : m.metrics) fmt::print("  {}: {}\n", key, value);
  }
  print_map("params", m.params);
  print_map("source", m.source);
  print_map("custom", m.custom);

  std::uint64_t total = 0;
  for (const auto& artifact : m.artifacts) total += artifact.size;
  print_field("artifacts", fmt::format("{} file{}, {}{}", m.artifacts.size(), m.artifacts.size() == 1 ? "" : "s",
                                       human_bytes(total), list_files ? "" : " (--files lists them)"));
  if (!list_files) return;
  Table table({"PATH", "SIZE", "BYTES", "DIGEST", "FORMAT"});
  for (const auto& artifact : m.artifacts) {
    table.add_row({artifact.path, human_bytes(artifact.size), std::to_string(artifact.size), artifact.digest.id(),
                   artifact.format.empty() ? "-" : artifact.format});
  }
  table.print(std::cout, style);
}

void run_show(const ShowCommand& command, const GlobalOptions& global) {
  const auto registry = Registry::open(std::filesystem::current_path());
  const ResolvedVersion resolved = registry.resolve(ModelRef::parse(command.ref));
  if (command.json) {
    print_json(std::cout, to_json(resolved));
    return;
  }
  print_text(resolved, command.files, global.stdout_style());
}

}  // namespace

void setup_show(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<ShowCommand>();
  auto* cmd = app.add_subcommand("show", "Show one version: tag, commit, who registered it when, and its metadata");
  cmd->add_option("REF", command->ref, "NAME, NAME@latest, NAME@1.2.0, NAME@v1.2.0 or NAME#STAGE")
      ->required()
      ->type_name("");
  cmd->add_flag("--files", command->files, "Also list the artifacts: path, size, digest, format");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "JSON (--json): {\"name\", \"version\", \"tag\", \"commit\", \"registered_at\" (ISO-8601),\n"
      "               \"registered_by\": {\"name\", \"email\"}, \"message\", \"deprecated\" (bool),\n"
      "               \"deprecation_reason\" (string or null), \"metadata\": {model.yaml as JSON},\n"
      "               \"stages\": [stages holding this version], \"verified\" (false: read from a stage\n"
      "               whose version tag is not in this clone; commit, registered_at and registered_by\n"
      "               are then null), \"stage_commit\" (for NAME#STAGE, else null)}\n"
      "\n"
      "Examples:\n"
      "  mreg show fraud-detector\n"
      "  mreg show fraud-detector@1.2.0 --files\n"
      "  mreg show fraud-detector#production\n"
      "  mreg show fraud-detector --json | jq .metadata.metrics\n");
  cmd->callback([command, &global] { run_show(*command, global); });
}

}  // namespace mreg::cli
