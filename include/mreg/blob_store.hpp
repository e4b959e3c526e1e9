// BlobStore: the local content-addressed object store (DESIGN §5).
//
// Objects are immutable files at <root>/objects/<hex[0:2]>/<hex[2:]>, named by
// their XXH3-128 digest. Writes go temp file (<root>/tmp) -> write -> rename,
// so a reader never sees a partial object and concurrent writers of the same
// object are harmless. Every read verifies the bytes against the id; a corrupt
// object is moved aside to <root>/corrupt/ and reported as Error(corrupt).
//
// Files up to 64 MiB are one object. Larger ones are stored as chunks
// (ordinary objects, content-defined and, for safetensors, tensor-aware
// boundaries) plus a manifest at <root>/manifests/<hex of the whole file>
// (mreg/manifest.hpp); a chunk another file already has is not stored
// again. Callers name files by their whole-file digest either way.
//
// Ingest reads each input once, in constant memory; a stat cache
// (<root>/cache.sqlite) lets an unchanged input skip even that.
//
// Progress: the store only advances the caller's Progress by the bytes it
// copies; the caller brackets the work with begin/end (see ProgressScope).
//
// Thread-safety: a BlobStore may be used from several threads and processes
// at once; all coordination is through atomic renames. A write that finds
// its object already stored sets that object's mtime to now instead, so
// that gc's grace period protects what an add is reusing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mreg/digest.hpp"
#include "mreg/manifest.hpp"
#include "mreg/progress.hpp"

namespace mreg {

class StatCache;

struct PutOptions {
  bool sha256 = false;  // also compute the file's SHA-256 (integrity: sha256)
};

class BlobStore {
 public:
  // `root` is the store directory (".git/mreg"); created on first write.
  explicit BlobStore(std::filesystem::path root);
  BlobStore(BlobStore&&) noexcept;
  BlobStore& operator=(BlobStore&&) noexcept;
  ~BlobStore();

  struct Stored {
    Digest digest;
    std::uint64_t size = 0;
    bool is_new = false;          // false when the store already had the whole file
    std::uint64_t new_bytes = 0;  // bytes written to the store (what dedup could not save)
    std::size_t chunks = 0;       // 0 when stored as one object
    bool unchanged = false;       // known from the stat cache: the file was not read
    std::optional<std::string> sha256;   // 64 hex digits, with PutOptions::sha256
    std::optional<std::string> warning;  // e.g. a malformed safetensors header, chunked by content only
  };

  // Hashes and stores a regular file in one read. Throws Error(not_found) /
  // Error(io) naming the file when it is missing, unreadable or not regular.
  Stored put_file(const std::filesystem::path& source, Progress& progress = no_progress(),
                  const PutOptions& options = {});
  Stored put_bytes(std::string_view bytes);

  // Whether the file `digest` can be materialized from this store: as one
  // object, or as a manifest whose chunks are all present.
  bool contains(const Digest& digest) const;
  std::filesystem::path object_path(const Digest& digest) const;
  std::filesystem::path manifest_path(const Digest& digest) const;
  const std::filesystem::path& root() const { return m_root; }

  // The whole object, verified. For small objects (manifests, tests).
  std::string read(const Digest& digest) const;
  // The manifest of chunked file `digest`; nullopt when the file is not
  // stored chunked here. Error(corrupt) when it does not parse.
  std::optional<Manifest> read_manifest(const Digest& digest) const;

  // Writes the file `digest` to `destination` atomically (temp file beside
  // it, then rename), verified against the digest and size (and, for a
  // chunked file, every chunk's) before it becomes visible. Uses a reflink
  // where the filesystem has one. Parent directories are created. Throws
  // Error(not_found) when an object is missing, Error(corrupt) when one does
  // not verify. With `sha256`, also checks the file's SHA-256 (64 hex digits).
  void materialize(const Digest& digest, std::uint64_t size, const std::filesystem::path& destination,
                   Progress& progress = no_progress(), const std::optional<std::string>& sha256 = std::nullopt) const;

  // Re-hashes the stored file (every chunk and the whole); throws
  // Error(not_found) or Error(corrupt) (after moving a corrupt object aside)
  // naming what is wrong. With `sha256`, checks that too.
  void verify(const Digest& digest, const std::optional<std::string>& sha256 = std::nullopt) const;

  // --- fetching from remotes -------------------------------------------------
  // A fresh temp file path in the store's tmp/ for a download.
  std::filesystem::path new_download_path() const;
  // Adds `downloaded` (a file in tmp/) as the object `digest` if it hashes to
  // it, renaming it into place; else deletes it and throws Error(corrupt).
  void import_object(const Digest& digest, const std::filesystem::path& downloaded) const;
  // Writes `manifest` once every chunk it lists is stored and together they
  // hash to manifest.file; else throws (the chunks stay, as objects).
  void import_manifest(const Manifest& manifest) const;

  // --- listing and removal, for gc ------------------------------------------
  struct Item {
    enum class Kind { object, manifest, temp };
    Kind kind = Kind::object;
    std::optional<Digest> digest;  // nullopt for temp files
    std::filesystem::path path;
    std::uint64_t size = 0;
    std::int64_t mtime_seconds = 0;  // since the epoch
  };
  // Every object, manifest and leftover temp file, in no particular order.
  // Files whose names are not the store's (a stray editor backup) are left out.
  std::vector<Item> list() const;
  // Deletes one listed item; false when it was already gone or its mtime
  // changed since list() (a writer stored or reused it meanwhile: keep it).
  // Error(invalid) for a path the store's layout would not produce.
  bool remove(const Item& item) const;

 private:
  bool freshen_file(const Digest& digest) const;

  std::filesystem::path m_root;
  std::unique_ptr<StatCache> m_stat_cache;
};

// Streams a file through XXH3-128 (used to compare existing files with
// objects without copying them).
Digest hash_file(const std::filesystem::path& path);

}  // namespace mreg
