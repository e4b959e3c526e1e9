// Stages (DESIGN §2, §3): what each stage branch holds, and the operations
// that change it.
//
// A stage is a branch `stage/<stage>` whose tree holds only `models/<name>/`
// directories, each the exact subtree (same git tree id) of a version's
// tagged commit. The state is always read from the tree, never from commit
// messages, so merges, squash merges and reverts made with plain git are
// understood. A subtree that is not any registered version's subtree
// (edited by hand) is reported as such and never trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mreg/refs.hpp"
#include "mreg/version.hpp"

namespace mreg {

// One model directory on a stage branch's tip.
struct StageEntry {
  enum class Status {
    verified,    // the subtree is the version tag's subtree
    unverified,  // the version tag is not in this clone (e.g. a clone of the stage branch only)
    modified,    // the subtree differs from the tagged version's: edited by hand
    invalid,     // model.yaml missing or unreadable, or names another model or no version
  };
  std::string name;
  std::optional<Version> version;  // as model.yaml on the stage says
  Status status = Status::verified;
  std::string problem;             // for every status but verified: what is wrong, in a sentence
  bool deprecated = false;
};

struct StageState {
  std::string stage;
  std::string branch;               // "stage/production"; "origin/stage/production" when only that was there
  std::optional<std::string> tip;   // commit id; nullopt when the branch does not exist yet
  std::vector<StageEntry> models;   // sorted by name
  const StageEntry* find(std::string_view name) const;
};

struct PromoteOptions {
  ModelRef ref;
  std::string stage;
  std::string message;                // optional text of the commit message
  std::optional<std::string> branch;  // write on a new branch NEW from the stage tip, for a pull request
  bool force = false;                 // skip the `from:`/`require:` checks (not unknown stages or deprecation)
};

struct DemoteOptions {
  std::string name;
  std::string stage;
  std::string message;
  std::optional<std::string> branch;
};

// A rule of the stage checked for a promotion, and how it went.
struct RuleCheck {
  std::string rule;     // "from: [staging]" or "require: metrics.auc >= 0.90"
  bool passed = false;
  std::string detail;   // "fraud v1.2.0 is in staging", "auc is 0.87"
};

struct StageChange {
  std::string stage;
  std::string branch;                // the branch written: the stage's, or --branch NEW
  std::string commit;                // empty for a no-op
  std::string name;
  std::optional<Version> version;    // promoted version; nullopt for a demotion
  std::optional<Version> previous;   // what the stage held before
  bool no_op = false;                // the stage already held exactly this
  std::vector<RuleCheck> checks;     // promotion rules (forced ones included)
};

struct DeprecateResult {
  std::string name;
  Version version;
  std::string tag;                  // "name@v1.2.0!"
  std::vector<std::string> stages;  // stages that still hold the version (demote it or promote another)
};

struct HistoryEvent {
  enum class Kind { registered, promoted, demoted, deprecated };
  std::int64_t timestamp = 0;
  int offset_minutes = 0;
  Kind event = Kind::registered;
  std::string name;
  std::optional<Version> version;   // for demoted: the version removed
  std::string stage;                // promoted/demoted only
  std::optional<Version> previous;  // promoted: what the stage held before
  std::string author;               // "Name <email>"
  std::string commit;
  std::string ref;                  // the tag or branch the event was read from
  std::string message;
};

const char* to_string(StageEntry::Status status) noexcept;
const char* to_string(HistoryEvent::Kind kind) noexcept;

}  // namespace mreg
