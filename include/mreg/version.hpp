// Semantic versions (SemVer 2.0.0 without build metadata, DESIGN §2).
//
// MAJOR.MINOR.PATCH[-PRERELEASE]; numeric parts have no leading zeros and fit
// in 64 bits; prerelease identifiers are dot-separated [0-9A-Za-z-]+, numeric
// ones without leading zeros. Ordering is SemVer precedence (1.0.0-rc.1 <
// 1.0.0). The parser accepts an optional leading 'v' ("v1.3.0"); str() never
// prints it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mreg {

enum class Bump { major, minor, patch };

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::string prerelease;  // empty for a release

  static std::optional<Version> parse(std::string_view text);
  // Like parse(), but throws Error(invalid) naming `what` (e.g. "--version")
  // and showing the accepted form.
  static Version parse_or_throw(std::string_view text, std::string_view what);

  std::string str() const;  // "1.3.0" or "1.3.0-rc.1"
  bool is_prerelease() const { return !prerelease.empty(); }
  // The next version of the given kind; drops any prerelease part
  // (1.2.3 -> minor -> 1.3.0; 2.0.0-rc.1 -> patch -> 2.0.1).
  Version bumped(Bump kind) const;

  friend bool operator==(const Version&, const Version&) = default;
  friend std::strong_ordering operator<=>(const Version& a, const Version& b);
};

// "major" | "minor" | "patch" -> Bump; throws Error(usage) otherwise.
Bump parse_bump(std::string_view text);

}  // namespace mreg
