// mreg diff: what changed between two versions.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/commands.hpp"
#include "mreg/diff.hpp"
#include "mreg/refs.hpp"
#include "mreg/registry.hpp"

namespace mreg::cli {

namespace {

struct DiffCommand {
  std::string ref_a, ref_b;
  std::string format = "text";
  bool json = false;
};

void run_diff(const DiffCommand& command) {
  const ReportFormat format = command.json ? ReportFormat::json : parse_report_format(command.format);
  const auto registry = Registry::open(std::filesystem::current_path());
  const DiffReport report = registry.diff(ModelRef::parse(command.ref_a), ModelRef::parse(command.ref_b));
  std::cout << render(report, format);
}

}  // namespace

void setup_diff(CLI::App& app, const GlobalOptions&) {
  auto command = std::make_shared<DiffCommand>();
  auto* cmd = app.add_subcommand("diff", "Compare two versions: metadata, metrics with deltas, artifacts");
  cmd->add_option("REF_A", command->ref_a, "The older side: NAME@1.2.0, NAME#STAGE, NAME")->required()->type_name("");
  cmd->add_option("REF_B", command->ref_b, "The newer side")->required()->type_name("");
  auto* format = cmd->add_option("--format", command->format, "Output format (default text)")
                     ->type_name("text|markdown|json");
  cmd->add_flag("--json", command->json, "Same as --format json")->excludes(format);
  cmd->footer(
      "Metrics show before, after and the delta; where a stage gate in mreg.yaml names the\n"
      "metric (metrics.auc: \">= 0.90\"), the change is marked \"▲ better\" or \"▼ worse\".\n"
      "Maps (params, source, custom) are compared key by key (\"params.optimizer.lr\").\n"
      "Artifacts are matched by path: added, removed, changed (digest or size), unchanged.\n"
      "A changed safetensors or GGUF file also lists its tensors added, removed and changed,\n"
      "found from the headers and chunk digests in the local store (`mreg fetch` brings them).\n"
      "\n"
      "JSON (--format json): {\"ref_a\", \"ref_b\" (\"NAME@VERSION\"),\n"
      "  \"fields\": [{\"field\", \"before\", \"after\"}]  (changed fields only; null when absent),\n"
      "  \"metrics\": [{\"name\", \"before\", \"after\", \"delta\" (after - before, or null),\n"
      "               \"improved\" (bool, or null when no gate gives a direction or nothing changed)}],\n"
      "  \"artifacts\": [{\"path\", \"change\" (added|removed|changed|unchanged),\n"
      "                 \"size_before\", \"size_after\", \"digest_before\", \"digest_after\" (null when absent),\n"
      "                 \"tensors\": {\"changes\": [{\"name\", \"change\", \"before\", \"after\" ({\"dtype\",\n"
      "                   \"shape\", \"bytes\"} or null)}], \"unchanged\", \"metadata_changed\"} (when compared),\n"
      "                 \"tensors_note\" (why they were not compared)}]}\n"
      "\n"
      "Examples:\n"
      "  mreg diff fraud-detector@1.2.0 fraud-detector@1.3.0\n"
      "  mreg diff fraud-detector#production fraud-detector --format markdown\n");
  cmd->callback([command] { run_diff(*command); });
}

}  // namespace mreg::cli
