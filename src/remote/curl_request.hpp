// One HTTP request with libcurl, for the http and s3 remotes.
//
// A CurlHandle is one connection (kept alive between requests) and is used
// from one thread. perform() never throws for HTTP statuses: callers decide
// what 404 or 403 mean. Transport failures come back with `curl_code` set,
// so that with_retries() can tell transient trouble from a final answer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

typedef void CURL;

namespace mreg {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // S3: the CURLOPT_AWS_SIGV4 parameter ("aws:amz:REGION:s3") and "KEY:SECRET".
  std::string aws_sigv4;
  std::string aws_user;
  // PUT body: `size` bytes of the file open as `upload_fd`, from offset 0.
  int upload_fd = -1;
  std::uint64_t upload_size = 0;
  // GET body goes to `download_fd` (written from its current offset) when the status is 2xx.
  int download_fd = -1;
};

struct HttpResponse {
  int curl_code = 0;          // CURLE_OK (0), else a transport failure
  std::string curl_error;     // its message
  long status = 0;            // HTTP status, 0 when none was received
  std::optional<std::uint64_t> content_length;
  std::string error_body;     // the start of a non-2xx body (S3 puts its error code there)
  std::uint64_t bytes_received = 0;

  bool ok() const { return curl_code == 0 && status >= 200 && status < 300; }
  // Worth another try: no answer at all, a 5xx, or 429 Too Many Requests.
  bool transient() const { return curl_code != 0 || status >= 500 || status == 429; }
};

class CurlHandle {
 public:
  CurlHandle();
  ~CurlHandle();
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  HttpResponse perform(const HttpRequest& request);

 private:
  CURL* m_curl;
};

// Runs `attempt` until it gives a non-transient answer, up to 5 times, waiting
// 0.25 s, 0.5 s, 1 s, 2 s between tries (MREG_RETRY_BASE_MS changes the base,
// for tests). Returns the last response.
HttpResponse with_retries(const std::function<HttpResponse()>& attempt);

// The text of an S3 error body's <Code> element, else the body's first line.
std::string error_summary(const HttpResponse& response);

}  // namespace mreg
