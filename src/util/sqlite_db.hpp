// SqliteDb: a small RAII layer over sqlite3 for mreg's local caches.
//
// Caches only speed things up, so a database that cannot be opened or
// written (a read-only .git, a full disk, another process holding the write
// lock for too long) is never an error for the command using it: open()
// returns nullopt and write failures surface as SqliteError, which callers
// catch and ignore.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mreg {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);  // throws SqliteError
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in sqlite.
  SqliteStatement& bind(int index, std::span<const unsigned char> blob);
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t value);
  // Runs one step: true when a row is ready to read, false when done.
  bool step();
  // Makes the statement reusable with new parameters.
  void reset();

  // Columns are numbered from 0.
  std::span<const unsigned char> blob(int column) const;
  std::string_view text(int column) const;
  std::int64_t integer(int column) const;

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating it and its directory) the database at `path` in WAL mode
  // with a short busy timeout, then runs `schema` (CREATE ... IF NOT EXISTS).
  // nullopt when any of it fails.
  static std::optional<SqliteDb> open(const std::filesystem::path& path, std::string_view schema);

  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&&) = delete;
  SqliteDb(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(std::string_view sql);  // throws SqliteError
  SqliteStatement prepare(std::string_view sql) { return SqliteStatement(m_db, sql); }

 private:
  explicit SqliteDb(sqlite3* db) : m_db(db) {}
  sqlite3* m_db;
};

}  // namespace mreg
