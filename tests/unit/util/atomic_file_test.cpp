#include "util/atomic_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace mreg {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> entries(const fs::path& directory) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(directory)) found.push_back(entry.path());
  return found;
}

// Sets the process umask for one test and restores it afterwards.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : m_previous(::umask(mask)) {}
  ~ScopedUmask() { ::umask(m_previous); }

 private:
  mode_t m_previous;
};

}  // namespace

TEST_CASE("AtomicFile publishes its content under the final name on commit", "[atomic_file]") {
  test::TempDir dir;
  fs::create_directories(dir / "tmp");
  {
    AtomicFile file(dir / "tmp", "out-");
    file.write("hello ", 6);
    file.write("world", 5);
    CHECK_FALSE(fs::exists(dir / "final"));
    file.commit(dir / "final");
  }
  CHECK(test::read_file(dir / "final") == "hello world");
  CHECK(entries(dir / "tmp").empty());
}

TEST_CASE("AtomicFile names its temp file with the prefix and a unique suffix", "[atomic_file]") {
  test::TempDir dir;
  AtomicFile first(dir.path(), ".model.bin.mreg-tmp-");
  AtomicFile second(dir.path(), ".model.bin.mreg-tmp-");
  CHECK(first.temp_path().parent_path() == dir.path());
  CHECK(first.temp_path().filename().string().starts_with(".model.bin.mreg-tmp-"));
  CHECK(first.temp_path().filename().string().size() == std::string(".model.bin.mreg-tmp-").size() + 6);
  CHECK(first.temp_path() != second.temp_path());
  CHECK(fs::exists(first.temp_path()));
}

TEST_CASE("AtomicFile removes an uncommitted temp file and publishes nothing", "[atomic_file]") {
  test::TempDir dir;
  fs::path temp;
  {
    AtomicFile file(dir.path(), "out-");
    file.write("half", 4);
    temp = file.temp_path();
    CHECK(fs::exists(temp));
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("AtomicFile::abandon removes the temp file at once", "[atomic_file]") {
  test::TempDir dir;
  AtomicFile file(dir.path(), "out-");
  file.abandon();
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("AtomicFile commit replaces an existing file", "[atomic_file]") {
  test::TempDir dir;
  test::write_file(dir / "final", "old content");
  AtomicFile file(dir.path(), "out-");
  file.write("new", 3);
  file.commit(dir / "final");
  CHECK(test::read_file(dir / "final") == "new");
  CHECK(entries(dir.path()).size() == 1);
}

TEST_CASE("AtomicFile applies the umask to the requested mode", "[atomic_file]") {
  test::TempDir dir;
  const ScopedUmask umask(022);
  {
    AtomicFile file(dir.path(), "out-");
    file.commit(dir / "default");
  }
  {
    AtomicFile file(dir.path(), "out-", 0444);
    file.commit(dir / "read-only");
  }
  CHECK(fs::status(dir / "default").permissions() == static_cast<fs::perms>(0644));
  CHECK(fs::status(dir / "read-only").permissions() == static_cast<fs::perms>(0444));
}

TEST_CASE("AtomicFile failing to commit reports it and leaves no temp file", "[atomic_file]") {
  test::TempDir dir;
  {
    AtomicFile file(dir.path(), "out-");
    file.write("data", 4);
    try {
      file.commit(dir / "missing-dir" / "final");
      FAIL("commit into a missing directory succeeded");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::io);
      CHECK_THAT(error.what(), Catch::Contains((dir / "missing-dir" / "final").string()));
    }
  }
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("AtomicFile in a missing directory fails naming the file", "[atomic_file]") {
  test::TempDir dir;
  try {
    AtomicFile file(dir / "nowhere", "out-");
    FAIL("created a file in a missing directory");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::not_found);
    CHECK_THAT(error.what(), Catch::Contains((dir / "nowhere").string()));
  }
}

}  // namespace mreg
