#include "remote/curl_request.hpp"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <cstring>

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr std::size_t k_error_body_limit = 2048;
constexpr int k_attempts = 5;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
  std::uint64_t uploaded = 0;
  bool write_failed = false;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* data) {
  auto* transfer = static_cast<Transfer*>(data);
  const std::uint64_t left = transfer->request->upload_size - transfer->uploaded;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
  if (want == 0) return 0;
  const ssize_t got = ::pread(transfer->request->upload_fd, buffer, want, static_cast<off_t>(transfer->uploaded));
  if (got <= 0) return CURL_READFUNC_ABORT;
  transfer->uploaded += static_cast<std::uint64_t>(got);
  return static_cast<std::size_t>(got);
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  HttpResponse& response = *transfer->response;
  if (response.status == 0) curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &response.status);
  const bool success = response.status >= 200 && response.status < 300;
  if (!success || transfer->request->download_fd < 0) {
    if (response.error_body.size() < k_error_body_limit) response.error_body.append(data, bytes);
    return bytes;
  }
  for (std::size_t done = 0; done < bytes;) {
    const ssize_t wrote = ::write(transfer->request->download_fd, data + done, bytes - done);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      transfer->write_failed = true;
      return 0;  // aborts the transfer
    }
    done += static_cast<std::size_t>(wrote);
  }
  response.bytes_received += bytes;
  return bytes;
}

}  // namespace

CurlHandle::CurlHandle() {
  global_init();
  m_curl = curl_easy_init();
  if (!m_curl) throw Error(ErrorCode::io, "cannot start libcurl (curl_easy_init failed)");
}

CurlHandle::~CurlHandle() { curl_easy_cleanup(m_curl); }

HttpResponse CurlHandle::perform(const HttpRequest& request) {
  HttpResponse response;
  Transfer transfer{m_curl, &request, &response};
  curl_easy_reset(m_curl);
  curl_easy_setopt(m_curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(m_curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(m_curl, CURLOPT_CONNECTTIMEOUT, 15L);
  // A transfer slower than 1 KiB/s for 60 s is a dead connection.
  curl_easy_setopt(m_curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(m_curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(m_curl, CURLOPT_USERAGENT, "mreg/0.1");
  curl_easy_setopt(m_curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(m_curl, CURLOPT_WRITEDATA, &transfer);
  if (request.method == "HEAD") {
    curl_easy_setopt(m_curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(m_curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(m_curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(m_curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(m_curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.upload_size));
    // curl sends "Expect: 100-continue" with large bodies; do not wait for
    // the answer. (Removing the header with "Expect:" breaks curl 7.88's
    // SigV4: it signs the empty header it then leaves out.)
    curl_easy_setopt(m_curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
  } else if (request.method != "GET") {
    curl_easy_setopt(m_curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, headers);
  if (!request.aws_sigv4.empty()) {
    curl_easy_setopt(m_curl, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
    curl_easy_setopt(m_curl, CURLOPT_USERPWD, request.aws_user.c_str());
  }
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(m_curl, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(m_curl);
  curl_slist_free_all(headers);
  curl_easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t length = -1;
  if (curl_easy_getinfo(m_curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length >= 0) {
    response.content_length = static_cast<std::uint64_t>(length);
  }
  // The user name and password are the S3 keys: drop them from the handle.
  curl_easy_setopt(m_curl, CURLOPT_USERPWD, nullptr);
  if (transfer.write_failed) {
    throw Error(ErrorCode::io, fmt::format("cannot write what {} sent: {}", request.url, std::strerror(errno)));
  }
  if (code != CURLE_OK) {
    response.curl_code = static_cast<int>(code);
    response.curl_error = error[0] ? error : curl_easy_strerror(code);
  }
  return response;
}

HttpResponse with_retries(const std::function<HttpResponse()>& attempt) {
  long base_ms = 250;
  if (const char* configured = std::getenv("MREG_RETRY_BASE_MS")) base_ms = std::atol(configured);
  HttpResponse response;
  for (int tries = 1;; ++tries) {
    response = attempt();
    if (!response.transient() || tries == k_attempts) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(base_ms << (tries - 1)));
  }
}

std::string error_summary(const HttpResponse& response) {
  if (response.curl_code != 0) return response.curl_error;
  const auto start = response.error_body.find("<Code>");
  const auto end = response.error_body.find("</Code>");
  if (start != std::string::npos && end != std::string::npos && end > start) {
    return response.error_body.substr(start + 6, end - start - 6);
  }
  return response.error_body.substr(0, response.error_body.find('\n'));
}

}  // namespace mreg
