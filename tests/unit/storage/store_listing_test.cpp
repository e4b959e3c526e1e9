#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "mreg/blob_store.hpp"
#include "mreg/error.hpp"
#include "storage/store_layout.hpp"
#include "temp_dir.hpp"

namespace mreg {
namespace {

namespace fs = std::filesystem;
using Kind = BlobStore::Item::Kind;

const BlobStore::Item* find_item(const std::vector<BlobStore::Item>& items, const fs::path& path) {
  const auto found =
      std::find_if(items.begin(), items.end(), [&](const BlobStore::Item& item) { return item.path == path; });
  return found == items.end() ? nullptr : &*found;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const Digest k_manifest_digest = *Digest::from_hex("06b05ab6733a618578af5f94892f3950");

}  // namespace

TEST_CASE("a store that was never written lists nothing", "[store_listing]") {
  test::TempDir dir;
  CHECK(BlobStore(dir / "store").list().empty());
}

TEST_CASE("list names every object, manifest and temp file with its size and age", "[store_listing]") {
  test::TempDir dir;
  const fs::path root = dir / "store";
  BlobStore store(root);
  const auto weights = store.put_bytes("weights");
  const auto config = store.put_bytes("{\"layers\": 12}");
  const fs::path manifest = store_layout::manifest_path(root, k_manifest_digest);
  test::write_file(manifest, "mreg-manifest 1\n");
  const fs::path temp = store_layout::temp_directory(root) / (std::string(store_layout::object_temp_prefix) + "Ab3xYz");
  test::write_file(temp, "half an obj");

  const auto items = store.list();
  REQUIRE(items.size() == 4);
  for (const auto& stored : {weights, config}) {
    const auto* item = find_item(items, store.object_path(stored.digest));
    REQUIRE(item);
    CHECK(item->kind == Kind::object);
    CHECK(item->digest == stored.digest);
    CHECK(item->size == stored.size);
    CHECK(std::abs(item->mtime_seconds - now_seconds()) < 60);
  }
  const auto* listed_manifest = find_item(items, manifest);
  REQUIRE(listed_manifest);
  CHECK(listed_manifest->kind == Kind::manifest);
  CHECK(listed_manifest->digest == k_manifest_digest);
  CHECK(listed_manifest->size == 16);
  const auto* listed_temp = find_item(items, temp);
  REQUIRE(listed_temp);
  CHECK(listed_temp->kind == Kind::temp);
  CHECK_FALSE(listed_temp->digest);
  CHECK(listed_temp->size == 11);
}

TEST_CASE("list leaves out what the store did not write", "[store_listing]") {
  test::TempDir dir;
  const fs::path root = dir / "store";
  BlobStore store(root);
  const auto stored = store.put_bytes("weights");
  const std::string hex = stored.digest.hex();
  const fs::path fan_out = store.object_path(stored.digest).parent_path();
  test::write_file(fan_out / (hex.substr(2) + "~"), "editor backup");
  test::write_file(fan_out / hex.substr(3), "too short a name");
  test::write_file(root / "objects" / "AB" / std::string(30, 'C'), "upper-case hex");
  test::write_file(root / "objects" / "zz" / std::string(30, 'a'), "not hex");
  test::write_file(root / "objects" / "stray", "a file where fan-out directories go");
  fs::create_directories(root / "objects" / "ab" / std::string(30, 'a'));  // a directory, not a file
  fs::create_symlink(store.object_path(stored.digest), root / "objects" / "ab" / std::string(30, 'b'));
  test::write_file(root / "manifests" / "notes.txt", "not a digest");
  test::write_file(root / "corrupt" / hex, "moved aside");
  test::write_file(root / "cache.sqlite", "the stat cache");

  const auto items = store.list();
  REQUIRE(items.size() == 1);
  CHECK(items.front().path == store.object_path(stored.digest));
}

TEST_CASE("remove deletes a listed item once", "[store_listing]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const auto stored = store.put_bytes("weights");
  const auto items = store.list();
  REQUIRE(items.size() == 1);

  CHECK(store.remove(items.front()));
  CHECK_FALSE(fs::exists(store.object_path(stored.digest)));
  CHECK_FALSE(store.remove(items.front()));
  CHECK(store.list().empty());
}

TEST_CASE("remove keeps a file that changed since it was listed", "[store_listing]") {
  // A concurrent writer re-created or freshened it: the decision to delete
  // was made on stale facts.
  test::TempDir dir;
  BlobStore store(dir / "store");
  const auto stored = store.put_bytes("weights");
  const auto items = store.list();
  REQUIRE(items.size() == 1);
  const fs::path path = store.object_path(stored.digest);
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::hours(1));

  CHECK_FALSE(store.remove(items.front()));
  CHECK(fs::exists(path));
}

TEST_CASE("remove refuses a path that is not the store's", "[store_listing]") {
  test::TempDir dir;
  const fs::path root = dir / "store";
  BlobStore store(root);
  test::write_file(dir / "precious.txt", "not the store's");
  BlobStore::Item outside;
  outside.kind = Kind::temp;
  outside.path = dir / "precious.txt";
  BlobStore::Item mislabelled;
  mislabelled.kind = Kind::object;
  mislabelled.digest = k_manifest_digest;
  mislabelled.path = dir / "precious.txt";

  for (const auto& item : {outside, mislabelled}) {
    try {
      store.remove(item);
      FAIL("remove did not refuse " << item.path);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::invalid);
    }
  }
  CHECK(fs::exists(dir / "precious.txt"));
}

}  // namespace mreg
