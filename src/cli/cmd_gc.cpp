// mreg gc: delete the local store's objects that no ref, stage or draft needs.
#include <charconv>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <limits>
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
#include "mreg/maintenance.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct GcCommand {
  bool dry_run = false;
  std::string grace = "1d";
  bool json = false;
};

struct DurationUnit {
  char suffix;
  std::int64_t seconds;
};
constexpr DurationUnit k_units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

// "30s", "10m", "2h", "1d"; a bare number is seconds.
std::chrono::seconds parse_duration(const std::string& text) {
  std::string_view digits = text;
  std::int64_t unit = 1;
  for (const auto& candidate : k_units) {
    if (!digits.empty() && digits.back() == candidate.suffix) {
      digits.remove_suffix(1);
      unit = candidate.seconds;
      break;
    }
  }
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || count < 0 ||
      count > std::numeric_limits<std::int64_t>::max() / unit) {
    throw Error(ErrorCode::usage, fmt::format("--grace: '{}' is not a duration", text),
                "write a whole number with s, m, h or d, e.g. --grace 30m; 0 keeps nothing for being young");
  }
  return std::chrono::seconds(count * unit);
}

std::string format_duration(std::chrono::seconds duration) {
  for (const auto& unit : k_units) {
    if (duration.count() != 0 && duration.count() % unit.seconds == 0) {
      return fmt::format("{}{}", duration.count() / unit.seconds, unit.suffix);
    }
  }
  return "0s";
}

// "2 objects, 1 manifest, 3 temp files".
std::string kinds_summary(const std::vector<BlobStore::Item>& items) {
  std::size_t objects = 0, manifests = 0, temps = 0;
  for (const auto& item : items) {
    switch (item.kind) {
      case BlobStore::Item::Kind::object: ++objects; break;
      case BlobStore::Item::Kind::manifest: ++manifests; break;
      case BlobStore::Item::Kind::temp: ++temps; break;
    }
  }
  const auto counted = [](std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  std::vector<std::string> parts{counted(objects, "object", "objects")};
  if (manifests) parts.push_back(counted(manifests, "manifest", "manifests"));
  if (temps) parts.push_back(counted(temps, "temp file", "temp files"));
  return fmt::format("{}", fmt::join(parts, ", "));
}

nlohmann::ordered_json items_json(const std::vector<BlobStore::Item>& items, std::uint64_t bytes) {
  nlohmann::ordered_json out;
  out["count"] = items.size();
  out["bytes"] = bytes;
  out["items"] = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    out["items"].push_back({{"kind", to_string(item.kind)},
                            {"id", item.digest ? nlohmann::ordered_json(item.digest->id()) : nullptr},
                            {"path", item.path.string()},
                            {"size", item.size},
                            {"mtime", item.mtime_seconds}});
  }
  return out;
}

void print_text(const GcReport& report, const GlobalOptions& global) {
  if (global.quiet) return;
  const char* verb = report.dry_run ? "would delete" : "deleted";
  if (global.verbose) {
    for (const auto& item : report.deleted) {
      fmt::print("{} {} ({})\n", verb, item.path.string(), human_bytes(item.size));
    }
    for (const auto& item : report.young) {
      fmt::print("kept young {} ({})\n", item.path.string(), human_bytes(item.size));
    }
  }
  if (report.deleted.empty()) {
    fmt::print("{}\n", report.dry_run ? "nothing to delete" : "deleted nothing");
  } else {
    fmt::print("{} {}: {}\n", verb, kinds_summary(report.deleted), human_bytes(report.deleted_bytes));
  }
  fmt::print("kept {} needed object(s) and manifest(s): {} (named by {} model.yaml file(s))\n", report.reachable,
             human_bytes(report.reachable_bytes), report.metadata_files);
  if (!report.young.empty()) {
    fmt::print("kept {} not needed but younger than the grace period ({}): {}\n", kinds_summary(report.young),
               format_duration(report.grace), human_bytes(report.young_bytes));
  }
}

void run_gc(const GcCommand& command, const GlobalOptions& global) {
  GcOptions options;
  options.dry_run = command.dry_run;
  options.grace = parse_duration(command.grace);
  auto registry = Registry::open(std::filesystem::current_path());
  const GcReport report = registry.gc(options);
  if (command.json) {
    nlohmann::ordered_json out;
    out["dry_run"] = report.dry_run;
    out["grace_seconds"] = report.grace.count();
    out["deleted"] = items_json(report.deleted, report.deleted_bytes);
    out["young"] = items_json(report.young, report.young_bytes);
    out["reachable"] = {{"count", report.reachable}, {"bytes", report.reachable_bytes}};
    out["metadata_files"] = report.metadata_files;
    print_json(std::cout, out);
    return;
  }
  print_text(report, global);
}

}  // namespace

void setup_gc(CLI::App& app, const GlobalOptions& global) {
  auto command = std::make_shared<GcCommand>();
  auto* cmd = app.add_subcommand("gc", "Delete local store objects that no tag, branch or draft needs");
  cmd->add_flag("-n,--dry-run", command->dry_run, "Say what would be deleted, delete nothing");
  cmd->add_option("--grace", command->grace,
                  "Keep unneeded files younger than this: 30s, 10m, 2h, 1d, 0 (default: 1d)")
      ->type_name("DURATION");
  cmd->add_flag("--json", command->json, "Print the result as JSON");
  cmd->footer(
      "Needed are the files named by models/NAME/model.yaml at every version tag (deprecated\n"
      "ones too), by every model.yaml at the tip of every branch (stage branches included),\n"
      "remote-tracking branch and stash, and by the drafts in the work tree (what `mreg add`\n"
      "wrote); a chunked file needs its manifest and chunks. What only history or a deleted tag\n"
      "names goes. If any of those model.yaml files cannot be read, gc deletes nothing.\n"
      "\n"
      "A concurrent `mreg add` stores its objects before it writes the model.yaml naming them,\n"
      "so files younger than the grace period are kept; --grace 0 is safe only when no other\n"
      "mreg process is using the store. A store set by MREG_CACHE_DIR or mreg.cacheDir may be\n"
      "shared with other clones and is refused.\n"
      "\n"
      "JSON (--json): {\"dry_run\", \"grace_seconds\",\n"
      "               \"deleted\" (with --dry-run: would be): {\"count\", \"bytes\", \"items\": [{\"kind\"\n"
      "                 (object|manifest|temp), \"id\" (null for temp), \"path\", \"size\", \"mtime\"}]},\n"
      "               \"young\" (not needed, kept): {\"count\", \"bytes\", \"items\"},\n"
      "               \"reachable\": {\"count\", \"bytes\"}, \"metadata_files\"}\n"
      "\n"
      "Examples:\n"
      "  mreg gc --dry-run -v\n"
      "  mreg gc --grace 2h\n");
  cmd->callback([command, &global] { run_gc(*command, global); });
}

}  // namespace mreg::cli
