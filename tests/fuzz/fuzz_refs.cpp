// The name and reference grammar (names.hpp, refs.hpp, version.hpp) on
// arbitrary text: model and stage names, artifact paths, NAME[@VERSION|#STAGE]
// references, versions and tag names. What parses prints back canonically
// and parses again to the same value; the throwing and non-throwing
// checks agree. The text after the first newline, if any, is a second
// version for checking that ordering is consistent.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"
#include "mreg/refs.hpp"
#include "mreg/version.hpp"

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
}

void check_name(std::string_view text) {
  const std::optional<std::string> problem = mreg::model_name_problem(text);
  bool thrown = false;
  try {
    mreg::check_model_name(text);
  } catch (const mreg::Error&) {
    thrown = true;
  }
  MREG_FUZZ_CHECK(thrown == problem.has_value());
  if (problem) return;
  MREG_FUZZ_CHECK(!text.empty() && text.size() <= mreg::max_model_name_length);
  for (char c : text) MREG_FUZZ_CHECK(is_name_char(c));
  MREG_FUZZ_CHECK(text.find("..") == std::string_view::npos && text.find("//") == std::string_view::npos);
  // A valid name makes a tag that reads back as itself.
  const mreg::Version version{1, 2, 3, "rc.1"};
  const auto tag = mreg::parse_tag_name(mreg::deprecation_tag_name(text, version));
  MREG_FUZZ_CHECK(tag && tag->model == text && tag->version == version && tag->deprecation);
}

void check_ref(std::string_view text) {
  mreg::ModelRef ref;
  try {
    ref = mreg::ModelRef::parse(text);
  } catch (const mreg::Error&) {
    return;
  }
  MREG_FUZZ_CHECK(!mreg::model_name_problem(ref.name));
  MREG_FUZZ_CHECK(ref.version.has_value() == (ref.kind == mreg::ModelRef::Kind::version));
  if (ref.kind == mreg::ModelRef::Kind::stage) MREG_FUZZ_CHECK(!mreg::stage_name_problem(ref.stage));
  const std::string canonical = ref.str();
  const mreg::ModelRef again = mreg::ModelRef::parse(canonical);
  MREG_FUZZ_CHECK(again.name == ref.name && again.kind == ref.kind && again.version == ref.version &&
                  again.stage == ref.stage && again.str() == canonical);
}

std::optional<mreg::Version> check_version(std::string_view text) {
  const std::optional<mreg::Version> version = mreg::Version::parse(text);
  bool thrown = false;
  try {
    MREG_FUZZ_CHECK(mreg::Version::parse_or_throw(text, "fuzz") == version);
  } catch (const mreg::Error&) {
    thrown = true;
  }
  MREG_FUZZ_CHECK(thrown != version.has_value());
  if (!version) return std::nullopt;
  // No leading zeros and no build metadata: the printed form is the text itself.
  MREG_FUZZ_CHECK(version->str() == (text.starts_with('v') ? text.substr(1) : text));
  MREG_FUZZ_CHECK(mreg::Version::parse(version->str()) == version);
  MREG_FUZZ_CHECK((*version <=> *version) == std::strong_ordering::equal);
  for (const auto bump : {mreg::Bump::major, mreg::Bump::minor, mreg::Bump::patch}) {
    try {
      MREG_FUZZ_CHECK(version->bumped(bump) > *version);
    } catch (const mreg::Error&) {  // a part at 2^64 - 1
    }
  }
  return version;
}

void check_tag(std::string_view text) {
  const auto tag = mreg::parse_tag_name(text);
  if (!tag) return;
  MREG_FUZZ_CHECK(!mreg::model_name_problem(tag->model));
  const std::string rebuilt = tag->deprecation ? mreg::deprecation_tag_name(tag->model, tag->version)
                                               : mreg::version_tag_name(tag->model, tag->version);
  MREG_FUZZ_CHECK(rebuilt == text);
}

void check_order(const mreg::Version& a, const mreg::Version& b) {
  const auto ab = a <=> b;
  const auto ba = b <=> a;
  MREG_FUZZ_CHECK((ab == std::strong_ordering::less) == (ba == std::strong_ordering::greater));
  MREG_FUZZ_CHECK((ab == std::strong_ordering::equal) == (a == b));
  MREG_FUZZ_CHECK((ab == std::strong_ordering::equal) == (a.str() == b.str()));
  // A release ranks above its own prereleases.
  if (a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.is_prerelease() != b.is_prerelease()) {
    MREG_FUZZ_CHECK((ab == std::strong_ordering::less) == a.is_prerelease());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_name(text);
  mreg::stage_name_problem(text);
  mreg::artifact_path_problem(text);
  check_ref(text);
  check_tag(text);
  check_version(text);

  if (const std::size_t newline = text.find('\n'); newline != std::string_view::npos) {
    const auto first = check_version(text.substr(0, newline));
    const auto second = check_version(text.substr(newline + 1));
    if (first && second) check_order(*first, *second);
  }
  return 0;
}
