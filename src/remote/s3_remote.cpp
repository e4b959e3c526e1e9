// S3 requests, signed by libcurl's CURLOPT_AWS_SIGV4 (DESIGN §5).
//
// The provider, region and service are passed explicitly ("aws:amz:R:s3"):
// curl's guess from the host name is wrong for MinIO, Ceph and localhost.
// curl 7.88 does not add x-amz-content-sha256, which S3 requires, but signs
// it when it is given, so every request carries it: the body's SHA-256 for
// uploads (the store then checks the body against it), the empty body's
// otherwise. Keys are hex digits and '/', so no path needs escaping, and
// no request has a query string (which curl 7.88 would not canonicalize).
#include <fmt/format.h>

#include "mreg/error.hpp"
#include "remote/http_remotes.hpp"

namespace mreg {
namespace {

// Percent-encodes a path segment as SigV4's canonical URI wants it.
std::string encode_path(std::string_view path) {
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

}  // namespace

S3Remote::S3Remote(RemoteUrl url) : HttpRemote(std::move(url)), m_credentials(load_aws_credentials()) {}

std::string S3Remote::url_of(std::string_view key) const {
  const RemoteUrl& remote = url();
  const std::string object = remote.prefix.empty() ? std::string(key) : fmt::format("{}/{}", remote.prefix, key);
  if (!remote.virtual_host) return fmt::format("{}/{}/{}", remote.endpoint, remote.bucket, encode_path(object));
  const auto scheme_end = remote.endpoint.find("://");
  return fmt::format("{}{}.{}/{}", remote.endpoint.substr(0, scheme_end + 3), remote.bucket,
                     remote.endpoint.substr(scheme_end + 3), encode_path(object));
}

void S3Remote::authorize(HttpRequest& request, const std::string& payload_sha256) const {
  request.aws_sigv4 = fmt::format("aws:amz:{}:s3", url().region);
  request.aws_user = fmt::format("{}:{}", m_credentials.access_key, m_credentials.secret_key);
  request.headers.push_back("x-amz-content-sha256: " + payload_sha256);
  if (m_credentials.session_token) request.headers.push_back("x-amz-security-token: " + *m_credentials.session_token);
}

}  // namespace mreg
