#include "util/file_io.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace mreg {
namespace {

namespace fs = std::filesystem;

template <class Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("no mreg::Error was thrown");
  return Error(ErrorCode::invalid, "unreachable");
}

}  // namespace

TEST_CASE("open_regular_file: a missing file is not_found, naming the path", "[file_io]") {
  test::TempDir dir;
  const Error error = error_from([&] { open_regular_file(dir / "absent.bin"); });
  CHECK(error.code() == ErrorCode::not_found);
  CHECK_THAT(error.what(), Catch::Contains((dir / "absent.bin").string()));
}

TEST_CASE("open_regular_file refuses directories and FIFOs without blocking", "[file_io]") {
  test::TempDir dir;
  fs::create_directories(dir / "a-directory");
  REQUIRE(::mkfifo((dir / "a-fifo").c_str(), 0600) == 0);
  for (const char* name : {"a-directory", "a-fifo"}) {
    const Error error = error_from([&] { open_regular_file(dir / name); });
    CHECK(error.code() == ErrorCode::io);
    CHECK_THAT(error.what(), Catch::Contains((dir / name).string()) && Catch::Contains("not a regular file"));
  }
}

TEST_CASE("open_regular_file: an unreadable file is an io error naming the path", "[file_io]") {
  if (::geteuid() == 0) return;  // root reads everything
  test::TempDir dir;
  test::write_file(dir / "secret", "x");
  fs::permissions(dir / "secret", fs::perms::none);
  const Error error = error_from([&] { open_regular_file(dir / "secret"); });
  CHECK(error.code() == ErrorCode::io);
  CHECK_THAT(error.what(), Catch::Contains((dir / "secret").string()));
}

TEST_CASE("write_all and read_some round-trip, read_some returns 0 at the end", "[file_io]") {
  test::TempDir dir;
  const fs::path path = dir / "data";
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    REQUIRE(fd);
    write_all(fd.get(), "0123456789", 10, path);
    close_checked(fd, path);
    CHECK_FALSE(fd);
  }
  UniqueFd fd = open_regular_file(path);
  CHECK(file_size(fd.get(), path) == 10);
  char buffer[16] = {};
  CHECK(pread_some(fd.get(), buffer, 3, 7, path) == 3);
  CHECK(std::string(buffer, 3) == "789");
  CHECK(read_some(fd.get(), buffer, sizeof buffer, path) == 10);
  CHECK(std::string(buffer, 10) == "0123456789");
  CHECK(read_some(fd.get(), buffer, sizeof buffer, path) == 0);
}

TEST_CASE("ensure_directory creates parents, accepts existing ones, refuses files in the way", "[file_io]") {
  test::TempDir dir;
  ensure_directory(dir / "a" / "b" / "c");
  CHECK(fs::is_directory(dir / "a" / "b" / "c"));
  ensure_directory(dir / "a" / "b");
  test::write_file(dir / "file", "x");
  const Error error = error_from([&] { ensure_directory(dir / "file" / "sub"); });
  CHECK(error.code() == ErrorCode::io);
  CHECK_THAT(error.what(), Catch::Contains((dir / "file" / "sub").string()));
}

TEST_CASE("regular_file_exists is true only for regular files", "[file_io]") {
  test::TempDir dir;
  test::write_file(dir / "file", "x");
  CHECK(regular_file_exists(dir / "file"));
  CHECK_FALSE(regular_file_exists(dir.path()));
  CHECK_FALSE(regular_file_exists(dir / "absent"));
}

TEST_CASE("names_same_file tells when a path was replaced by another file", "[file_io]") {
  test::TempDir dir;
  test::write_file(dir / "file", "first");
  const UniqueFd fd = open_regular_file(dir / "file");
  CHECK(names_same_file(dir / "file", fd.get()));
  test::write_file(dir / "other", "second");
  fs::rename(dir / "other", dir / "file");
  CHECK_FALSE(names_same_file(dir / "file", fd.get()));
  fs::remove(dir / "file");
  CHECK_FALSE(names_same_file(dir / "file", fd.get()));
}

}  // namespace mreg
