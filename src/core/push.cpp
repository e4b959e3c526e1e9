// Registry::push: uploading what versions need to a blob remote (DESIGN §5).
//
// Two rounds, so that a reader of the remote never finds a manifest whose
// chunks are not all there: first every object (whole files and chunks),
// then the manifests. Each upload is preceded by a HEAD, and skipped when
// the remote has the key with the right size. A push that fails half-way
// leaves only whole objects behind (every remote kind publishes a file
// atomically), and running it again sends only what is missing.
#include <atomic>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/transfer_plan.hpp"
#include "core/version_targets.hpp"
#include "mreg/error.hpp"
#include "remote/transfer_pool.hpp"
#include "util/progress_scope.hpp"

namespace mreg {
namespace {

struct Upload {
  std::string key;
  std::filesystem::path file;
  std::uint64_t size = 0;
};

struct Counters {
  std::atomic<std::size_t> sent{0};
  std::atomic<std::size_t> skipped{0};
  std::atomic<std::uint64_t> bytes{0};
};

std::vector<TransferTask> upload_tasks(const std::vector<Upload>& uploads, Counters& counters) {
  std::vector<TransferTask> tasks;
  for (const auto& upload : uploads) {
    tasks.push_back([&upload, &counters](Remote& remote, std::atomic<std::uint64_t>& done) {
      if (remote.stat(upload.key) == upload.size) {
        ++counters.skipped;
      } else {
        remote.upload(upload.key, upload.file);
        ++counters.sent;
        counters.bytes += upload.size;
      }
      done += upload.size;
    });
  }
  return tasks;
}

}  // namespace

TransferReport Registry::push(const std::vector<ModelRef>& refs, const TransferOptions& options, Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto& impl = *m_impl;
  const auto files = files_of(version_targets(*this, impl, refs));
  const RemoteUrl url = remote_url(options.remote);

  std::vector<Upload> objects, manifests;
  std::set<std::string> planned;
  std::uint64_t total = 0;
  const auto add = [&](std::vector<Upload>& round, std::string key, std::filesystem::path file, std::uint64_t size) {
    if (!planned.insert(key).second) return;
    total += size;
    round.push_back({std::move(key), std::move(file), size});
  };
  for (const auto& file : files) {
    const std::string hex = file.digest.hex();
    if (const auto manifest = impl.store.read_manifest(file.digest)) {
      for (const auto& chunk : manifest->chunks) {
        add(objects, remote_object_key(chunk.digest.hex()), impl.store.object_path(chunk.digest), chunk.size);
      }
      const auto path = impl.store.manifest_path(file.digest);
      add(manifests, remote_manifest_key(hex), path, std::filesystem::file_size(path));
    } else if (impl.store.contains(file.digest)) {
      add(objects, remote_object_key(hex), impl.store.object_path(file.digest), file.size);
    } else {
      throw Error(ErrorCode::not_found,
                  fmt::format("{} ({}) is not in the local store, so it cannot be pushed", file.where, file.digest.id()),
                  "fetch it from the remote it was pushed to (`mreg fetch`), or add its file again");
    }
  }

  Counters counters;
  {
    const ProgressScope scope(progress, "pushing", total);
    const RemoteFactory factory = [&url] { return open_remote(url); };
    run_transfers(factory, options.jobs, upload_tasks(objects, counters), progress);
    run_transfers(factory, options.jobs, upload_tasks(manifests, counters), progress);
  }
  TransferReport report;
  report.remote = options.remote.empty() ? default_remote_label(*this, url) : options.remote;
  report.files = files.size();
  report.objects_sent = counters.sent;
  report.objects_skipped = counters.skipped;
  report.bytes_sent = counters.bytes;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace mreg
