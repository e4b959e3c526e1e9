#include "mreg/names.hpp"

#include <fmt/format.h>

#include "core/name_rules.hpp"
#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr std::size_t max_artifact_path_bytes = 4096;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_lower_alnum(c) || c == '.' || c == '_' || c == '-'; }

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const auto tail = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char c = tail[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

// Long inputs are shortened in messages so that a hostile argument cannot
// flood the terminal; the length is reported separately.
std::string quoted_prefix(std::string_view text) {
  constexpr std::size_t shown = 40;
  if (text.size() <= shown) return fmt::format("{:?}", text);
  return fmt::format("{:?}...", text.substr(0, shown));
}

}  // namespace

std::optional<std::string> name_segment_problem(std::string_view segment) {
  bool chars_ok = !segment.empty() && is_lower_alnum(segment.front()) && is_lower_alnum(segment.back());
  for (char c : segment) chars_ok = chars_ok && is_name_char(c);
  if (!chars_ok) {
    std::string problem = fmt::format(
        "segment {:?} must be lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
        segment);
    if (segment.find_first_of("@#") != std::string_view::npos) {
      problem += " ('@' and '#' separate a name from a version or a stage)";
    }
    return problem;
  }
  if (segment.find("..") != std::string_view::npos) {
    return fmt::format("segment {:?} contains \"..\", which git does not allow in ref names", segment);
  }
  if (ends_with_ignoring_case(segment, ".lock")) {
    return fmt::format("segment {:?} ends in \".lock\", which git reserves for its lock files", segment);
  }
  return std::nullopt;
}

std::optional<std::string> model_name_problem(std::string_view name) {
  if (name.empty()) {
    return std::string("invalid model name \"\": a name needs at least one segment of lowercase letters and digits");
  }
  if (name.size() > max_model_name_length) {
    return fmt::format("invalid model name {}: {} characters, at most {} are allowed", quoted_prefix(name),
                       name.size(), max_model_name_length);
  }
  if (name.front() == '/') return fmt::format("invalid model name {:?}: a name cannot start with '/'", name);
  if (name.back() == '/') return fmt::format("invalid model name {:?}: a name cannot end with '/'", name);
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const auto segment = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) {
      return fmt::format("invalid model name {:?}: empty segment (\"//\"); segments are separated by one '/'", name);
    }
    if (auto problem = name_segment_problem(segment)) {
      return fmt::format("invalid model name {:?}: {}", name, *problem);
    }
    if (slash == std::string_view::npos) return std::nullopt;
    start = slash + 1;
  }
}

void check_model_name(std::string_view name) {
  if (auto problem = model_name_problem(name)) throw Error(ErrorCode::invalid, *problem);
}

std::optional<std::string> artifact_path_problem(std::string_view path) {
  if (path.empty()) return std::string("the path is empty");
  if (path.size() > max_artifact_path_bytes) {
    return fmt::format("path {} is {} bytes long, at most {} are allowed", quoted_prefix(path), path.size(),
                       max_artifact_path_bytes);
  }
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return fmt::format("path {:?} contains a control character; paths are plain file names", path);
    }
    if (c == '\\') {
      return fmt::format("path {:?} contains '\\'; artifact paths separate directories with '/'", path);
    }
  }
  if (path.front() == '/') {
    return fmt::format("path {:?} is absolute; artifact paths are relative to the model's directory", path);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const auto segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) {
      return fmt::format("path {:?} has an empty segment (\"//\" or a trailing '/'); paths must be normalized", path);
    }
    if (segment == "." || segment == "..") {
      return fmt::format("path {:?} has a {:?} segment; paths must be normalized and stay inside the model's directory",
                         path, segment);
    }
    // Case-insensitive: on macOS and Windows ".GIT" is the same directory.
    if (segment.size() == 4 && ends_with_ignoring_case(segment, ".git")) {
      return fmt::format("path {:?} has a {:?} segment, which git reserves for itself", path, segment);
    }
    if (slash == std::string_view::npos) return std::nullopt;
    start = slash + 1;
  }
}

}  // namespace mreg
