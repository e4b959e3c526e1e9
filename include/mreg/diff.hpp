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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // Set when a stage gate names the metric with a direction (>=, >, <=, <)
  // and both values exist and differ: whether the change goes the good way.
  std::optional<bool> improved;
};

// One tensor of a safetensors or GGUF artifact that differs between two versions.
struct TensorChange {
  enum class Kind { added, removed, changed };
  std::string name;
  Kind kind = Kind::changed;
  std::string dtype_before, dtype_after;             // empty on the side where it is absent
  std::vector<std::uint64_t> shape_before, shape_after;
  std::uint64_t bytes_before = 0, bytes_after = 0;
};

// Which tensors of a changed safetensors or GGUF artifact changed, found from the
// headers and the chunk digests in the local store, without reading the
// tensors' bytes (except tiny tensors that share a chunk).
struct TensorDiff {
  std::vector<TensorChange> changes;  // sorted by name
  std::size_t unchanged = 0;
  bool metadata_changed = false;      // safetensors: __metadata__ differs; GGUF: the key/values differ
};

struct ArtifactChange {
  enum class Kind { added, removed, changed, unchanged };
  std::string path;
  Kind kind = Kind::unchanged;
  std::optional<std::uint64_t> size_before, size_after;
  std::string digest_before, digest_after;
  std::optional<TensorDiff> tensors;  // for a changed safetensors or GGUF artifact whose objects are local
  std::string tensors_note;           // why tensors were not compared, when a reader would expect it
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
  std::string base, head;                // the revisions as given
  std::string base_commit, head_commit;  // the commits they name
  std::string stage;                     // the stage whose branch `base` is
  std::vector<ReviewItem> items;         // sorted by model name
  bool ok() const;  // no failed check and no problem
  std::size_t failed_checks() const;
  std::size_t problems() const;
};

// Text for a terminal; markdown fit to post as a pull-request comment (GitHub
// flavoured: tables, <details>); JSON with the stable keys that `mreg diff
// --help` and `mreg review --help` document. Every result ends in a newline.
std::string render(const DiffReport& report, ReportFormat format);
std::string render(const ReviewReport& report, ReportFormat format);

}  // namespace mreg
