#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/remote.hpp"
#include "remote/http_remotes.hpp"

namespace mreg {

std::unique_ptr<Remote> open_file_remote(const RemoteUrl& url);  // file_remote.cpp

std::unique_ptr<Remote> open_remote(const RemoteUrl& url) {
  switch (url.kind) {
    case RemoteUrl::Kind::file: return open_file_remote(url);
    case RemoteUrl::Kind::s3: return std::make_unique<S3Remote>(url);
    case RemoteUrl::Kind::http: return std::make_unique<HttpRemote>(url);
  }
  throw Error(ErrorCode::invalid, fmt::format("unsupported remote {}", url.text));
}

}  // namespace mreg
