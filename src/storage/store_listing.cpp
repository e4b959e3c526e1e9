// BlobStore::list and BlobStore::remove: what gc walks and deletes.
//
// Only names that the store itself writes are listed (store_layout.hpp):
// objects/<2 hex>/<30 hex>, manifests/<32 hex>, and the files in tmp/.
// Anything else under the root (cache.sqlite, corrupt/, a stray editor
// backup, a directory someone made) is left out, so gc never deletes what
// it does not understand. Files vanish and appear while we walk (other
// processes write and collect); a file gone between readdir and lstat is
// simply not listed.
#include "mreg/blob_store.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "storage/store_layout.hpp"
#include "util/file_io.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

bool is_lower_hex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Calls visit(path, lstat data) for each entry directly in `directory`;
// nothing when the directory does not exist.
template <class Visit>
void for_each_entry(const fs::path& directory, Visit&& visit) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory) return;
    throw_system_error(error.value(), "list", directory);
  }
  for (const fs::directory_iterator end; it != end; it.increment(error)) {
    if (error) throw_system_error(error.value(), "list", directory);
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0) {
      if (errno == ENOENT) continue;
      throw_system_error(errno, "stat", it->path());
    }
    visit(it->path(), status);
  }
  if (error) throw_system_error(error.value(), "list", directory);
}

// The regular files directly in `directory`, each with its lstat data.
template <class Visit>
void for_each_file(const fs::path& directory, Visit&& visit) {
  for_each_entry(directory, [&](const fs::path& path, const struct stat& status) {
    if (S_ISREG(status.st_mode)) visit(path, status);
  });
}

// The subdirectories (not symlinks to one) directly in `directory`.
template <class Visit>
void for_each_subdirectory(const fs::path& directory, Visit&& visit) {
  for_each_entry(directory, [&](const fs::path& path, const struct stat& status) {
    if (S_ISDIR(status.st_mode)) visit(path);
  });
}

BlobStore::Item item_of(BlobStore::Item::Kind kind, std::optional<Digest> digest, const fs::path& path,
                        const struct stat& status) {
  BlobStore::Item item;
  item.kind = kind;
  item.digest = digest;
  item.path = path;
  item.size = static_cast<std::uint64_t>(status.st_size);
  item.mtime_seconds = status.st_mtim.tv_sec;
  return item;
}

// The path that the layout gives `item`: remove() deletes nothing else.
fs::path layout_path(const fs::path& root, const BlobStore::Item& item) {
  using Kind = BlobStore::Item::Kind;
  if (item.kind != Kind::temp && item.digest) {
    return item.kind == Kind::object ? store_layout::object_path(root, *item.digest)
                                     : store_layout::manifest_path(root, *item.digest);
  }
  if (item.kind == Kind::temp && !item.digest && item.path.has_filename()) {
    return store_layout::temp_directory(root) / item.path.filename();
  }
  return {};
}

}  // namespace

std::vector<BlobStore::Item> BlobStore::list() const {
  std::vector<Item> items;
  const fs::path objects = store_layout::object_path(m_root, Digest{}).parent_path().parent_path();
  for_each_subdirectory(objects, [&](const fs::path& fan_out) {
    const std::string prefix = fan_out.filename().string();
    if (!is_lower_hex(prefix, 2)) return;
    for_each_file(fan_out, [&](const fs::path& path, const struct stat& status) {
      const std::string rest = path.filename().string();
      if (!is_lower_hex(rest, 30)) return;
      items.push_back(item_of(Item::Kind::object, Digest::from_hex(prefix + rest), path, status));
    });
  });
  const fs::path manifests = store_layout::manifest_path(m_root, Digest{}).parent_path();
  for_each_file(manifests, [&](const fs::path& path, const struct stat& status) {
    const std::string name = path.filename().string();
    if (!is_lower_hex(name, 32)) return;
    items.push_back(item_of(Item::Kind::manifest, Digest::from_hex(name), path, status));
  });
  // Everything in tmp/ is a write in progress or a crash's leftover: the
  // store puts nothing else there.
  for_each_file(store_layout::temp_directory(m_root), [&](const fs::path& path, const struct stat& status) {
    items.push_back(item_of(Item::Kind::temp, std::nullopt, path, status));
  });
  return items;
}

bool BlobStore::remove(const Item& item) const {
  const fs::path expected = layout_path(m_root, item);
  if (expected.empty() || expected != item.path) {
    throw Error(ErrorCode::invalid,
                fmt::format("refusing to remove '{}': it is not a file of the store at '{}'", item.path.string(),
                            m_root.string()));
  }
  // A file whose mtime moved since it was listed is not the item that was
  // listed any more: a concurrent write re-created or freshened it, so
  // whatever decided to delete it decided on stale facts.
  struct stat status {};
  if (::lstat(item.path.c_str(), &status) != 0) {
    if (errno == ENOENT) return false;
    throw_system_error(errno, "stat", item.path);
  }
  if (status.st_mtim.tv_sec != item.mtime_seconds) return false;
  if (::unlink(item.path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw_system_error(errno, "remove", item.path);
  }
  return true;
}

}  // namespace mreg
