// The pieces of a TensorDiff that every report format shows, so that text,
// markdown and JSON say the same thing (report_render.cpp lays them out).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mreg/diff.hpp"

namespace mreg {

// "8 tensors changed, 1 added, 72 unchanged; __metadata__ changed"
std::string tensor_counts_text(const TensorDiff& diff);

// One row per changed tensor: {"changed", "layers.3.weight", "F32 [4096, 4096]"}
// or, when dtype or shape changed, "F32 [3] -> F16 [3]".
std::vector<std::array<std::string, 3>> tensor_rows(const TensorDiff& diff);

nlohmann::ordered_json tensors_json(const TensorDiff& diff);

}  // namespace mreg
