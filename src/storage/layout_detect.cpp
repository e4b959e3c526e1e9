#include "storage/layout_detect.hpp"

#include <vector>

#include <fmt/format.h>

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

}  // namespace

std::optional<safetensors::Layout> detect_tensor_layout(int fd, const std::filesystem::path& path,
                                                        std::uint64_t size, std::optional<std::string>& warning) {
  const bool named = path.extension() == ".safetensors";
  const auto start = read_prefix(fd, path, std::min<std::uint64_t>(size, 16));
  if (!named && !safetensors::looks_like_safetensors(start, size)) return std::nullopt;
  const auto fall_back = [&](const std::string& problem) -> std::optional<safetensors::Layout> {
    warning = fmt::format("not a valid safetensors file ({}); chunked by content only", problem);
    return std::nullopt;
  };
  const auto header_size = safetensors::header_size(start, size);
  if (!header_size.value) return fall_back(header_size.error);
  const auto header = read_prefix(fd, path, *header_size.value);
  auto layout = safetensors::parse(header, size);
  if (!layout.value) return fall_back(layout.error);
  return std::move(layout.value);
}

}  // namespace mreg
