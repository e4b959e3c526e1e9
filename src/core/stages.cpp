// Registry::stages and Registry::stage: what each stage branch holds; the
// names of the stage enums.
#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "mreg/registry.hpp"

namespace mreg {

const StageEntry* StageState::find(std::string_view name) const {
  for (const auto& entry : models) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::vector<StageState> Registry::stages() const {
  const auto& impl = *m_impl;
  const auto tags = TagIndex::read(impl.repo);
  std::vector<StageState> result;
  for (const auto& stage : impl.config.stages) {
    result.push_back(read_stage_state(impl, tags, find_stage_branch(impl, stage.name)));
  }
  return result;
}

StageState Registry::stage(std::string_view stage) const {
  const auto& impl = *m_impl;
  const StageConfig& config = configured_stage(impl, stage, ErrorCode::not_found);
  return read_stage_state(impl, TagIndex::read(impl.repo), find_stage_branch(impl, config.name));
}

const char* to_string(StageEntry::Status status) noexcept {
  switch (status) {
    case StageEntry::Status::verified: return "verified";
    case StageEntry::Status::unverified: return "unverified";
    case StageEntry::Status::modified: return "modified";
    case StageEntry::Status::invalid: return "invalid";
  }
  return "invalid";
}

const char* to_string(HistoryEvent::Kind kind) noexcept {
  switch (kind) {
    case HistoryEvent::Kind::registered: return "registered";
    case HistoryEvent::Kind::promoted: return "promoted";
    case HistoryEvent::Kind::demoted: return "demoted";
    case HistoryEvent::Kind::deprecated: return "deprecated";
  }
  return "registered";
}

}  // namespace mreg
