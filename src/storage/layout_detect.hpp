// Finding a large file's tensor layout before it is chunked.
//
// A file is read as safetensors when its name ends in .safetensors or its
// first bytes look like one, and as GGUF when its name ends in .gguf or it
// starts with the GGUF magic. A file that claims a format (by name or by
// its first bytes) but fails that format's checks is chunked by content
// only, and `warning` says why; any other file is chunked by content
// without a word.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "storage/tensor_layout.hpp"

namespace mreg {

std::optional<TensorLayout> detect_tensor_layout(int fd, const std::filesystem::path& path, std::uint64_t size,
                                                 std::optional<std::string>& warning);

}  // namespace mreg
