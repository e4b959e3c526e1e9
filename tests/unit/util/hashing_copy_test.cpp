#include "util/hashing_copy.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "temp_dir.hpp"
#include "util/file_io.hpp"

namespace mreg {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_mib = 1 << 20;

std::string noise(std::size_t size) {
  std::string bytes(size, '\0');
  std::uint64_t state = 0x9e3779b97f4a7c15 ^ size;
  for (char& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state);
  }
  return bytes;
}

struct CountingProgress : Progress {
  void advance(std::uint64_t bytes) override { advanced += bytes; }
  std::uint64_t advanced = 0;
};

UniqueFd create(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  REQUIRE(fd);
  return fd;
}

// The sizes around the 256 KiB piece and the 16 MiB mapped window.
const auto k_sizes = {std::size_t{0},    std::size_t{1}, 256 * std::size_t{1024} - 1, 256 * std::size_t{1024} + 1,
                      3 * k_mib + 12345, 16 * k_mib,    16 * k_mib + 1,              33 * k_mib + 7};

}  // namespace

TEST_CASE("copy_hashed copies a file and hashes exactly what it wrote", "[hashing_copy]") {
  for (const std::size_t size : k_sizes) {
    INFO("size " << size);
    test::TempDir dir;
    const std::string content = noise(size);
    test::write_file(dir / "source", content);
    const UniqueFd source = open_regular_file(dir / "source");
    const UniqueFd target = create(dir / "target");

    CountingProgress progress;
    const HashedBytes result = copy_hashed(source.get(), dir / "source", target.get(), dir / "target", progress);
    CHECK(result.size == size);
    CHECK(result.digest == digest_of(content));
    CHECK(test::read_file(dir / "target") == content);
    CHECK(progress.advanced == size);
  }
}

TEST_CASE("copy_hashed_immutable copies a file by mapping it", "[hashing_copy]") {
  for (const std::size_t size : k_sizes) {
    INFO("size " << size);
    test::TempDir dir;
    const std::string content = noise(size);
    test::write_file(dir / "object", content);
    const UniqueFd source = open_regular_file(dir / "object");
    const UniqueFd target = create(dir / "target");

    CountingProgress progress;
    const HashedBytes result =
        copy_hashed_immutable(source.get(), dir / "object", size, target.get(), dir / "target", progress);
    CHECK(result.size == size);
    CHECK(result.digest == digest_of(content));
    CHECK(test::read_file(dir / "target") == content);
    CHECK(progress.advanced == size);
  }
}

TEST_CASE("copy_hashed_immutable reads what it cannot map, and copy_hashed reads streams", "[hashing_copy]") {
  // A pipe cannot be mapped, and its size is unknown up front.
  test::TempDir dir;
  const std::string content = noise(700 * 1000);
  int ends[2];
  REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
  UniqueFd read_end(ends[0]);
  UniqueFd write_end(ends[1]);
  std::thread writer([&] {
    write_all(write_end.get(), content.data(), content.size(), "pipe");
    write_end.reset();
  });
  const UniqueFd target = create(dir / "target");
  CountingProgress progress;
  const HashedBytes result =
      copy_hashed_immutable(read_end.get(), "pipe", content.size(), target.get(), dir / "target", progress);
  writer.join();
  CHECK(result.digest == digest_of(content));
  CHECK(result.size == content.size());
  CHECK(test::read_file(dir / "target") == content);
}

TEST_CASE("hash_whole_file hashes from the start without moving the file offset", "[hashing_copy]") {
  test::TempDir dir;
  const std::string content = noise(3 * k_mib + 7);
  test::write_file(dir / "file", content);
  const UniqueFd fd = open_regular_file(dir / "file");
  REQUIRE(::lseek(fd.get(), 100, SEEK_SET) == 100);

  CountingProgress progress;
  const HashedBytes result = hash_whole_file(fd.get(), dir / "file", progress);
  CHECK(result.digest == digest_of(content));
  CHECK(result.size == content.size());
  CHECK(progress.advanced == content.size());
  CHECK(::lseek(fd.get(), 0, SEEK_CUR) == 100);
}

}  // namespace mreg
