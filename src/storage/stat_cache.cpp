#include "storage/stat_cache.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <utility>

#include "util/sha256.hpp"
#include "util/sqlite_db.hpp"

namespace mreg {
namespace {

// Device and inode numbers are unsigned 64-bit; sqlite integers are signed.
// The conversion wraps both ways, so values round-trip exactly.
constexpr std::string_view schema =
    "CREATE TABLE IF NOT EXISTS stat_cache ("
    "  device INTEGER NOT NULL, inode INTEGER NOT NULL,"
    "  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,"
    "  digest BLOB NOT NULL, sha256 TEXT,"
    "  PRIMARY KEY (device, inode)) WITHOUT ROWID;";

constexpr std::int64_t trusted_after_ns = 2'000'000'000;

std::int64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

std::int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The columns a record is matched on, in the order of the statements below.
struct Key {
  std::int64_t device, inode, size, mtime_ns, ctime_ns;
  explicit Key(const struct stat& st)
      : device(static_cast<std::int64_t>(st.st_dev)),
        inode(static_cast<std::int64_t>(st.st_ino)),
        size(static_cast<std::int64_t>(st.st_size)),
        mtime_ns(nanoseconds(st.st_mtim)),
        ctime_ns(nanoseconds(st.st_ctim)) {}
};

}  // namespace

struct StatCache::Database {
  SqliteDb db;
  SqliteStatement select;
  SqliteStatement upsert;
  explicit Database(SqliteDb opened)
      : db(std::move(opened)),
        select(db.prepare(
            "SELECT digest, sha256 FROM stat_cache WHERE device = ?1 AND inode = ?2"
            " AND size = ?3 AND mtime_ns = ?4 AND ctime_ns = ?5")),
        upsert(db.prepare(
            "INSERT OR REPLACE INTO stat_cache (device, inode, size, mtime_ns, ctime_ns, digest, sha256)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) {}
};

StatCache::StatCache(std::filesystem::path file, std::function<std::int64_t()> now_ns)
    : m_file(std::move(file)), m_now_ns(now_ns ? std::move(now_ns) : system_now_ns) {}
StatCache::StatCache(StatCache&&) noexcept = default;
StatCache::~StatCache() = default;

StatCache::Database* StatCache::database() {
  if (m_database || m_unavailable) return m_database.get();
  try {
    if (auto db = SqliteDb::open(m_file, schema)) m_database = std::make_unique<Database>(std::move(*db));
  } catch (const SqliteError&) {
  }
  m_unavailable = !m_database;
  return m_database.get();
}

std::optional<StatCache::Entry> StatCache::lookup(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  Database* cache = database();
  if (!cache) return std::nullopt;
  try {
    const Key key(st);
    auto& select = cache->select;
    select.reset();
    select.bind(1, key.device).bind(2, key.inode).bind(3, key.size).bind(4, key.mtime_ns).bind(5, key.ctime_ns);
    if (!select.step()) return std::nullopt;
    const auto digest = select.blob(0);
    const auto sha256 = select.text(1);
    Entry entry;
    const bool well_formed = digest.size() == entry.digest.bytes.size();
    if (well_formed) std::copy(digest.begin(), digest.end(), entry.digest.bytes.begin());
    if (is_sha256_hex(sha256)) entry.sha256 = std::string(sha256);  // NULL reads as ""
    select.reset();  // ends the read transaction instead of holding it until the next lookup
    if (!well_formed) return std::nullopt;
    entry.size = static_cast<std::uint64_t>(st.st_size);
    return entry;
  } catch (const SqliteError&) {
    return std::nullopt;
  }
}

void StatCache::record(const struct stat& st, const Entry& entry, std::optional<std::int64_t> stat_time_ns) {
  if (!S_ISREG(st.st_mode) || entry.size != static_cast<std::uint64_t>(st.st_size)) return;
  const Key key(st);
  const std::int64_t trusted_before = stat_time_ns.value_or(m_now_ns()) - trusted_after_ns;
  if (key.mtime_ns >= trusted_before || key.ctime_ns >= trusted_before) return;
  Database* cache = database();
  if (!cache) return;
  try {
    auto& upsert = cache->upsert;
    upsert.reset();
    upsert.bind(1, key.device).bind(2, key.inode).bind(3, key.size).bind(4, key.mtime_ns).bind(5, key.ctime_ns);
    upsert.bind(6, std::span<const unsigned char>(entry.digest.bytes.data(), entry.digest.bytes.size()));
    if (entry.sha256) upsert.bind(7, std::string_view(*entry.sha256));  // else left NULL by reset()
    upsert.step();
  } catch (const SqliteError&) {
    // Busy or read-only: the file is hashed again next time.
  }
}

}  // namespace mreg
