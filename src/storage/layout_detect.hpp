// Finding a large file's tensor layout before it is chunked.
//
// A file is read as safetensors when its name ends in .safetensors or its
// first bytes look like one. A file that claims to be safetensors (by name
// or by its first bytes) but fails the strict header checks is chunked by
// content only, and `warning` says why; any other file is chunked by
// content without a word.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "storage/safetensors.hpp"

namespace mreg {

std::optional<safetensors::Layout> detect_tensor_layout(int fd, const std::filesystem::path& path,
                                                        std::uint64_t size, std::optional<std::string>& warning);

}  // namespace mreg
