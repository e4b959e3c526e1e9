// Registry::fetch: bringing what versions need from a blob remote into the
// local store (DESIGN §5).
//
// Manifests first (to learn which chunks a large file needs), then every
// missing object in parallel, each verified before it enters the store (a
// download that does not hash to its name is tried once more, then
// reported), then the manifests, written only once their chunks are in
// place and make up the whole file.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/transfer_plan.hpp"
#include "core/version_targets.hpp"
#include "mreg/error.hpp"
#include "mreg/manifest.hpp"
#include "remote/transfer_pool.hpp"
#include "util/file_io.hpp"
#include "util/progress_scope.hpp"

namespace mreg {
namespace {

struct Download {
  std::string key;
  Digest digest;
  std::uint64_t size = 0;
  std::string where;
};

// Removes a temp download however the task ends.
struct TempDownload {
  std::filesystem::path path;
  ~TempDownload() { std::remove(path.c_str()); }
};

[[noreturn]] void missing_on_remote(const Error& error, const std::string& where, const RemoteUrl& url) {
  throw Error(ErrorCode::not_found, fmt::format("{} is not on the remote {}: {}", where, url.text, error.what()),
              "push it there from a machine that has it (`mreg push`)");
}

Manifest fetch_manifest(Remote& remote, const BlobStore& store, const TransferFile& file, const RemoteUrl& url) {
  const TempDownload temp{store.new_download_path()};
  const std::string key = remote_manifest_key(file.digest.hex());
  try {
    remote.download(key, temp.path);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::not_found) missing_on_remote(error, file.where, url);
    throw;
  }
  const auto text = read_file_if_exists(temp.path);
  Manifest manifest = parse_manifest(text.value_or(""), fmt::format("{}/{}", url.text, key));
  if (manifest.file != file.digest || manifest.size != file.size) {
    throw Error(ErrorCode::corrupt,
                fmt::format("the manifest {}/{} describes {} ({} bytes), not {} ({} bytes)", url.text, key,
                            manifest.file.id(), manifest.size, file.digest.id(), file.size),
                "the remote's copy is damaged; push it again from a machine that has it");
  }
  return manifest;
}

void fetch_object(Remote& remote, const BlobStore& store, const Download& download, const RemoteUrl& url) {
  for (int attempt = 1;; ++attempt) {
    const TempDownload temp{store.new_download_path()};
    try {
      remote.download(download.key, temp.path);
      store.import_object(download.digest, temp.path);
      return;
    } catch (const Error& error) {
      if (error.code() == ErrorCode::not_found) missing_on_remote(error, download.where, url);
      if (error.code() != ErrorCode::corrupt || attempt == 2) throw;
    }
  }
}

}  // namespace

TransferReport Registry::fetch(const std::vector<ModelRef>& refs, const TransferOptions& options, Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto& impl = *m_impl;
  std::vector<TransferFile> missing;
  const auto files = files_of(version_targets(*this, impl, refs));
  for (const auto& file : files) {
    if (!impl.store.contains(file.digest)) missing.push_back(file);
  }
  TransferReport report;
  report.remote = options.remote;
  report.files = files.size();
  if (missing.empty()) return report;
  const RemoteUrl url = remote_url(options.remote);
  if (report.remote.empty()) report.remote = default_remote_label(*this, url);
  const RemoteFactory factory = [&url] { return open_remote(url); };

  // Round 1: the manifests of the chunked files.
  std::mutex mutex;
  std::vector<Manifest> manifests;
  std::vector<TransferTask> manifest_tasks;
  for (const auto& file : missing) {
    if (!stored_chunked(file.size)) continue;
    manifest_tasks.push_back([&, file](Remote& remote, std::atomic<std::uint64_t>&) {
      Manifest manifest = fetch_manifest(remote, impl.store, file, url);
      std::lock_guard lock(mutex);
      manifests.push_back(std::move(manifest));
    });
  }
  run_transfers(factory, options.jobs, manifest_tasks, no_progress());

  // Round 2: every object the store lacks.
  std::vector<Download> downloads;
  std::set<Digest> planned;
  std::uint64_t total = 0;
  const auto add = [&](const Digest& digest, std::uint64_t size, const std::string& where) {
    if (impl.store.contains(digest) || !planned.insert(digest).second) return;
    downloads.push_back({remote_object_key(digest.hex()), digest, size, where});
    total += size;
  };
  for (const auto& file : missing) {
    if (!stored_chunked(file.size)) add(file.digest, file.size, file.where);
  }
  for (const auto& manifest : manifests) {
    for (const auto& chunk : manifest.chunks) add(chunk.digest, chunk.size, fmt::format("a chunk of {}", manifest.file.id()));
  }
  std::atomic<std::size_t> fetched{0};
  std::vector<TransferTask> tasks;
  for (const auto& download : downloads) {
    tasks.push_back([&download, &impl, &url, &fetched](Remote& remote, std::atomic<std::uint64_t>& done) {
      fetch_object(remote, impl.store, download, url);
      ++fetched;
      done += download.size;
    });
  }
  {
    const ProgressScope scope(progress, "fetching", total);
    run_transfers(factory, options.jobs, tasks, progress);
  }

  // Round 3: the manifests, now that their chunks are here.
  for (const auto& manifest : manifests) impl.store.import_manifest(manifest);

  report.objects_sent = fetched + manifests.size();
  report.objects_skipped = files.size() - missing.size();  // files that were here already
  report.bytes_sent = total;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace mreg
