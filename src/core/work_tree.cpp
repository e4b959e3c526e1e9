#include "core/work_tree.hpp"

#include <string>


#include "storage/store_layout.hpp"
#include "util/atomic_file.hpp"
#include "util/file_io.hpp"

namespace fs = std::filesystem;

namespace mreg {

std::optional<std::string> read_work_file(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  auto fd = open_regular_file(path);
  std::string content;
  char buffer[64 * 1024];
  while (const auto got = read_some(fd.get(), buffer, sizeof buffer, path)) content.append(buffer, got);
  return content;
}

void write_work_file(const fs::path& path, std::string_view content) {
  ensure_directory(path.parent_path());
  AtomicFile file(path.parent_path(), store_layout::materialize_temp_prefix(path), 0666);
  file.write(content.data(), content.size());
  file.commit(path);
}

}  // namespace mreg
