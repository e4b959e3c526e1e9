// TempDir: a fresh directory per test, removed when the test case passes and
// kept (its path printed) when it fails, so a failure can be inspected.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mreg::test {

class TempDir {
 public:
  TempDir();
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::filesystem::path& child) const { return m_path / child; }

 private:
  std::filesystem::path m_path;
};

// Writes `content` to `path` (creating parent directories).
void write_file(const std::filesystem::path& path, std::string_view content);
std::string read_file(const std::filesystem::path& path);

}  // namespace mreg::test
