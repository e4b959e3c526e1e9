#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mreg/error.hpp"
#include "mreg/remote.hpp"

using mreg::Error;
using mreg::ErrorCode;
using mreg::RemoteUrl;

namespace {

// Sets (or unsets) an environment variable for one test, restoring it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    set(value);
  }
  ~ScopedEnv() { set(m_old); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(m_name, value->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  const char* m_name;
  std::optional<std::string> m_old;
};

// The message of the Error(invalid) that parsing `url` throws.
std::string refusal(const std::string& url) {
  try {
    RemoteUrl::parse(url);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid);
    return e.what();
  }
  FAIL("accepted: " << url);
  return {};
}

}  // namespace

TEST_CASE("file:// URLs and plain paths name a directory", "[remote_url]") {
  auto url = RemoteUrl::parse("file:///srv/mreg-store");
  CHECK(url.kind == RemoteUrl::Kind::file);
  CHECK(url.directory == "/srv/mreg-store");
  CHECK(url.text == "file:///srv/mreg-store");

  CHECK(RemoteUrl::parse("file://localhost/srv/store/").directory == "/srv/store");
  CHECK(RemoteUrl::parse("/srv/store").directory == "/srv/store");
  CHECK(RemoteUrl::parse("/srv/store/").directory == "/srv/store");
  CHECK(RemoteUrl::parse("/srv/a/../store").directory == "/srv/store");

  url = RemoteUrl::parse("shared/store");
  CHECK(url.kind == RemoteUrl::Kind::file);
  CHECK(url.directory == std::filesystem::current_path() / "shared/store");
  CHECK(url.text == "shared/store");
  CHECK(RemoteUrl::parse("../store").directory == (std::filesystem::current_path() / "../store").lexically_normal());
}

TEST_CASE("file:// URLs with a host, a '%' or no directory are refused", "[remote_url]") {
  CHECK_THAT(refusal("file://server/share"), Catch::Contains("host \"server\""));
  CHECK_THAT(refusal("file://srv"), Catch::Contains("host"));
  CHECK_THAT(refusal("file:///srv/my%20store"), Catch::Contains("'%'"));
  CHECK_THAT(refusal("file:///srv/x?y=1"), Catch::Contains("'?'"));
}

TEST_CASE("s3:// URLs: bucket, prefix and the query's settings", "[remote_url]") {
  const auto url = RemoteUrl::parse(
      "s3://ml-models/team/registry/?endpoint=https://s3.example.com/&region=eu-west-1&addressing=virtual");
  CHECK(url.kind == RemoteUrl::Kind::s3);
  CHECK(url.bucket == "ml-models");
  CHECK(url.prefix == "team/registry");
  CHECK(url.endpoint == "https://s3.example.com");
  CHECK(url.region == "eu-west-1");
  CHECK(url.virtual_host);
}

TEST_CASE("s3:// URLs with an endpoint default to path addressing", "[remote_url]") {
  const auto url = RemoteUrl::parse("s3://models?endpoint=http://127.0.0.1:7480&region=default");
  CHECK(url.bucket == "models");
  CHECK(url.prefix.empty());
  CHECK(url.endpoint == "http://127.0.0.1:7480");
  CHECK(url.region == "default");
  CHECK_FALSE(url.virtual_host);
  CHECK_FALSE(RemoteUrl::parse("s3://models/p?endpoint=http://[::1]:9000/").virtual_host);
  CHECK(RemoteUrl::parse("s3://models/p?endpoint=http://[::1]:9000/").endpoint == "http://[::1]:9000");
}

TEST_CASE("s3:// query values are percent-decoded", "[remote_url]") {
  const auto url = RemoteUrl::parse("s3://models/p?endpoint=http%3A%2F%2Fminio.local%3A9000&addressing=path");
  CHECK(url.endpoint == "http://minio.local:9000");
  CHECK_FALSE(url.virtual_host);
  CHECK_THAT(refusal("s3://models/p?region=eu%2"), Catch::Contains("'%'"));
}

TEST_CASE("s3:// URLs without an endpoint go to AWS in the environment's region", "[remote_url]") {
  SECTION("AWS_REGION first") {
    ScopedEnv region("AWS_REGION", "ap-south-1");
    ScopedEnv fallback("AWS_DEFAULT_REGION", "eu-north-1");
    const auto url = RemoteUrl::parse("s3://models/registry");
    CHECK(url.region == "ap-south-1");
    CHECK(url.endpoint == "https://s3.ap-south-1.amazonaws.com");
    CHECK(url.virtual_host);
  }
  SECTION("then AWS_DEFAULT_REGION") {
    ScopedEnv region("AWS_REGION", std::nullopt);
    ScopedEnv fallback("AWS_DEFAULT_REGION", "eu-north-1");
    CHECK(RemoteUrl::parse("s3://models").region == "eu-north-1");
  }
  SECTION("else us-east-1; the URL's region wins over the environment") {
    ScopedEnv region("AWS_REGION", "");
    ScopedEnv fallback("AWS_DEFAULT_REGION", std::nullopt);
    CHECK(RemoteUrl::parse("s3://models").region == "us-east-1");
    CHECK(RemoteUrl::parse("s3://models?region=eu-west-3").endpoint == "https://s3.eu-west-3.amazonaws.com");
  }
  SECTION("a bucket with a '.' uses path addressing, which AWS's certificate covers") {
    CHECK_FALSE(RemoteUrl::parse("s3://models.example.com/x").virtual_host);
  }
}

TEST_CASE("s3:// bucket names follow S3's rules", "[remote_url]") {
  for (const char* bucket : {"abc", "my-bucket.v2", "0models9"}) {
    CHECK(RemoteUrl::parse(std::string("s3://") + bucket).bucket == bucket);
  }
  CHECK(RemoteUrl::parse("s3://" + std::string(63, 'a')).bucket.size() == 63);
  const std::vector<std::string> bad_buckets{"ab",      std::string(64, 'a'), "My-Bucket", "-models",
                                             "models-", "mod_els",            ""};
  for (const auto& bad : bad_buckets) {
    INFO(bad);
    CHECK_THAT(refusal("s3://" + bad + "/prefix"), Catch::Contains("bucket"));
  }
  CHECK_THAT(refusal("s3://localhost:9000/models"), Catch::Contains("?endpoint="));
}

TEST_CASE("s3:// prefixes stay inside the bucket", "[remote_url]") {
  CHECK_THAT(refusal("s3://models/a/../b"), Catch::Contains("\"..\""));
  CHECK_THAT(refusal("s3://models/a/./b"), Catch::Contains("\".\""));
  CHECK_THAT(refusal("s3://models/a//b"), Catch::Contains("empty segment"));
  CHECK_THAT(refusal("s3://models/a b"), Catch::Contains("may hold only"));
  CHECK(RemoteUrl::parse("s3://models//").prefix.empty());
}

TEST_CASE("s3:// settings are checked", "[remote_url]") {
  CHECK_THAT(refusal("s3://models?bucket_acl=public"), Catch::Contains("unknown setting \"bucket_acl\""));
  CHECK_THAT(refusal("s3://models?region"), Catch::Contains("KEY=VALUE"));
  CHECK_THAT(refusal("s3://models?region=a&region=b"), Catch::Contains("twice"));
  CHECK_THAT(refusal("s3://models?addressing=dns"), Catch::Contains("path or virtual"));
  CHECK_THAT(refusal("s3://models?endpoint=ftp://x"), Catch::Contains("http:// or https://"));
  CHECK_THAT(refusal("s3://models?endpoint=s3.example.com"), Catch::Contains("http:// or https://"));
  CHECK_THAT(refusal("s3://models?endpoint=http://host:99999"), Catch::Contains("port"));
  CHECK_THAT(refusal("s3://models?region=eu/west"), Catch::Contains("region"));
  CHECK_THAT(refusal("s3://models#x"), Catch::Contains("fragment"));
}

TEST_CASE("credentials in a URL are refused without being repeated", "[remote_url]") {
  const auto s3 = refusal("s3://AKIAEXAMPLE:s3cr3t/key@models/registry");
  CHECK_THAT(s3, Catch::Contains("credentials never live in URLs"));
  CHECK_THAT(s3, !Catch::Contains("s3cr3t") && !Catch::Contains("AKIAEXAMPLE"));

  const auto query = refusal("s3://models?secret_key=s3cr3t");
  CHECK_THAT(query, Catch::Contains("secret_key"));
  CHECK_THAT(query, !Catch::Contains("s3cr3t"));

  const auto endpoint = refusal("s3://models?endpoint=https://user:s3cr3t@s3.example.com");
  CHECK_THAT(endpoint, Catch::Contains("credentials never live in URLs"));
  CHECK_THAT(endpoint, !Catch::Contains("s3cr3t"));

  try {
    RemoteUrl::parse("https://user:s3cr3t@models.example.com/mreg");
    FAIL("accepted a password in an https URL");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("credentials never live in URLs"));
    CHECK_THAT(e.what(), !Catch::Contains("s3cr3t") && !Catch::Contains("user:"));
    CHECK_THAT(e.hint(), Catch::Contains("MREG_HTTP_TOKEN"));
  }
  CHECK_THAT(refusal("http://token@models.example.com"), !Catch::Contains("token"));
}

TEST_CASE("http(s):// URLs keep their base without a trailing '/'", "[remote_url]") {
  auto url = RemoteUrl::parse("https://models.example.com/mreg/");
  CHECK(url.kind == RemoteUrl::Kind::http);
  CHECK(url.base_url == "https://models.example.com/mreg");
  CHECK(RemoteUrl::parse("http://127.0.0.1:8080").base_url == "http://127.0.0.1:8080");
  CHECK(RemoteUrl::parse("http://localhost:8080/").base_url == "http://localhost:8080");
  CHECK(RemoteUrl::parse("http://[::1]:8080/dav").base_url == "http://[::1]:8080/dav");

  const auto query = refusal("https://models.example.com/mreg?token=s3cr3t");
  CHECK_THAT(query, Catch::Contains("query"));
  CHECK_THAT(query, !Catch::Contains("s3cr3t"));
  CHECK_THAT(refusal("https://models.example.com/mreg#top"), Catch::Contains("fragment"));
  CHECK_THAT(refusal("https:///mreg"), Catch::Contains("no host"));
  CHECK_THAT(refusal("https://bad_host/mreg"), Catch::Contains("host name"));
  CHECK_THAT(refusal("https://host:port/mreg"), Catch::Contains("port"));
  CHECK_THAT(refusal("https://host/a//b"), Catch::Contains("empty path segment"));
  CHECK_THAT(refusal("https://host/my store"), Catch::Contains("%20"));
}

TEST_CASE("anything else is refused naming the URL and the accepted forms", "[remote_url]") {
  for (const char* bad : {"ftp://host/x", "gs://bucket", "S3://models", "s3:models", "https:/host/x", ""}) {
    INFO(bad);
    try {
      RemoteUrl::parse(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid);
      CHECK_THAT(e.what(), Catch::Contains(std::string("\"") + bad + "\""));
      CHECK_THAT(e.hint(), Catch::Contains("s3://bucket/prefix") && Catch::Contains("file:///path"));
    }
  }
  CHECK_THAT(refusal(std::string("/srv/a\nb")), Catch::Contains("control character"));
}

TEST_CASE("remote keys share the local store's layout", "[remote_url]") {
  CHECK(mreg::remote_object_key("06b05ab6733a618578af5f94892f3950") == "objects/06/b05ab6733a618578af5f94892f3950");
  CHECK(mreg::remote_manifest_key("06b05ab6733a618578af5f94892f3950") == "manifests/06b05ab6733a618578af5f94892f3950");
  CHECK_THROWS_AS(mreg::remote_object_key("../../etc/passwd"), Error);
  CHECK_THROWS_AS(mreg::remote_manifest_key("06B05AB6733A618578AF5F94892F3950"), Error);
}
