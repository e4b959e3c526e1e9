#include "git/tree_path.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg::git {
namespace {

bool is_dot_git(std::string_view segment) {
  return segment.size() == 4 && std::equal(segment.begin(), segment.end(), ".git", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

[[noreturn]] void refuse(std::string_view path, std::string_view what, std::string_view rule) {
  throw Error(ErrorCode::invalid, fmt::format("invalid {} \"{}\": {}", what, path, rule));
}

}  // namespace

std::string checked_tree_path(std::string_view path, std::string_view what, bool is_directory) {
  std::string_view clean = path;
  if (is_directory && clean.size() > 1 && clean.back() == '/') clean.remove_suffix(1);
  if (clean.empty()) refuse(path, what, "the path is empty");
  if (clean.front() == '/') refuse(path, what, "the path must be relative");
  if (clean.find('\0') != std::string_view::npos) refuse(path, what, "the path contains a NUL byte");
  std::size_t start = 0;
  while (start <= clean.size()) {
    const std::size_t end = std::min(clean.find('/', start), clean.size());
    const std::string_view segment = clean.substr(start, end - start);
    if (segment.empty()) refuse(path, what, "the path has an empty segment");
    if (segment == "." || segment == "..") refuse(path, what, "\".\" and \"..\" are not allowed");
    if (is_dot_git(segment)) refuse(path, what, "\".git\" is not allowed");
    start = end + 1;
  }
  return std::string(clean);
}

}  // namespace mreg::git
