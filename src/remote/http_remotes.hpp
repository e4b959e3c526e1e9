// The remotes spoken to over HTTP: plain http(s) (GET/HEAD/PUT, e.g. a
// WebDAV server) and S3 (the same three calls, SigV4-signed by libcurl).
// They differ only in where a key lives and how a request is signed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mreg/remote.hpp"
#include "remote/aws_credentials.hpp"
#include "remote/curl_request.hpp"

namespace mreg {

class HttpRemote : public Remote {
 public:
  explicit HttpRemote(RemoteUrl url);
  std::string describe() const override { return m_url.text; }
  std::optional<std::uint64_t> stat(std::string_view key) override;
  void upload(std::string_view key, const std::filesystem::path& file) override;
  void download(std::string_view key, const std::filesystem::path& destination) override;

 protected:
  virtual std::string url_of(std::string_view key) const;
  // Adds authentication to a request whose body hashes to `payload_sha256`.
  virtual void authorize(HttpRequest& request, const std::string& payload_sha256) const;
  // Whether PUT bodies must be hashed (S3 signs the hash).
  virtual bool signs_payload() const { return false; }
  const RemoteUrl& url() const { return m_url; }

 private:
  [[noreturn]] void fail(const HttpRequest& request, const HttpResponse& response) const;

  RemoteUrl m_url;
  std::optional<std::string> m_token;  // MREG_HTTP_TOKEN
  CurlHandle m_curl;
};

class S3Remote : public HttpRemote {
 public:
  explicit S3Remote(RemoteUrl url);

 protected:
  std::string url_of(std::string_view key) const override;
  void authorize(HttpRequest& request, const std::string& payload_sha256) const override;
  bool signs_payload() const override { return true; }

 private:
  AwsCredentials m_credentials;
};

}  // namespace mreg
