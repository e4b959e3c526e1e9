// S3 credentials (DESIGN §5): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN from the environment, else the profile AWS_PROFILE
// (default "default") of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE
// moves it). Never written anywhere and never printed: errors name where
// mreg looked, not what it found.
#pragma once

#include <optional>
#include <string>

namespace mreg {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::optional<std::string> session_token;
};

// Throws Error(invalid) saying where credentials were looked for.
AwsCredentials load_aws_credentials();

}  // namespace mreg
