#include "mreg/version.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr std::string_view accepted_form = "expected MAJOR.MINOR.PATCH[-PRERELEASE], e.g. 1.3.0 or v1.3.0-rc.1";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool is_numeric(std::string_view text) {
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return !text.empty();
}

// Parses one of MAJOR, MINOR, PATCH; returns the problem, if any.
std::optional<std::string> parse_number(std::string_view text, std::uint64_t& out) {
  if (!is_numeric(text)) return std::string(accepted_form);
  if (text.size() > 1 && text.front() == '0') {
    return fmt::format("{:?} has a leading zero, which SemVer does not allow", text);
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fmt::format("{:?} is larger than {}", text, std::numeric_limits<std::uint64_t>::max());
  }
  return std::nullopt;
}

std::optional<std::string> check_prerelease(std::string_view text) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const auto id = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) return fmt::format("prerelease {:?} has an empty identifier", text);
    for (char c : id) {
      if (!is_identifier_char(c)) {
        return fmt::format("prerelease {:?} may only hold letters, digits, '-' and '.'", text);
      }
    }
    if (id.size() > 1 && id.front() == '0' && is_numeric(id)) {
      return fmt::format("prerelease identifier {:?} has a leading zero, which SemVer does not allow", id);
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

// The parser behind parse() and parse_or_throw(): the version, or why not.
std::optional<std::string> parse_version(std::string_view text, Version& out) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  if (const auto plus = text.find('+'); plus != std::string_view::npos) {
    return fmt::format("build metadata ({:?}) is not supported; {}", text.substr(plus), accepted_form);
  }
  std::string_view core = text;
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    core = text.substr(0, dash);
    out.prerelease = std::string(text.substr(dash + 1));
    if (auto problem = check_prerelease(out.prerelease)) return problem;
  }
  std::uint64_t* parts[] = {&out.major, &out.minor, &out.patch};
  std::size_t start = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t dot = core.find('.', start);
    const bool last = i == 2;
    if (last != (dot == std::string_view::npos)) return std::string(accepted_form);
    const auto part = core.substr(start, last ? std::string_view::npos : dot - start);
    if (auto problem = parse_number(part, *parts[i])) return problem;
    start = dot + 1;
  }
  return std::nullopt;
}

// Numeric identifiers (no leading zeros) compare by length, then by digits,
// which works for any length and never overflows.
std::strong_ordering compare_identifiers(std::string_view a, std::string_view b) {
  const bool a_numeric = is_numeric(a);
  const bool b_numeric = is_numeric(b);
  if (a_numeric && b_numeric) {
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
  }
  if (a_numeric != b_numeric) return a_numeric ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

std::strong_ordering compare_prereleases(std::string_view a, std::string_view b) {
  // A release ranks above any of its prereleases.
  if (a.empty() || b.empty()) return a.empty() <=> b.empty();
  while (true) {
    const std::size_t a_dot = a.find('.');
    const std::size_t b_dot = b.find('.');
    if (auto order = compare_identifiers(a.substr(0, a_dot), b.substr(0, b_dot)); order != 0) return order;
    const bool a_more = a_dot != std::string_view::npos;
    const bool b_more = b_dot != std::string_view::npos;
    if (!a_more || !b_more) return a_more <=> b_more;
    a.remove_prefix(a_dot + 1);
    b.remove_prefix(b_dot + 1);
  }
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  Version version;
  if (parse_version(text, version)) return std::nullopt;
  return version;
}

Version Version::parse_or_throw(std::string_view text, std::string_view what) {
  Version version;
  if (auto problem = parse_version(text, version)) {
    throw Error(ErrorCode::invalid, fmt::format("{} {:?}: {}", what, text, *problem));
  }
  return version;
}

std::string Version::str() const {
  if (prerelease.empty()) return fmt::format("{}.{}.{}", major, minor, patch);
  return fmt::format("{}.{}.{}-{}", major, minor, patch, prerelease);
}

Version Version::bumped(Bump kind) const {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t part = kind == Bump::major ? major : kind == Bump::minor ? minor : patch;
  if (part == max) throw Error(ErrorCode::invalid, fmt::format("cannot bump {}: the number would overflow", str()));
  switch (kind) {
    case Bump::major: return Version{major + 1, 0, 0, {}};
    case Bump::minor: return Version{major, minor + 1, 0, {}};
    case Bump::patch: break;
  }
  return Version{major, minor, patch + 1, {}};
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
  if (auto order = a.major <=> b.major; order != 0) return order;
  if (auto order = a.minor <=> b.minor; order != 0) return order;
  if (auto order = a.patch <=> b.patch; order != 0) return order;
  return compare_prereleases(a.prerelease, b.prerelease);
}

Bump parse_bump(std::string_view text) {
  if (text == "major") return Bump::major;
  if (text == "minor") return Bump::minor;
  if (text == "patch") return Bump::patch;
  throw Error(ErrorCode::usage, fmt::format("--bump {:?}: expected major, minor or patch", text));
}

}  // namespace mreg
