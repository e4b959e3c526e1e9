#include "core/fact_cache.hpp"

#include <algorithm>

#include "util/sqlite_db.hpp"

namespace mreg {
namespace {

constexpr std::string_view schema =
    "CREATE TABLE IF NOT EXISTS tag_subtrees ("
    "  target BLOB NOT NULL, directory TEXT NOT NULL, subtree BLOB NOT NULL,"
    "  PRIMARY KEY (target, directory)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS model_versions ("
    "  tree BLOB PRIMARY KEY, version TEXT NOT NULL) WITHOUT ROWID;";

std::span<const unsigned char> bytes_of(const git::Oid& oid) { return {oid.bytes.data(), oid.bytes.size()}; }

}  // namespace

struct FactCache::Database {
  SqliteDb db;
  SqliteStatement select_subtree;
  SqliteStatement select_version;
  explicit Database(SqliteDb opened)
      : db(std::move(opened)),
        select_subtree(db.prepare("SELECT subtree FROM tag_subtrees WHERE target = ?1 AND directory = ?2")),
        select_version(db.prepare("SELECT version FROM model_versions WHERE tree = ?1")) {}
};

FactCache::FactCache(std::filesystem::path file) : m_file(std::move(file)) {}
FactCache::FactCache(FactCache&&) noexcept = default;
FactCache::~FactCache() { flush(); }

FactCache::Database* FactCache::database() {
  if (m_database || m_unavailable) return m_database.get();
  try {
    if (auto db = SqliteDb::open(m_file, schema)) m_database = std::make_unique<Database>(std::move(*db));
  } catch (const SqliteError&) {
  }
  m_unavailable = !m_database;
  return m_database.get();
}

std::optional<git::Oid> FactCache::tagged_subtree(const git::Oid& tag_target, std::string_view directory) {
  Database* cache = database();
  if (!cache) return std::nullopt;
  try {
    auto& select = cache->select_subtree;
    select.reset();
    select.bind(1, bytes_of(tag_target)).bind(2, directory);
    if (!select.step()) return std::nullopt;
    const auto stored = select.blob(0);
    git::Oid subtree;
    if (stored.size() != subtree.bytes.size()) return std::nullopt;
    std::copy(stored.begin(), stored.end(), subtree.bytes.begin());
    return subtree;
  } catch (const SqliteError&) {
    return std::nullopt;
  }
}

void FactCache::remember_tagged_subtree(const git::Oid& tag_target, std::string_view directory,
                                        const git::Oid& subtree) {
  m_new_subtrees.push_back({tag_target, std::string(directory), subtree});
}

std::optional<std::string> FactCache::model_version(const git::Oid& model_tree) {
  Database* cache = database();
  if (!cache) return std::nullopt;
  try {
    auto& select = cache->select_version;
    select.reset();
    select.bind(1, bytes_of(model_tree));
    if (!select.step()) return std::nullopt;
    return std::string(select.text(0));
  } catch (const SqliteError&) {
    return std::nullopt;
  }
}

void FactCache::remember_model_version(const git::Oid& model_tree, std::string_view version) {
  m_new_versions.emplace_back(model_tree, std::string(version));
}

void FactCache::flush() noexcept {
  if (m_new_subtrees.empty() && m_new_versions.empty()) return;
  const auto subtrees = std::move(m_new_subtrees);
  const auto versions = std::move(m_new_versions);
  m_new_subtrees.clear();
  m_new_versions.clear();
  Database* cache = database();
  if (!cache) return;
  try {
    cache->db.exec("BEGIN IMMEDIATE");
    try {
      auto insert_subtree = cache->db.prepare(
          "INSERT OR IGNORE INTO tag_subtrees (target, directory, subtree) VALUES (?1, ?2, ?3)");
      for (const auto& entry : subtrees) {
        insert_subtree.reset();
        insert_subtree.bind(1, bytes_of(entry.target)).bind(2, entry.directory).bind(3, bytes_of(entry.subtree));
        insert_subtree.step();
      }
      auto insert_version = cache->db.prepare("INSERT OR IGNORE INTO model_versions (tree, version) VALUES (?1, ?2)");
      for (const auto& [tree, version] : versions) {
        insert_version.reset();
        insert_version.bind(1, bytes_of(tree)).bind(2, version);
        insert_version.step();
      }
      cache->db.exec("COMMIT");
    } catch (const SqliteError&) {
      cache->db.exec("ROLLBACK");
    }
  } catch (const SqliteError&) {
    // Busy or read-only: the next run works these out again.
  }
}

}  // namespace mreg
