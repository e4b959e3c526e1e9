// Where a model file's header ends and where each tensor's bytes lie: what
// the chunk planner needs to cut chunks at tensor boundaries (DESIGN §5),
// whichever format (safetensors.hpp, gguf.hpp) it was read from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mreg {

struct TensorRange {
  std::string name;
  std::string dtype;  // the format's own name: "F32", "BF16", "Q4_K", ...
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0;  // absolute file offsets: the tensor is [begin, end)
  std::uint64_t end = 0;
  friend bool operator==(const TensorRange&, const TensorRange&) = default;
};

struct TensorLayout {
  std::uint64_t header_size = 0;    // where the tensor data starts
  std::vector<TensorRange> tensors;  // sorted by (begin, end), disjoint, within [header_size, file size)
  friend bool operator==(const TensorLayout&, const TensorLayout&) = default;
};

// A value, or a message saying what is wrong with the file.
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // empty exactly when value is set
};

}  // namespace mreg
