// Blob remotes (DESIGN §3 `remotes`, §5 Remotes): where a team's objects
// live beyond one machine.
//
// A remote holds the same layout as the local store: "objects/<2 hex>/<30
// hex>" and "manifests/<32 hex>" below its root. Three kinds:
//   file:///path or a plain path   a shared or network filesystem
//   s3://bucket/prefix?endpoint=URL&region=R&addressing=path|virtual
//                                  any S3-compatible store, SigV4-signed
//   http(s)://host/path            GET/HEAD/PUT (e.g. WebDAV), bearer token
//                                  from MREG_HTTP_TOKEN
// Credentials never live in URLs or in mreg.yaml: S3 keys come from the
// environment or ~/.aws/credentials, and no message or log prints them.
//
// A Remote is used from one thread; transfers in parallel open one per
// worker (RemoteFactory).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mreg {

// A remote URL, checked and split. Throws Error(invalid) naming what is
// wrong and what is accepted.
struct RemoteUrl {
  enum class Kind { file, s3, http };
  Kind kind = Kind::file;
  std::string text;  // as given (it holds no secrets)
  // file: the directory
  std::filesystem::path directory;
  // s3
  std::string bucket, prefix, endpoint, region;  // prefix without leading/trailing '/'
  bool virtual_host = false;                      // addressing=virtual
  // http(s): the base URL without a trailing '/'
  std::string base_url;

  static RemoteUrl parse(std::string_view url);
};

class Remote {
 public:
  virtual ~Remote() = default;
  // Where this remote is, for messages ("s3://bucket/prefix", the URL).
  virtual std::string describe() const = 0;
  // Size of the file at `key` ("objects/ab/cd..."), nullopt when absent.
  virtual std::optional<std::uint64_t> stat(std::string_view key) = 0;
  // Uploads `file` to `key`; a reader never sees a partial file there.
  virtual void upload(std::string_view key, const std::filesystem::path& file) = 0;
  // Downloads `key` into `destination` (created or truncated). Throws
  // Error(not_found) when the remote has no such file.
  virtual void download(std::string_view key, const std::filesystem::path& destination) = 0;
};

using RemoteFactory = std::function<std::unique_ptr<Remote>()>;

// One connection's worth of a remote, for the URL's kind.
std::unique_ptr<Remote> open_remote(const RemoteUrl& url);

// "objects/ab/cdef..." / "manifests/<hex>" for a hex digest.
std::string remote_object_key(std::string_view hex);
std::string remote_manifest_key(std::string_view hex);

}  // namespace mreg
