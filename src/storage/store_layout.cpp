#include "storage/store_layout.hpp"

namespace mreg::store_layout {

std::filesystem::path object_path(const std::filesystem::path& root, const Digest& digest) {
  // Fan out by the first byte so that no directory holds more than a
  // 256th of the objects.
  const std::string hex = digest.hex();
  return root / "objects" / hex.substr(0, 2) / hex.substr(2);
}

std::filesystem::path manifest_path(const std::filesystem::path& root, const Digest& digest) {
  return root / "manifests" / digest.hex();
}

std::filesystem::path temp_directory(const std::filesystem::path& root) { return root / "tmp"; }

std::filesystem::path corrupt_path(const std::filesystem::path& root, const Digest& digest) {
  return root / "corrupt" / digest.hex();
}

std::string materialize_temp_prefix(const std::filesystem::path& destination) {
  // Shortened so that the temp name stays within NAME_MAX (255) even when
  // the destination's name is at the limit.
  constexpr std::size_t k_max_name_part = 200;
  return "." + destination.filename().string().substr(0, k_max_name_part) + ".mreg-tmp-";
}

bool is_materialize_temp(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with(".") && name.find(".mreg-tmp-") != std::string::npos;
}

}  // namespace mreg::store_layout
