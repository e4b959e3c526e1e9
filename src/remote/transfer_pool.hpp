// Parallel transfers: a fixed set of worker threads, each with a Remote (and
// so a connection) of its own, working through a list of tasks.
//
// The first task to throw stops the others from starting new tasks; the
// tasks already running finish; then its error is rethrown to the caller.
// Progress is advanced from the calling thread (as Progress requires), from
// the byte counts the tasks add to `done_bytes`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "mreg/progress.hpp"
#include "mreg/remote.hpp"

namespace mreg {

using TransferTask = std::function<void(Remote& remote, std::atomic<std::uint64_t>& done_bytes)>;

void run_transfers(const RemoteFactory& factory, int jobs, const std::vector<TransferTask>& tasks,
                   Progress& progress);

}  // namespace mreg
