// StatCache: what an input file hashed to, remembered by its stat data, so
// that adding an unchanged file again does not read it (DESIGN §5).
//
// A record is keyed by (device, inode) and holds the size, mtime and ctime
// (nanoseconds) the file had when it was hashed. A lookup hits only when all
// five still match. ctime is what makes this safe against a rewrite that keeps
// the size and has its mtime set back (`touch -d`, `cp -p`, `rsync -t`):
// ctime cannot be set by a program, and every write, chmod, link or rename
// sets it to now.
//
// Racy files: a write in the same timestamp tick as an earlier one leaves
// mtime and ctime unchanged, so a file modified shortly before it is hashed
// might change again without its stat data showing it. record() therefore
// refuses files whose mtime or ctime is less than 2 s before the moment
// their stat data was taken (2 s: the coarsest timestamps in use, FAT's).
// Such files are simply hashed again next time, by which point they are old
// enough.
//
// Records live in table `stat_cache` of an sqlite database shared with other
// caches (<store root>/cache.sqlite). The database opens on first use; when
// it cannot be opened, read or written, lookups miss and records are dropped,
// never an error. Several processes may share it. Not thread-safe: one per
// command.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <sys/stat.h>

#include "mreg/digest.hpp"

namespace mreg {

class StatCache {
 public:
  // `now_ns` returns the current time as file timestamps count it
  // (nanoseconds since the Unix epoch); empty means the system clock. Tests
  // pass their own to make a just-written file look old.
  explicit StatCache(std::filesystem::path file, std::function<std::int64_t()> now_ns = {});
  StatCache(StatCache&&) noexcept;
  ~StatCache();

  struct Entry {
    Digest digest;
    std::uint64_t size = 0;
    std::optional<std::string> sha256;  // 64 lowercase hex digits, when it was computed
  };

  // `st` is fstat() of the open input. Returns the recorded entry when the
  // record for st's (device, inode) has the same size, mtime and ctime, and
  // nullopt otherwise (also for anything but a regular file).
  std::optional<Entry> lookup(const struct stat& st);

  // The clock record() judges age by; callers read it when they take the
  // fstat() they will pass to record().
  std::int64_t now_ns() const { return m_now_ns(); }

  // Remembers `entry` for the file `st` describes, replacing any older record
  // for its (device, inode). `st` must be the fstat() taken BEFORE the file
  // was read to compute `entry`; callers fstat() again after reading and
  // record only when both agree, so that a change during hashing is never
  // recorded. Nothing is recorded for a file whose mtime or ctime is less
  // than 2 s before `stat_time_ns` (when `st` was taken; now when not
  // given), for anything but a regular file, or when entry.size differs
  // from st.st_size. Adding a sha256 to an entry from lookup() is the same
  // call. Written at once, in one short transaction: meant for a few files
  // per command, not thousands.
  void record(const struct stat& st, const Entry& entry, std::optional<std::int64_t> stat_time_ns = std::nullopt);

 private:
  struct Database;
  Database* database();

  std::filesystem::path m_file;
  std::function<std::int64_t()> m_now_ns;
  std::unique_ptr<Database> m_database;
  bool m_unavailable = false;
};

}  // namespace mreg
