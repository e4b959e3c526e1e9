#include "remote/aws_credentials.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The key = value pairs of one [section] of an INI file.
std::map<std::string, std::string> read_section(const std::filesystem::path& file, const std::string& section) {
  std::map<std::string, std::string> values;
  std::ifstream in(file);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = trim(line.substr(1, line.size() - 2)) == section;
      continue;
    }
    const auto equals = line.find('=');
    if (inside && equals != std::string::npos) values[trim(line.substr(0, equals))] = trim(line.substr(equals + 1));
  }
  return values;
}

}  // namespace

AwsCredentials load_aws_credentials() {
  const auto access = env("AWS_ACCESS_KEY_ID");
  const auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (access && secret) return {*access, *secret, env("AWS_SESSION_TOKEN")};

  const std::string profile = env("AWS_PROFILE").value_or("default");
  std::filesystem::path file;
  if (const auto configured = env("AWS_SHARED_CREDENTIALS_FILE")) {
    file = *configured;
  } else if (const auto home = env("HOME")) {
    file = std::filesystem::path(*home) / ".aws" / "credentials";
  }
  if (!file.empty()) {
    auto values = read_section(file, profile);
    if (values.contains("aws_access_key_id") && values.contains("aws_secret_access_key")) {
      AwsCredentials credentials{values["aws_access_key_id"], values["aws_secret_access_key"], std::nullopt};
      if (values.contains("aws_session_token")) credentials.session_token = values["aws_session_token"];
      return credentials;
    }
  }
  throw Error(ErrorCode::invalid,
              fmt::format("no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set, and "
                          "profile [{}] of {} has no aws_access_key_id and aws_secret_access_key",
                          profile, file.empty() ? std::string("~/.aws/credentials") : file.string()),
              "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add them to ~/.aws/credentials (AWS_PROFILE "
              "picks the profile); mreg never stores credentials itself");
}

}  // namespace mreg
