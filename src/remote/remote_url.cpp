// RemoteUrl::parse: the three kinds of remote URL (remote.hpp), checked
// strictly so that a typo fails here, with the form it should have, rather
// than as a confusing network or filesystem error during a transfer.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "mreg/digest.hpp"
#include "mreg/error.hpp"
#include "mreg/remote.hpp"
#include "storage/store_layout.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

constexpr std::string_view accepted_forms =
    "a remote is file:///path (or a plain path), "
    "s3://bucket/prefix?endpoint=URL&region=R&addressing=path|virtual, or http(s)://host/path";

// "scheme://user:secret@host..." with the user information replaced by
// "***", wherever it appears (an s3:// URL's endpoint holds a second URL),
// so that a refusal never prints the secret it refuses.
std::string without_userinfo(std::string_view url) {
  std::string out;
  std::size_t done = 0;
  for (auto separator = url.find("://"); separator != std::string_view::npos; separator = url.find("://", done)) {
    const auto start = separator + 3;
    // Up to the query, not to the first '/': a pasted secret may hold a '/'.
    const auto end = std::min(url.find_first_of("?#&", start), url.size());
    const auto at = url.substr(start, end - start).rfind('@');
    out += url.substr(done, start - done);
    done = start;
    if (at != std::string_view::npos) {
      out += "***";
      done = start + at;
    }
  }
  out += url.substr(done);
  return out;
}

[[noreturn]] void refuse(std::string_view shown_url, std::string_view problem,
                         std::string_view hint = accepted_forms) {
  throw Error(ErrorCode::invalid, fmt::format("invalid remote URL {:?}: {}", without_userinfo(shown_url), problem),
              std::string(hint));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
// RFC 3986 "unreserved": safe in a URL path and an S3 key without encoding.
bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::optional<int> hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// Why `authority` ("host", "host:port", "[::1]:port") is not a server
// address, or nullopt.
std::optional<std::string> authority_problem(std::string_view authority) {
  if (authority.empty()) return std::string("it names no host");
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fmt::format("the IPv6 address in {:?} has no closing ']'", authority);
    host = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fmt::format("unexpected {:?} after the host", rest);
    if (!rest.empty()) port = rest.substr(1);
    const auto address = host.substr(1, host.size() - 2);
    const bool hex_and_colons = !address.empty() && std::all_of(address.begin(), address.end(), [](char c) {
      return hex_value(c).has_value() || c == ':' || c == '.';
    });
    if (!hex_and_colons) return fmt::format("{:?} is not an IPv6 address", host);
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    const bool host_chars = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return is_alnum(c) || c == '-' || c == '.';
    });
    if (!host_chars) return fmt::format("{:?} is not a host name (letters, digits, '-' and '.')", host);
  }
  if (host.size() != authority.size()) {
    const bool port_ok = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), is_digit) &&
                         std::stoul(std::string(port)) <= 65535;
    if (!port_ok) return fmt::format("{:?} is not a port number", port);
  }
  return std::nullopt;
}

// The server part of an http(s) URL: "http(s)://host[:port][/path]" without a
// trailing '/'. `shown_url` is the URL that messages quote (without a query,
// which is where a token would be pasted); `what` names this part of it
// ("the URL", "the endpoint").
std::string checked_http_url(std::string_view url, std::string_view shown_url, std::string_view what) {
  const auto query = url.find_first_of("?#");
  const auto cut = shown_url.find_first_of("?#");
  const std::string shown =
      cut == std::string_view::npos ? std::string(shown_url) : fmt::format("{}?...", shown_url.substr(0, cut));
  const auto authority_start = url.find("://") + 3;
  // Any '@' before the query counts: a pasted secret may hold a '/', which
  // would end the authority early and leave the secret in the path.
  if (url.substr(0, query).find('@', authority_start) != std::string_view::npos) {
    refuse(shown, fmt::format("{} holds a user name or password; credentials never live in URLs", what),
           "give a bearer token in the environment variable MREG_HTTP_TOKEN instead");
  }
  if (query != std::string_view::npos) {
    refuse(shown, fmt::format("{} has a query or fragment ('?' or '#'), which a remote's base URL cannot have", what));
  }
  if (url.find(' ') != std::string_view::npos) {
    refuse(shown, fmt::format("{} contains a space; a URL writes it as %20", what));
  }
  const auto authority_end = std::min(url.find('/', authority_start), url.size());
  if (auto problem = authority_problem(url.substr(authority_start, authority_end - authority_start))) {
    refuse(shown, fmt::format("{}: {}", what, *problem));
  }
  if (url.find("//", authority_end) != std::string_view::npos) {
    refuse(shown, fmt::format("{} has an empty path segment (\"//\")", what));
  }
  std::string base(url);
  while (base.size() > authority_end && base.back() == '/') base.pop_back();
  return base;
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const auto high = hex_value(text[i + 1]);
    const auto low = hex_value(text[i + 2]);
    if (!high || !low) return std::nullopt;
    out += static_cast<char>(*high * 16 + *low);
    i += 2;
  }
  return out;
}

// S3's bucket naming rules (the part every S3-compatible store shares).
std::optional<std::string> bucket_problem(std::string_view bucket) {
  if (bucket.empty()) return std::string("it names no bucket (s3://BUCKET/prefix)");
  const bool chars_ok = std::all_of(bucket.begin(), bucket.end(),
                                    [](char c) { return is_lower_alnum(c) || c == '.' || c == '-'; });
  if (bucket.size() < 3 || bucket.size() > 63 || !chars_ok || !is_lower_alnum(bucket.front()) ||
      !is_lower_alnum(bucket.back())) {
    return fmt::format("bucket {:?} must be 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with "
                       "a letter or digit",
                       bucket);
  }
  return std::nullopt;
}

// The prefix is joined into every key, so it is kept to characters that
// need no encoding and cannot climb out of it.
std::optional<std::string> prefix_problem(std::string_view prefix) {
  std::size_t start = 0;
  while (start <= prefix.size()) {
    const auto slash = std::min(prefix.find('/', start), prefix.size());
    const auto segment = prefix.substr(start, slash - start);
    if (segment.empty()) return fmt::format("the prefix {:?} has an empty segment (\"//\")", prefix);
    if (segment == "." || segment == "..") {
      return fmt::format("the prefix {:?} has a {:?} segment", prefix, segment);
    }
    if (!std::all_of(segment.begin(), segment.end(), is_unreserved)) {
      return fmt::format("the prefix {:?} may hold only letters, digits, '-', '.', '_', '~' and '/'", prefix);
    }
    start = slash + 1;
  }
  return std::nullopt;
}

std::string default_region() {
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (const char* value = std::getenv(variable); value && *value) return value;
  }
  return "us-east-1";
}

// The region goes into SigV4's credential scope, where '/' would break it.
bool is_region(std::string_view region) {
  return !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return is_alnum(c) || c == '-' || c == '_' || c == '.';
  });
}

RemoteUrl parse_s3(std::string_view url) {
  RemoteUrl result;
  result.kind = RemoteUrl::Kind::s3;
  const auto query_start = std::min(url.find('?'), url.size());
  const auto location = url.substr(5, query_start - 5);  // after "s3://"
  // Messages quote the URL without its query, which is where a secret
  // pasted by mistake would be (an unknown key such as secret_key=...);
  // they name the setting that is wrong instead.
  const std::string shown =
      query_start < url.size() ? fmt::format("{}?...", url.substr(0, query_start)) : std::string(url);
  if (url.find('#') != std::string_view::npos) refuse(shown, "an s3:// URL cannot have a fragment ('#')");

  if (location.find('@') != std::string_view::npos) {
    refuse(shown, "it holds a user name or key; credentials never live in URLs",
           "give S3 keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or in "
           "~/.aws/credentials (AWS_PROFILE)");
  }
  const auto slash = std::min(location.find('/'), location.size());
  const auto bucket = location.substr(0, slash);
  if (bucket.find(':') != std::string_view::npos) {
    refuse(shown, "a bucket name has no ':'; a server and its port go in ?endpoint=URL",
           "e.g. s3://models/registry?endpoint=http://127.0.0.1:9000");
  }
  if (auto problem = bucket_problem(bucket)) refuse(shown, *problem);
  result.bucket = std::string(bucket);

  std::string_view prefix = slash < location.size() ? location.substr(slash + 1) : std::string_view{};
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (!prefix.empty()) {
    if (auto problem = prefix_problem(prefix)) refuse(shown, *problem);
  }
  result.prefix = std::string(prefix);

  std::map<std::string, std::string, std::less<>> settings;
  if (query_start + 1 < url.size()) {
    const auto query = url.substr(query_start + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
      const auto end = std::min(query.find('&', start), query.size());
      const auto pair = query.substr(start, end - start);
      const auto equals = pair.find('=');
      if (equals == std::string_view::npos || equals == 0) {
        refuse(shown, fmt::format("expected KEY=VALUE in the query, found {:?}", pair));
      }
      const auto key = pair.substr(0, equals);
      if (key != "endpoint" && key != "region" && key != "addressing") {
        refuse(shown, fmt::format("unknown setting {:?}; an s3:// URL takes endpoint, region and addressing", key));
      }
      auto value = percent_decoded(pair.substr(equals + 1));
      if (!value) refuse(shown, fmt::format("{}: a '%' is not followed by two hex digits", key));
      if (!settings.emplace(key, std::move(*value)).second) {
        refuse(shown, fmt::format("{} is given twice", key));
      }
      start = end + 1;
    }
  }

  const auto setting = [&](std::string_view key) -> std::optional<std::string> {
    const auto found = settings.find(key);
    return found == settings.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  result.region = setting("region").value_or(default_region());
  if (!is_region(result.region)) {
    refuse(shown, fmt::format("region {:?} must be letters, digits, '-', '_' or '.' (e.g. eu-west-1)", result.region));
  }
  const auto endpoint = setting("endpoint");
  if (endpoint) {
    if (endpoint->find('@') != std::string::npos) {
      refuse(shown, "the endpoint holds a user name or password; credentials never live in URLs",
             "give S3 keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or in "
             "~/.aws/credentials (AWS_PROFILE)");
    }
    if (!endpoint->starts_with("http://") && !endpoint->starts_with("https://")) {
      refuse(shown, fmt::format("endpoint {:?} must start with http:// or https://", *endpoint));
    }
    result.endpoint = checked_http_url(*endpoint, shown, "the endpoint");
  } else {
    result.endpoint = fmt::format("https://s3.{}.amazonaws.com", result.region);
  }
  const auto addressing = setting("addressing");
  if (addressing && *addressing != "path" && *addressing != "virtual") {
    refuse(shown, fmt::format("addressing must be path or virtual, found {:?}", *addressing));
  }
  if (addressing) {
    result.virtual_host = *addressing == "virtual";
  } else {
    // Self-hosted stores (MinIO, Ceph) usually serve buckets as paths. AWS
    // prefers bucket host names, except for buckets with a '.', which its
    // TLS certificate (*.s3.REGION.amazonaws.com) does not cover.
    result.virtual_host = !endpoint && bucket.find('.') == std::string_view::npos;
  }
  return result;
}

RemoteUrl parse_http(std::string_view url) {
  RemoteUrl result;
  result.kind = RemoteUrl::Kind::http;
  result.base_url = checked_http_url(url, url, "the URL");
  return result;
}

RemoteUrl parse_file(std::string_view url) {
  constexpr std::string_view scheme = "file://";
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto host = rest.substr(0, std::min(slash, rest.size()));
  if (!host.empty() && host != "localhost") {
    refuse(url, fmt::format("file:// URLs name a local directory, found the host {:?}", host),
           "use file:///absolute/path (three slashes), or mount the share and give its path");
  }
  if (slash == std::string_view::npos) refuse(url, "it names no directory; expected file:///absolute/path");
  if (rest.find_first_of("%?#") != std::string_view::npos) {
    refuse(url, "'%', '?' and '#' are not supported in file:// URLs", "give the directory as a plain path instead");
  }
  RemoteUrl result;
  result.kind = RemoteUrl::Kind::file;
  result.directory = fs::path(rest.substr(slash)).lexically_normal();
  return result;
}

RemoteUrl parse_path(std::string_view url) {
  // "s3:bucket" or "https:/host" are typos of URLs, not directory names.
  const auto colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 && url.find('/') > colon &&
      std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), is_alnum)) {
    refuse(url, fmt::format("\"{}:\" looks like a URL scheme without \"://\"", url.substr(0, colon)),
           fmt::format("{} (a directory whose name has a ':' can be given as ./{})", accepted_forms, url));
  }
  RemoteUrl result;
  result.kind = RemoteUrl::Kind::file;
  result.directory = fs::absolute(fs::path(url)).lexically_normal();
  return result;
}

}  // namespace

RemoteUrl RemoteUrl::parse(std::string_view url) {
  if (url.empty()) refuse(url, "it is empty");
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
      })) {
    refuse(url, "it contains a control character");
  }
  RemoteUrl result;
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) {
    result = parse_path(url);
  } else {
    const auto scheme = url.substr(0, separator);
    if (scheme == "file") {
      result = parse_file(url);
    } else if (scheme == "s3") {
      result = parse_s3(url);
    } else if (scheme == "http" || scheme == "https") {
      result = parse_http(url);
    } else {
      refuse(url, fmt::format("unsupported scheme \"{}://\"", scheme));
    }
  }
  // A directory's trailing '/' is dropped so that describe() and keys join
  // the same way whichever form was given.
  if (result.kind == Kind::file && !result.directory.has_filename() &&
      result.directory != result.directory.root_path()) {
    result.directory = result.directory.parent_path();
  }
  result.text = std::string(url);
  return result;
}

std::string remote_object_key(std::string_view hex) {
  const auto digest = Digest::from_hex(hex);
  if (!digest) throw Error(ErrorCode::invalid, fmt::format("{:?} is not a 32-digit lowercase hex digest", hex));
  // The remote layout is the local store's (store_layout.hpp), '/'-separated.
  return store_layout::object_path({}, *digest).generic_string();
}

std::string remote_manifest_key(std::string_view hex) {
  const auto digest = Digest::from_hex(hex);
  if (!digest) throw Error(ErrorCode::invalid, fmt::format("{:?} is not a 32-digit lowercase hex digest", hex));
  return store_layout::manifest_path({}, *digest).generic_string();
}

}  // namespace mreg
