#include <cerrno>
#include <cstdlib>

#include <fcntl.h>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "remote/http_remotes.hpp"
#include "util/file_io.hpp"
#include "util/sha256.hpp"

namespace mreg {
namespace {

// SHA-256 of an empty body, what S3 expects as the payload hash of GET/HEAD.
constexpr const char* k_empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string file_sha256(int fd, const std::filesystem::path& path) {
  Sha256 sha;
  char buffer[1 << 16];
  std::uint64_t offset = 0;
  while (const std::size_t got = pread_some(fd, buffer, sizeof buffer, offset, path)) {
    sha.update(buffer, got);
    offset += got;
  }
  return sha.hex();
}

}  // namespace

HttpRemote::HttpRemote(RemoteUrl url) : m_url(std::move(url)) {
  if (const char* token = std::getenv("MREG_HTTP_TOKEN"); token && *token) m_token = token;
}

std::string HttpRemote::url_of(std::string_view key) const { return fmt::format("{}/{}", m_url.base_url, key); }

void HttpRemote::authorize(HttpRequest& request, const std::string&) const {
  if (m_token) request.headers.push_back("Authorization: Bearer " + *m_token);
}

void HttpRemote::fail(const HttpRequest& request, const HttpResponse& response) const {
  const std::string what = fmt::format("{} {}", request.method, request.url);
  if (response.curl_code != 0) {
    throw Error(ErrorCode::io, fmt::format("{} failed: {} (tried 5 times)", what, response.curl_error),
                fmt::format("check that {} is reachable, then run the command again: what was sent is kept",
                            describe()));
  }
  const std::string summary = error_summary(response);
  const std::string detail = summary.empty() ? "" : fmt::format(" ({})", summary);
  if (response.status == 401 || response.status == 403) {
    throw Error(ErrorCode::invalid, fmt::format("{} was refused: HTTP {}{}", what, response.status, detail),
                m_url.kind == RemoteUrl::Kind::s3
                    ? "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) and the bucket's policy"
                    : "set MREG_HTTP_TOKEN to a token the server accepts");
  }
  if (response.status == 404) {
    throw Error(ErrorCode::not_found, fmt::format("{}: HTTP 404{}", what, detail),
                summary == "NoSuchBucket" ? "create the bucket, or fix the remote's URL (`mreg remote list`)"
                                          : "check the remote's URL (`mreg remote list`)");
  }
  throw Error(ErrorCode::io, fmt::format("{} failed: HTTP {}{}", what, response.status, detail),
              response.transient() ? "the server kept failing (tried 5 times); try again later" : "");
}

std::optional<std::uint64_t> HttpRemote::stat(std::string_view key) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = url_of(key);
  authorize(request, k_empty_sha256);
  const HttpResponse response = with_retries([&] { return m_curl.perform(request); });
  if (response.status == 404 && response.curl_code == 0) return std::nullopt;
  if (!response.ok()) fail(request, response);
  return response.content_length.value_or(0);
}

void HttpRemote::upload(std::string_view key, const std::filesystem::path& file) {
  const UniqueFd fd = open_regular_file(file);
  HttpRequest request;
  request.method = "PUT";
  request.url = url_of(key);
  request.upload_fd = fd.get();
  request.upload_size = file_size(fd.get(), file);
  request.headers.push_back("Content-Type: application/octet-stream");
  authorize(request, signs_payload() ? file_sha256(fd.get(), file) : std::string());
  const HttpResponse response = with_retries([&] { return m_curl.perform(request); });
  if (!response.ok()) fail(request, response);
}

void HttpRemote::download(std::string_view key, const std::filesystem::path& destination) {
  HttpRequest request;
  request.method = "GET";
  request.url = url_of(key);
  authorize(request, k_empty_sha256);
  const HttpResponse response = with_retries([&] {
    UniqueFd fd(::open(destination.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw_system_error(errno, "create", destination);
    request.download_fd = fd.get();
    HttpResponse attempt = m_curl.perform(request);
    close_checked(fd, destination);
    return attempt;
  });
  if (!response.ok()) fail(request, response);
}

}  // namespace mreg
