#include "remote/transfer_pool.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace mreg {

void run_transfers(const RemoteFactory& factory, int jobs, const std::vector<TransferTask>& tasks,
                   Progress& progress) {
  if (tasks.empty()) return;
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done_bytes{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished;
  std::exception_ptr failure;
  std::size_t running = 0;

  const auto worker = [&] {
    try {
      const auto remote = factory();
      while (!stop) {
        const std::size_t index = next++;
        if (index >= tasks.size()) break;
        tasks[index](*remote, done_bytes);
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
    std::lock_guard lock(mutex);
    --running;
    finished.notify_all();
  };

  const auto count = static_cast<std::size_t>(std::clamp<int>(jobs, 1, 64));
  std::vector<std::thread> threads;
  const std::size_t workers = std::min(count, tasks.size());
  running = workers;  // before any worker starts, as each one counts itself out
  for (std::size_t i = 0; i < workers; ++i) threads.emplace_back(worker);
  std::uint64_t reported = 0;
  {
    std::unique_lock lock(mutex);
    while (running > 0) {
      finished.wait_for(lock, std::chrono::milliseconds(100));
      const std::uint64_t now = done_bytes;
      if (now > reported) {
        lock.unlock();
        progress.advance(now - reported);
        lock.lock();
        reported = now;
      }
    }
  }
  for (auto& thread : threads) thread.join();
  if (done_bytes > reported) progress.advance(done_bytes - reported);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace mreg
