#include "storage/stat_cache.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>

#include "temp_dir.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

constexpr std::int64_t k_second_ns = 1'000'000'000;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The clock of a StatCache that runs 10 s after the files were written, when
// they are old enough to be trusted.
std::int64_t ten_seconds_later() { return now_ns() + 10 * k_second_ns; }

struct stat stat_of(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

void set_mtime(const std::filesystem::path& path, std::int64_t mtime_ns) {
  const struct timespec times[2] = {{0, UTIME_OMIT}, {mtime_ns / k_second_ns, mtime_ns % k_second_ns}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

std::int64_t mtime_ns_of(const struct stat& st) { return st.st_mtim.tv_sec * k_second_ns + st.st_mtim.tv_nsec; }

StatCache::Entry entry_for(const std::string& content) { return {digest_of(content), content.size(), std::nullopt}; }

// File timestamps come from a clock that ticks every few milliseconds; waiting
// a little makes sure the next change gets a ctime of its own.
void let_the_timestamp_clock_tick() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

// Writes `content` to `path` with an mtime 10 s in the past and records it.
struct stat write_and_record(StatCache& cache, const std::filesystem::path& path, const std::string& content) {
  test::write_file(path, content);
  set_mtime(path, now_ns() - 10 * k_second_ns);
  const struct stat st = stat_of(path);
  cache.record(st, entry_for(content));
  return st;
}

}  // namespace

TEST_CASE("StatCache returns what was recorded for an unchanged file, across instances", "[stat_cache]") {
  test::TempDir dir;
  const auto file = dir / "mreg" / "cache.sqlite";
  const auto input = dir / "model.bin";
  const std::string content = "weights";
  {
    StatCache cache(file, ten_seconds_later);
    CHECK_FALSE(cache.lookup(stat_of(input.parent_path())));
    test::write_file(input, content);
    CHECK_FALSE(cache.lookup(stat_of(input)));
    write_and_record(cache, input, content);
    const auto hit = cache.lookup(stat_of(input));
    REQUIRE(hit);
    CHECK(hit->digest == digest_of(content));
  }
  StatCache cache(file);  // the real clock: lookups do not depend on it
  const auto hit = cache.lookup(stat_of(input));
  REQUIRE(hit);
  CHECK(hit->digest == digest_of(content));
  CHECK(hit->size == content.size());
  CHECK_FALSE(hit->sha256);
}

TEST_CASE("StatCache adds a sha256 to a recorded entry", "[stat_cache]") {
  test::TempDir dir;
  StatCache cache(dir / "cache.sqlite", ten_seconds_later);
  const auto input = dir / "model.bin";
  const struct stat st = write_and_record(cache, input, "weights");
  auto entry = cache.lookup(st);
  REQUIRE(entry);
  entry->sha256 = sha256_hex("weights");
  cache.record(st, *entry);
  const auto hit = cache.lookup(stat_of(input));
  REQUIRE(hit);
  CHECK(hit->digest == digest_of("weights"));
  CHECK(hit->sha256 == sha256_hex("weights"));
}

TEST_CASE("StatCache misses once the file changes", "[stat_cache]") {
  test::TempDir dir;
  StatCache cache(dir / "cache.sqlite", ten_seconds_later);
  const auto input = dir / "model.bin";
  const struct stat recorded = write_and_record(cache, input, "weights v1");
  REQUIRE(cache.lookup(stat_of(input)));
  let_the_timestamp_clock_tick();

  SECTION("a different size") {
    test::write_file(input, "weights v1+");
    set_mtime(input, mtime_ns_of(recorded));
    CHECK_FALSE(cache.lookup(stat_of(input)));
  }
  SECTION("new content of the same size with the mtime set back: ctime gives it away") {
    test::write_file(input, "weights v2");
    set_mtime(input, mtime_ns_of(recorded));
    const struct stat now = stat_of(input);
    REQUIRE(now.st_ino == recorded.st_ino);
    REQUIRE(now.st_size == recorded.st_size);
    REQUIRE(mtime_ns_of(now) == mtime_ns_of(recorded));
    CHECK_FALSE(cache.lookup(now));
  }
  SECTION("another file renamed over it") {
    const auto replacement = dir / "model.bin.new";
    test::write_file(replacement, "weights v1");
    set_mtime(replacement, mtime_ns_of(recorded));
    REQUIRE(std::rename(replacement.c_str(), input.c_str()) == 0);
    const struct stat now = stat_of(input);
    REQUIRE(now.st_ino != recorded.st_ino);
    CHECK_FALSE(cache.lookup(now));
  }
  SECTION("stat data that differs in any one field") {
    // A real change moves ctime too (above), so only made-up stat data shows
    // that each field counts on its own.
    const auto differs = [&](auto change) {
      struct stat changed = recorded;
      change(changed);
      return !cache.lookup(changed);
    };
    CHECK(differs([](struct stat& st) { st.st_dev += 1; }));
    CHECK(differs([](struct stat& st) { st.st_ino += 1; }));
    CHECK(differs([](struct stat& st) { st.st_size += 1; }));
    CHECK(differs([](struct stat& st) { st.st_mtim.tv_nsec ^= 1; }));
    CHECK(differs([](struct stat& st) { st.st_ctim.tv_nsec ^= 1; }));
    CHECK(cache.lookup(recorded));
  }
  SECTION("a new record replaces the old one") {
    const struct stat rewritten = write_and_record(cache, input, "weights v3");
    REQUIRE(rewritten.st_ino == recorded.st_ino);
    CHECK_FALSE(cache.lookup(recorded));
    const auto hit = cache.lookup(rewritten);
    REQUIRE(hit);
    CHECK(hit->digest == digest_of("weights v3"));
  }
}

TEST_CASE("StatCache does not record files it cannot trust", "[stat_cache]") {
  test::TempDir dir;
  const auto file = dir / "cache.sqlite";
  const auto input = dir / "model.bin";
  test::write_file(input, "weights");

  SECTION("written just now") {
    StatCache cache(file);
    cache.record(stat_of(input), entry_for("weights"));
  }
  SECTION("an old mtime but a ctime of just now") {
    set_mtime(input, now_ns() - 10 * k_second_ns);
    StatCache cache(file);
    cache.record(stat_of(input), entry_for("weights"));
  }
  SECTION("an mtime in the future") {
    set_mtime(input, now_ns() + 3600 * k_second_ns);
    StatCache cache(file, ten_seconds_later);
    cache.record(stat_of(input), entry_for("weights"));
  }
  SECTION("an entry whose size is not the file's") {
    set_mtime(input, now_ns() - 10 * k_second_ns);
    StatCache cache(file, ten_seconds_later);
    cache.record(stat_of(input), entry_for("weights and more"));
  }
  SECTION("not a regular file") {
    StatCache cache(file, ten_seconds_later);
    cache.record(stat_of(dir.path()), entry_for(""));
    CHECK_FALSE(StatCache(file).lookup(stat_of(dir.path())));
  }
  CHECK_FALSE(StatCache(file).lookup(stat_of(input)));
}

TEST_CASE("StatCache without a usable database misses and fails nothing", "[stat_cache]") {
  test::TempDir dir;
  const auto input = dir / "model.bin";
  test::write_file(input, "weights");
  set_mtime(input, now_ns() - 10 * k_second_ns);

  SECTION("a file that is not a database") {
    test::write_file(dir / "cache.sqlite", std::string(4096, 'x'));
    StatCache cache(dir / "cache.sqlite", ten_seconds_later);
    CHECK_FALSE(cache.lookup(stat_of(input)));
    cache.record(stat_of(input), entry_for("weights"));
    CHECK_FALSE(cache.lookup(stat_of(input)));
    CHECK(test::read_file(dir / "cache.sqlite") == std::string(4096, 'x'));
  }
  SECTION("a directory that cannot be created") {
    test::write_file(dir / "not-a-dir", "file");
    StatCache cache(dir / "not-a-dir" / "cache.sqlite", ten_seconds_later);
    cache.record(stat_of(input), entry_for("weights"));
    CHECK_FALSE(cache.lookup(stat_of(input)));
  }
}

}  // namespace mreg
