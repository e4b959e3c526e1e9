#include "temp_dir.hpp"

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>

namespace mreg::test {
namespace {

std::vector<std::filesystem::path>& live_dirs() {
  static std::vector<std::filesystem::path> dirs;
  return dirs;
}

// Cleans up after each test case: the directories of a passing test are
// removed, those of a failing one are kept and named.
struct TempDirListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    const bool failed = stats.totals.assertions.failed > 0;
    for (const auto& dir : live_dirs()) {
      if (failed) {
        std::cerr << "kept temp dir of failed test: " << dir << '\n';
      } else {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    }
    live_dirs().clear();
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(TempDirListener)

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/mreg-unit-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  m_path = pattern;
  live_dirs().push_back(m_path);
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace mreg::test
