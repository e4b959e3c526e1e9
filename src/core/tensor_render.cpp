#include "core/tensor_render.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace mreg {
namespace {

const char* change_name(TensorChange::Kind kind) {
  switch (kind) {
    case TensorChange::Kind::added: return "added";
    case TensorChange::Kind::removed: return "removed";
    case TensorChange::Kind::changed: return "changed";
  }
  return "changed";
}

std::string type_text(const std::string& dtype, const std::vector<std::uint64_t>& shape) {
  return fmt::format("{} [{}]", dtype, fmt::join(shape, ", "));
}

}  // namespace

std::string tensor_counts_text(const TensorDiff& diff) {
  std::size_t counts[3] = {};
  for (const auto& change : diff.changes) ++counts[static_cast<int>(change.kind)];
  std::vector<std::string> parts;
  for (const auto kind : {TensorChange::Kind::changed, TensorChange::Kind::added, TensorChange::Kind::removed}) {
    const std::size_t count = counts[static_cast<int>(kind)];
    if (count == 0) continue;
    parts.push_back(parts.empty() ? fmt::format("{} tensor{} {}", count, count == 1 ? "" : "s", change_name(kind))
                                  : fmt::format("{} {}", count, change_name(kind)));
  }
  if (parts.empty()) parts.emplace_back("no tensor changed");
  parts.push_back(fmt::format("{} unchanged", diff.unchanged));
  std::string text = fmt::format("{}", fmt::join(parts, ", "));
  if (diff.metadata_changed) text += "; header metadata changed";
  return text;
}

std::vector<std::array<std::string, 3>> tensor_rows(const TensorDiff& diff) {
  std::vector<std::array<std::string, 3>> rows;
  for (const auto& change : diff.changes) {
    const std::string before = type_text(change.dtype_before, change.shape_before);
    const std::string after = type_text(change.dtype_after, change.shape_after);
    std::string description;
    switch (change.kind) {
      case TensorChange::Kind::added: description = after; break;
      case TensorChange::Kind::removed: description = before; break;
      case TensorChange::Kind::changed: description = before == after ? after : before + " -> " + after; break;
    }
    rows.push_back({change_name(change.kind), change.name, description});
  }
  return rows;
}

nlohmann::ordered_json tensors_json(const TensorDiff& diff) {
  nlohmann::ordered_json out;
  out["changes"] = nlohmann::ordered_json::array();
  for (const auto& change : diff.changes) {
    const auto side = [](const std::string& dtype, const std::vector<std::uint64_t>& shape,
                         std::uint64_t bytes) -> nlohmann::ordered_json {
      if (dtype.empty()) return nullptr;
      return {{"dtype", dtype}, {"shape", shape}, {"bytes", bytes}};
    };
    out["changes"].push_back({{"name", change.name},
                              {"change", change_name(change.kind)},
                              {"before", side(change.dtype_before, change.shape_before, change.bytes_before)},
                              {"after", side(change.dtype_after, change.shape_after, change.bytes_after)}});
  }
  out["unchanged"] = diff.unchanged;
  out["metadata_changed"] = diff.metadata_changed;
  return out;
}

}  // namespace mreg
