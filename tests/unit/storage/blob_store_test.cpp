#include "mreg/blob_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "mreg/error.hpp"
#include "temp_dir.hpp"

namespace mreg {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_mib = 1 << 20;

std::string noise(std::size_t size, std::uint64_t seed = 1) {
  std::string bytes(size, '\0');
  std::uint64_t state = 0x9e3779b97f4a7c15 * seed;
  for (char& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state);
  }
  return bytes;
}

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

std::vector<fs::path> entries(const fs::path& directory) {
  std::vector<fs::path> found;
  if (!fs::exists(directory)) return found;
  for (const auto& entry : fs::directory_iterator(directory)) found.push_back(entry.path());
  return found;
}

// Objects are read-only; damage one the way a failing disk or a careless
// script would.
void flip_byte(const fs::path& path, std::size_t offset) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::string content = test::read_file(path);
  content[offset] = static_cast<char>(content[offset] ^ 0x20);
  test::write_file(path, content);
}

struct RecordingProgress : Progress {
  void begin(std::string_view, std::uint64_t total_bytes) override {
    ++begins;
    total = total_bytes;
  }
  void advance(std::uint64_t bytes) override { advanced += bytes; }
  void end() override { ++ends; }

  std::uint64_t total = 0;
  std::uint64_t advanced = 0;
  int begins = 0;
  int ends = 0;
};

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : m_previous(::umask(mask)) {}
  ~ScopedUmask() { ::umask(m_previous); }

 private:
  mode_t m_previous;
};

}  // namespace

TEST_CASE("put_file stores a file under its digest in one read", "[blob_store]") {
  // Empty, tiny, and not a multiple of the copy's 256 KiB pieces.
  const std::size_t size = GENERATE(std::size_t{0}, std::size_t{1}, k_mib / 4 - 1, k_mib / 4 + 1, 3 * k_mib + 3,
                                    9 * k_mib + 7);
  INFO("size " << size);
  test::TempDir dir;
  const std::string content = noise(size);
  test::write_file(dir / "model.bin", content);
  BlobStore store(dir / "store");

  RecordingProgress progress;
  const BlobStore::Stored stored = store.put_file(dir / "model.bin", progress);

  CHECK(stored.digest == digest_of(content));
  CHECK(stored.size == size);
  CHECK(stored.is_new);
  const std::string hex = stored.digest.hex();
  CHECK(store.object_path(stored.digest) == dir / "store" / "objects" / hex.substr(0, 2) / hex.substr(2));
  CHECK(test::read_file(store.object_path(stored.digest)) == content);
  CHECK(store.contains(stored.digest));
  CHECK(entries(dir / "store" / "tmp").empty());
  // The caller brackets the work with begin/end; the store only advances.
  CHECK(progress.begins == 0);
  CHECK(progress.advanced == size);
}

TEST_CASE("stored objects are read-only", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const auto stored = store.put_bytes("weights");
  const auto perms = fs::status(store.object_path(stored.digest)).permissions();
  CHECK((perms & (fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write)) == fs::perms::none);
}

TEST_CASE("putting the same content again stores nothing new", "[blob_store]") {
  test::TempDir dir;
  const std::string content = noise(2 * k_mib + 1);
  test::write_file(dir / "a.bin", content);
  test::write_file(dir / "b.bin", content);
  BlobStore store(dir / "store");

  const auto first = store.put_file(dir / "a.bin");
  const auto again = store.put_file(dir / "b.bin");
  const auto as_bytes = store.put_bytes(content);
  CHECK(first.is_new);
  CHECK_FALSE(again.is_new);
  CHECK_FALSE(as_bytes.is_new);
  CHECK(again.digest == first.digest);
  CHECK(as_bytes.digest == first.digest);
  CHECK(as_bytes.size == content.size());
  CHECK(entries(dir / "store" / "tmp").empty());
}

TEST_CASE("concurrent puts of the same content all succeed and agree", "[blob_store]") {
  test::TempDir dir;
  const std::string content = noise(9 * k_mib + 11);
  test::write_file(dir / "model.bin", content);
  BlobStore store(dir / "store");

  constexpr int k_writers = 6;
  std::vector<BlobStore::Stored> results(k_writers);
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < k_writers; ++i) {
    writers.emplace_back([&, i] {
      try {
        results[i] = i % 2 ? store.put_file(dir / "model.bin") : store.put_bytes(content);
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();

  REQUIRE(failures == 0);
  for (const auto& result : results) CHECK(result.digest == digest_of(content));
  CHECK(std::any_of(results.begin(), results.end(), [](const auto& r) { return r.is_new; }));
  CHECK(store.read(digest_of(content)) == content);
  CHECK(entries(dir / "store" / "tmp").empty());
}

TEST_CASE("put_file names the source it cannot store", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");

  const Error missing = error_from([&] { store.put_file(dir / "no-such-model.bin"); });
  CHECK(missing.code() == ErrorCode::not_found);
  CHECK_THAT(missing.what(), Catch::Contains((dir / "no-such-model.bin").string()));

  fs::create_directories(dir / "a-directory");
  const Error directory = error_from([&] { store.put_file(dir / "a-directory"); });
  CHECK(directory.code() == ErrorCode::io);
  CHECK_THAT(directory.what(), Catch::Contains((dir / "a-directory").string()));
}

TEST_CASE("the store directory is created on first write, not before", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  CHECK_FALSE(store.contains(digest_of("x")));
  CHECK_FALSE(fs::exists(dir / "store"));
  CHECK(store.root() == dir / "store");
  store.put_bytes("x");
  CHECK(fs::is_directory(dir / "store" / "objects"));
}

TEST_CASE("read returns the verified object, and not_found for a missing one", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const auto stored = store.put_bytes("manifest text");
  CHECK(store.read(stored.digest) == "manifest text");
  CHECK(store.read(store.put_bytes("").digest).empty());

  const Digest absent = digest_of("never stored");
  const Error error = error_from([&] { store.read(absent); });
  CHECK(error.code() == ErrorCode::not_found);
  CHECK_THAT(error.what(), Catch::Contains(absent.id()));
  CHECK(error_from([&] { store.verify(absent); }).code() == ErrorCode::not_found);
}

TEST_CASE("a corrupt object is reported and moved aside by every read", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const std::string content = noise(5 * k_mib + 3);
  const Digest digest = store.put_bytes(content).digest;
  flip_byte(store.object_path(digest), 4 * k_mib + 1);

  const auto check_reported = [&](const Error& error) {
    CHECK(error.code() == ErrorCode::corrupt);
    CHECK_THAT(error.what(), Catch::Contains(digest.id()));
    CHECK_FALSE(store.contains(digest));
    CHECK(fs::exists(dir / "store" / "corrupt" / digest.hex()));
  };
  SECTION("read") { check_reported(error_from([&] { store.read(digest); })); }
  SECTION("verify") { check_reported(error_from([&] { store.verify(digest); })); }
  SECTION("materialize") {
    RecordingProgress progress;
    check_reported(error_from([&] { store.materialize(digest, content.size(), dir / "out" / "model.bin", progress); }));
    CHECK_FALSE(fs::exists(dir / "out" / "model.bin"));
    CHECK(entries(dir / "out").empty());
    CHECK(progress.begins == progress.ends);
  }
  SECTION("a good copy can be stored again afterwards") {
    error_from([&] { store.verify(digest); });
    CHECK(store.put_bytes(content).is_new);
    store.verify(digest);
  }
}

TEST_CASE("a truncated object is found corrupt before it is copied", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const std::string content = noise(100000);
  const Digest digest = store.put_bytes(content).digest;
  fs::permissions(store.object_path(digest), fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(store.object_path(digest), 99999);

  const Error error = error_from([&] { store.materialize(digest, content.size(), dir / "out" / "model.bin"); });
  CHECK(error.code() == ErrorCode::corrupt);
  CHECK_FALSE(store.contains(digest));
  CHECK(entries(dir / "out").empty());
}

TEST_CASE("materialize writes a verified copy, creating parent directories", "[blob_store]") {
  // Empty, tiny, and across the 16 MiB windows in which objects are mapped.
  const std::size_t size = GENERATE(std::size_t{0}, std::size_t{1}, 3 * k_mib + 1, 17 * k_mib + 7);
  INFO("size " << size);
  test::TempDir dir;
  const ScopedUmask umask(022);
  BlobStore store(dir / "store");
  const std::string content = noise(size, 7);
  const Digest digest = store.put_bytes(content).digest;

  RecordingProgress progress;
  const fs::path destination = dir / "out" / "nested" / "model.bin";
  store.materialize(digest, size, destination, progress);

  CHECK(test::read_file(destination) == content);
  CHECK(fs::status(destination).permissions() == static_cast<fs::perms>(0644));
  CHECK(entries(destination.parent_path()).size() == 1);
  CHECK(progress.advanced == size);
  CHECK(progress.begins == 0);
}

TEST_CASE("materialize replaces an existing file in one step", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const Digest digest = store.put_bytes("new weights").digest;
  test::write_file(dir / "out" / "model.bin", "old weights, longer than the new ones");
  store.materialize(digest, 11, dir / "out" / "model.bin");
  CHECK(test::read_file(dir / "out" / "model.bin") == "new weights");
  CHECK(entries(dir / "out").size() == 1);
}

TEST_CASE("materialize leaves nothing behind when it fails", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const std::string content = noise(10000);
  const Digest digest = store.put_bytes(content).digest;

  SECTION("the object is missing") {
    const Digest absent = digest_of("absent");
    const Error error = error_from([&] { store.materialize(absent, 6, dir / "out" / "model.bin"); });
    CHECK(error.code() == ErrorCode::not_found);
    CHECK_THAT(error.what(), Catch::Contains(absent.id()));
    CHECK_FALSE(fs::exists(dir / "out" / "model.bin"));
  }
  SECTION("the destination is a directory") {
    fs::create_directories(dir / "out" / "model.bin");
    const Error error = error_from([&] { store.materialize(digest, content.size(), dir / "out" / "model.bin"); });
    CHECK(error.code() == ErrorCode::io);
    CHECK_THAT(error.what(), Catch::Contains((dir / "out" / "model.bin").string()));
    CHECK(entries(dir / "out").size() == 1);
  }
  SECTION("the expected size disagrees with an intact object") {
    const Error error = error_from([&] { store.materialize(digest, content.size() + 1, dir / "out" / "model.bin"); });
    CHECK(error.code() == ErrorCode::corrupt);
    CHECK(store.contains(digest));  // the object is fine; it stays
    CHECK(entries(dir / "out").empty());
  }
}

TEST_CASE("verify accepts an intact object", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const Digest digest = store.put_bytes(noise(5 * k_mib)).digest;
  store.verify(digest);
  CHECK(store.contains(digest));
}

TEST_CASE("hash_file gives the digest put_file stores under", "[blob_store]") {
  test::TempDir dir;
  const std::string content = noise(2 * k_mib + 5);
  test::write_file(dir / "model.bin", content);
  CHECK(hash_file(dir / "model.bin") == digest_of(content));
  CHECK(hash_file(dir / "model.bin") == BlobStore(dir / "store").put_file(dir / "model.bin").digest);

  const Error error = error_from([&] { hash_file(dir / "absent.bin"); });
  CHECK(error.code() == ErrorCode::not_found);
  CHECK_THAT(error.what(), Catch::Contains((dir / "absent.bin").string()));
}

}  // namespace mreg

namespace mreg {
namespace {

std::int64_t mtime_of(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mtim.tv_sec;
}

void backdate(const std::filesystem::path& path) {
  const timespec times[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};  // 2001
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("a store write that finds its object already there freshens it, for gc's grace period", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  SECTION("a whole object") {
    test::write_file(dir / "small.bin", "weights");
    const auto stored = store.put_file(dir / "small.bin");
    backdate(store.object_path(stored.digest));
    const auto again = store.put_file(dir / "small.bin");
    CHECK_FALSE(again.is_new);
    CHECK(mtime_of(store.object_path(stored.digest)) > 1'000'000'000);
  }
  SECTION("a chunked file's manifest and chunks") {
    test::write_file(dir / "large.bin", std::string(70 << 20, 'x') + "end");
    const auto stored = store.put_file(dir / "large.bin");
    const auto manifest = store.read_manifest(stored.digest);
    REQUIRE(manifest);
    backdate(store.manifest_path(stored.digest));
    for (const auto& chunk : manifest->chunks) backdate(store.object_path(chunk.digest));
    store.put_file(dir / "large.bin");
    CHECK(mtime_of(store.manifest_path(stored.digest)) > 1'000'000'000);
    for (const auto& chunk : manifest->chunks) CHECK(mtime_of(store.object_path(chunk.digest)) > 1'000'000'000);
  }
}

}  // namespace mreg

namespace mreg {

TEST_CASE("files round-trip at the sizes where the store changes form", "[blob_store]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  constexpr std::uint64_t limit = k_max_object_size;
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, limit - 1, limit, limit + 1}) {
    INFO("size " << size);
    std::string content(size, '\0');
    for (std::uint64_t i = 0; i < size; i += 4096) content[i] = static_cast<char>(i / 4096 * 31 + size);
    test::write_file(dir / "in.bin", content);
    const auto stored = store.put_file(dir / "in.bin");
    CHECK(stored.size == size);
    CHECK(stored.digest == digest_of(content));
    // Up to 64 MiB one object; above, a manifest and chunks.
    CHECK(store.read_manifest(stored.digest).has_value() == (size > limit));
    CHECK(stored.chunks == (size > limit ? store.read_manifest(stored.digest)->chunks.size() : 0u));
    store.materialize(stored.digest, size, dir / "out.bin");
    CHECK(test::read_file(dir / "out.bin") == content);
    store.verify(stored.digest);
    std::filesystem::remove(dir / "out.bin");
  }
}

}  // namespace mreg
