#include "util/sqlite_db.hpp"

#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

namespace mreg {
namespace {

// Long enough to wait out another mreg's short write transaction, short
// enough that a stuck one never makes a command feel hung.
constexpr int busy_timeout_ms = 250;

void check(sqlite3* db, int status, std::string_view what) {
  if (status == SQLITE_OK || status == SQLITE_ROW || status == SQLITE_DONE) return;
  throw SqliteError(fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(status)));
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : m_db(db) {
  check(m_db, sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr), "prepare");
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
  other.m_stmt = nullptr;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(m_stmt); }

SqliteStatement& SqliteStatement::bind(int index, std::span<const unsigned char> blob) {
  check(m_db, sqlite3_bind_blob(m_stmt, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  check(m_db, sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT),
        "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check(m_db, sqlite3_bind_int64(m_stmt, index, value), "bind");
  return *this;
}

bool SqliteStatement::step() {
  const int status = sqlite3_step(m_stmt);
  check(m_db, status, "step");
  return status == SQLITE_ROW;
}

void SqliteStatement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::span<const unsigned char> SqliteStatement::blob(int column) const {
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, column));
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

std::string_view SqliteStatement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
  return {data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

std::int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::optional<SqliteDb> SqliteDb::open(const std::filesystem::path& path, std::string_view schema) {
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  sqlite3* raw = nullptr;
  const int status = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);  // owns raw even when opening failed, as sqlite requires
  if (status != SQLITE_OK) return std::nullopt;
  try {
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    db.exec(schema);
  } catch (const SqliteError&) {
    return std::nullopt;
  }
  return db;
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }

SqliteDb::~SqliteDb() { sqlite3_close_v2(m_db); }

void SqliteDb::exec(std::string_view sql) {
  const std::string statement(sql);
  check(m_db, sqlite3_exec(m_db, statement.c_str(), nullptr, nullptr, nullptr), "exec");
}

}  // namespace mreg
