// Checking and cleaning the local blob store: the options and results of
// Registry::verify and Registry::gc (DESIGN §5, §6).
//
// verify re-hashes every file that the versions asked about name (chunks
// and whole file, and the SHA-256 where model.yaml records one) and says,
// per artifact, whether it is intact, missing or corrupt.
//
// gc deletes the store's objects, manifests and temp files that nothing can
// still ask for: a file is needed when a model.yaml reachable from a ref or
// in a work tree names it (core/reachable.hpp has the exact rule). A
// concurrent `mreg add` renames its objects into place before it writes the
// model.yaml that names them, so between the two they look unreachable:
// nothing younger than the grace period is deleted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mreg/blob_store.hpp"
#include "mreg/digest.hpp"
#include "mreg/version.hpp"

namespace mreg {

struct VerifiedArtifact {
  enum class Status {
    ok,          // present, and every byte hashes to the recorded digest (and SHA-256)
    missing,     // the object, its manifest or one of its chunks is not in the local store
    corrupt,     // stored bytes do not hash to the id (moved aside), or their size is not the recorded one
    unreadable,  // the operating system refused to read it (permissions, I/O error)
  };
  std::string path;  // the artifact's path in the version
  Digest digest;
  std::uint64_t size = 0;
  Status status = Status::ok;
  std::string problem;  // for every status but ok: what is wrong, naming the stored file
};

struct VerifiedVersion {
  std::string name;
  std::optional<Version> version;  // nullopt only when the version could not be read at all
  std::string tag;                 // "name@v1.2.0"
  // False for a version read from a stage branch whose version tag is not in
  // this clone: its artifact list is the stage's copy.
  bool tag_checked = true;
  std::vector<VerifiedArtifact> artifacts;
  // Set when the version's model.yaml could not be read; no artifact was checked.
  std::string problem;

  bool ok() const;
};

struct VerifyReport {
  std::vector<VerifiedVersion> versions;
  std::size_t files_checked = 0;    // distinct files hashed: a file shared by versions is read once
  std::uint64_t bytes_checked = 0;  // their sizes

  bool ok() const;
};

struct GcOptions {
  bool dry_run = false;  // decide and report, delete nothing
  // Objects, manifests and temp files younger than this are kept even when
  // nothing needs them (a concurrent `add` may be about to name them).
  // Zero is safe only when no other mreg process uses the store.
  std::chrono::seconds grace = std::chrono::hours(24);
};

struct GcReport {
  bool dry_run = false;
  std::chrono::seconds grace{};
  // Deleted (with dry_run: what would be deleted), manifests first.
  std::vector<BlobStore::Item> deleted;
  std::uint64_t deleted_bytes = 0;
  // Needed by nothing, but younger than the grace period (or changed while
  // gc ran): kept.
  std::vector<BlobStore::Item> young;
  std::uint64_t young_bytes = 0;
  // Objects and manifests that a ref or a work tree needs: kept.
  std::size_t reachable = 0;
  std::uint64_t reachable_bytes = 0;
  std::size_t metadata_files = 0;  // distinct model.yaml files read to find what is needed
};

const char* to_string(VerifiedArtifact::Status status) noexcept;
const char* to_string(BlobStore::Item::Kind kind) noexcept;

}  // namespace mreg
