// Comparing versions and stage changes (DESIGN §6 `diff` and `review`).
//
// A DiffReport says what changed between two versions: metadata fields,
// metrics with deltas (and whether the change is better or worse where a
// stage gate says which direction is good), and artifacts added, removed or
// changed. A ReviewReport says what a change of a stage branch does
// (promotions, demotions, and the stage's rules checked for each), in the
// shape of a pull-request comment. Rendering to text, markdown and JSON is
// in the same place so that the three agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mreg/stages.hpp"
#include "mreg/version.hpp"

namespace mreg {

enum class ReportFormat { text, markdown, json };
ReportFormat parse_report_format(std::string_view text);  // throws Error(usage)

struct FieldChange {
  std::string field;  // "owner", "params.lr", "tags"
  nlohmann::ordered_json before, after;  // null when absent
};

struct MetricChange {
  std::string name;
  std::optional<double> before, after;
  std::optional<bool> improved;  // set when a gate names the metric and both values exist
};

struct ArtifactChange {
  enum class Kind { added, removed, changed, unchanged };
  std::string path;
  Kind kind = Kind::unchanged;
  std::optional<std::uint64_t> size_before, size_after;
  std::string digest_before, digest_after;
};

struct DiffReport {
  std::string ref_a, ref_b;        // as resolved: "fraud@1.2.0"
  std::vector<FieldChange> fields;
  std::vector<MetricChange> metrics;
  std::vector<ArtifactChange> artifacts;
};

struct ReviewItem {
  std::string stage;
  std::string name;
  std::optional<Version> before, after;  // before nullopt: added; after nullopt: demoted
  std::vector<RuleCheck> checks;
  std::string problem;                   // a hand-edited or unknown subtree, etc.
  std::optional<DiffReport> diff;        // between before and after when both are versions
};

struct ReviewReport {
  std::string base, head;
  std::vector<ReviewItem> items;
  bool ok() const;  // no failed check and no problem
};

std::string render(const DiffReport& report, ReportFormat format);
std::string render(const ReviewReport& report, ReportFormat format);

}  // namespace mreg
