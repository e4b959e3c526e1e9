// Registry::gc: deleting what nothing needs from the local store.
//
// Safety against a concurrent `mreg add` rests on the grace period and on
// order. add renames its objects into the store, then writes the model.yaml
// that names them. gc lists the store first and reads refs and work trees
// after, so an object it lists is either named by what it then reads or
// belongs to an add that has not written its model.yaml yet; that object is
// younger than the grace period (unless the grace is zero) and is kept.
// Each deletion re-checks the file's mtime (BlobStore::remove), deletes
// manifests before objects so that no manifest outlives its chunks, and
// leaves empty fan-out directories alone: a writer may be about to rename
// into one.
#include <algorithm>
#include <chrono>
#include <system_error>

#include <fmt/format.h>

#include "core/reachable.hpp"
#include "core/registry_impl.hpp"
#include "mreg/error.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

using Kind = BlobStore::Item::Kind;

// A store named by MREG_CACHE_DIR or mreg.cacheDir may be shared by other
// clones, whose refs and drafts this one cannot see.
void refuse_shared_store(const Registry::Impl& impl) {
  std::error_code own_error, used_error;
  const auto own = fs::weakly_canonical(impl.repo.common_dir() / "mreg", own_error);
  const auto used = fs::weakly_canonical(impl.store.root(), used_error);
  if (!own_error && !used_error && own == used) return;
  throw Error(ErrorCode::invalid,
              fmt::format("gc deleted nothing: the store at '{}' is set by MREG_CACHE_DIR or git config "
                          "mreg.cacheDir and may be shared by other clones, whose refs this one cannot see",
                          impl.store.root().string()),
              "collect only a clone's own store (.git/mreg): unset MREG_CACHE_DIR and mreg.cacheDir for this run");
}

void refuse_unknown_needs(const Reachable& reachable) {
  if (reachable.problems.empty()) return;
  constexpr std::size_t k_shown = 5;
  std::string listed;
  for (std::size_t i = 0; i < reachable.problems.size() && i < k_shown; ++i) {
    listed += fmt::format("\n  {}", reachable.problems[i]);
  }
  if (reachable.problems.size() > k_shown) {
    listed += fmt::format("\n  ... and {} more", reachable.problems.size() - k_shown);
  }
  throw Error(ErrorCode::invalid,
              fmt::format("gc deleted nothing: what these need from the store cannot be known:{}", listed),
              "fix or remove what is named (`mreg validate FILE` explains a model.yaml), then run gc again");
}

int deletion_order(Kind kind) {
  switch (kind) {
    case Kind::manifest: return 0;
    case Kind::object: return 1;
    case Kind::temp: return 2;
  }
  return 3;
}

bool in_deletion_order(const BlobStore::Item& a, const BlobStore::Item& b) {
  return std::pair(deletion_order(a.kind), a.path) < std::pair(deletion_order(b.kind), b.path);
}

bool is_needed(const BlobStore::Item& item, const Reachable& reachable) {
  if (!item.digest) return false;
  switch (item.kind) {
    case Kind::object: return reachable.objects.contains(*item.digest);
    case Kind::manifest: return reachable.manifests.contains(*item.digest);
    case Kind::temp: return false;
  }
  return false;
}

}  // namespace

const char* to_string(BlobStore::Item::Kind kind) noexcept {
  switch (kind) {
    case Kind::object: return "object";
    case Kind::manifest: return "manifest";
    case Kind::temp: return "temp";
  }
  return "unknown";
}

GcReport Registry::gc(const GcOptions& options) {
  const auto& impl = *m_impl;
  refuse_shared_store(impl);
  // Listed before the refs are read: see the top of this file.
  auto items = impl.store.list();
  const Reachable reachable = find_reachable(impl);
  refuse_unknown_needs(reachable);

  GcReport report;
  report.dry_run = options.dry_run;
  report.grace = options.grace;
  report.metadata_files = reachable.metadata_files;
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<BlobStore::Item> unneeded;
  for (auto& item : items) {
    if (is_needed(item, reachable)) {
      ++report.reachable;
      report.reachable_bytes += item.size;
    } else if (now - item.mtime_seconds < options.grace.count()) {
      report.young_bytes += item.size;
      report.young.push_back(std::move(item));
    } else {
      unneeded.push_back(std::move(item));
    }
  }
  std::sort(unneeded.begin(), unneeded.end(), in_deletion_order);
  for (auto& item : unneeded) {
    if (options.dry_run || impl.store.remove(item)) {
      report.deleted_bytes += item.size;
      report.deleted.push_back(std::move(item));
    } else if (std::error_code error; fs::exists(item.path, error)) {
      // Re-written or freshened since it was listed: someone wants it now.
      report.young_bytes += item.size;
      report.young.push_back(std::move(item));
    }
  }
  std::sort(report.young.begin(), report.young.end(), in_deletion_order);
  return report;
}

}  // namespace mreg
