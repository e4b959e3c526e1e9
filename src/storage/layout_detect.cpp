#include "storage/layout_detect.hpp"

#include <vector>

#include <fmt/format.h>

#include "storage/gguf.hpp"
#include "storage/safetensors.hpp"
#include "util/file_io.hpp"

namespace mreg {
namespace {

// Reads up to `size` bytes from offset 0.
std::vector<std::uint8_t> read_prefix(int fd, const std::filesystem::path& path, std::uint64_t size) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const std::size_t got = pread_some(fd, bytes.data() + filled, bytes.size() - filled, filled, path);
    if (got == 0) break;
    filled += got;
  }
  bytes.resize(filled);
  return bytes;
}

Parsed<TensorLayout> read_safetensors(int fd, const std::filesystem::path& path, std::uint64_t size,
                                      const std::vector<std::uint8_t>& start) {
  const auto header_size = safetensors::header_size(start, size);
  if (!header_size.value) return {std::nullopt, header_size.error};
  return safetensors::parse(read_prefix(fd, path, *header_size.value), size);
}

Parsed<TensorLayout> read_gguf(int fd, const std::filesystem::path& path, std::uint64_t size) {
  return gguf::parse_file([&](std::uint64_t want) { return read_prefix(fd, path, want); }, size).layout;
}

}  // namespace

std::optional<TensorLayout> detect_tensor_layout(int fd, const std::filesystem::path& path, std::uint64_t size,
                                                 std::optional<std::string>& warning) {
  const auto start = read_prefix(fd, path, std::min<std::uint64_t>(size, 16));
  const auto use = [&](Parsed<TensorLayout> parsed, std::string_view format) -> std::optional<TensorLayout> {
    if (!parsed.value) warning = fmt::format("not a valid {} file ({}); chunked by content only", format, parsed.error);
    return std::move(parsed.value);
  };
  if (path.extension() == ".gguf" || gguf::has_magic(start)) return use(read_gguf(fd, path, size), "GGUF");
  if (path.extension() == ".safetensors" || safetensors::looks_like_safetensors(start, size)) {
    return use(read_safetensors(fd, path, size, start), "safetensors");
  }
  return std::nullopt;
}

}  // namespace mreg
