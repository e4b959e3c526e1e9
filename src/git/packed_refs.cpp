#include "git/packed_refs.hpp"

#include <algorithm>

namespace mreg::git {
namespace {

constexpr std::size_t hex_length = 40;  // SHA-1, the only object format libgit2 1.5 reads

// The line starting at `start`, without its newline.
std::string_view line_at(std::string_view file, std::size_t start) {
  const std::size_t end = file.find('\n', start);
  return file.substr(start, (end == std::string_view::npos ? file.size() : end) - start);
}

std::size_t next_line(std::string_view file, std::size_t start) {
  const std::size_t end = file.find('\n', start);
  return end == std::string_view::npos ? file.size() : end + 1;
}

bool is_record(std::string_view line) {
  return line.size() > hex_length + 1 && line[hex_length] == ' ' &&
         std::all_of(line.begin(), line.begin() + hex_length,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string_view record_name(std::string_view line) { return line.substr(hex_length + 1); }

bool is_sorted_file(std::string_view file) {
  const std::string_view header = line_at(file, 0);
  // git's own test: the traits are space-separated and each is followed by a space.
  return header.starts_with("# pack-refs with:") && (std::string(header) + " ").find(" sorted ") != std::string::npos;
}

// The first line at or after `start` that is not a peeled line ("^<hex>"),
// which belongs to the record before it.
std::size_t skip_peeled(std::string_view file, std::size_t start, std::size_t end) {
  while (start < end && file[start] == '^') start = next_line(file, start);
  return start;
}

// Where the first record whose name is >= prefix starts (a lower bound over
// the lines of a sorted file), or somewhere before it.
std::size_t lower_bound(std::string_view file, std::string_view prefix) {
  std::size_t low = next_line(file, 0);  // past the header
  std::size_t high = file.size();
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    const std::size_t found = file.rfind('\n', middle == 0 ? 0 : middle - 1);
    const std::size_t line_start = found == std::string_view::npos || found + 1 < low ? low : found + 1;
    const std::size_t record = skip_peeled(file, line_start, high);
    if (record >= high) {
      high = line_start;  // only peeled lines between here and high
      continue;
    }
    const std::string_view line = line_at(file, record);
    if (is_record(line) && record_name(line) < prefix) {
      low = next_line(file, record);
    } else {
      high = line_start;
    }
  }
  return low;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> packed_refs_with_prefix(std::string_view file,
                                                                          std::string_view prefix) {
  const bool sorted = is_sorted_file(file);
  std::vector<std::pair<std::string, std::string>> refs;
  for (std::size_t at = sorted ? lower_bound(file, prefix) : 0; at < file.size(); at = next_line(file, at)) {
    const std::string_view line = line_at(file, at);
    if (!is_record(line)) continue;
    const std::string_view name = record_name(line);
    if (name.starts_with(prefix)) {
      refs.emplace_back(std::string(name), std::string(line.substr(0, hex_length)));
    } else if (sorted && name > prefix) {
      break;  // past every name that starts with the prefix
    }
  }
  return refs;
}

}  // namespace mreg::git
