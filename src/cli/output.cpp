#include "cli/output.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>
#include <ostream>

#include <fmt/format.h>

namespace mreg::cli {

namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

// Display width of `text` ignoring ANSI escape sequences; UTF-8 continuation
// bytes do not count, so accented names still line up.
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      while (i < text.size() && text[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace

Style Style::for_fd(ColorMode mode, int fd) {
  switch (mode) {
    case ColorMode::always: return Style(true);
    case ColorMode::never: return Style(false);
    case ColorMode::automatic: break;
  }
  if (env_set("NO_COLOR")) return Style(false);
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return Style(false);
  return Style(::isatty(fd) == 1);
}

std::string Style::wrap(std::string_view sgr, std::string_view text) const {
  if (!m_color) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", sgr, text);
}

void print_json(std::ostream& out, const nlohmann::ordered_json& value) {
  out << value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void Table::print(std::ostream& out, const Style& header_style) const {
  std::vector<std::size_t> widths;
  for (const auto& row : m_rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    const auto& row = m_rows[r];
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      line += r == 0 ? header_style.bold(row[c]) : row[c];
      if (!last) line.append(widths[c] - display_width(row[c]) + 2, ' ');
    }
    // An empty last cell would leave the padding of the one before it.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string iso8601(std::int64_t seconds, int offset_minutes) {
  const std::time_t local = static_cast<std::time_t>(seconds + std::int64_t{offset_minutes} * 60);
  std::tm tm{};
  ::gmtime_r(&local, &tm);
  const char sign = offset_minutes < 0 ? '-' : '+';
  const int offset = std::abs(offset_minutes);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, offset / 60, offset % 60);
}

std::string short_commit(std::string_view commit) { return std::string(commit.substr(0, 7)); }

std::string stored_bytes_text(std::uint64_t total, std::uint64_t new_bytes) {
  return fmt::format("{} new, {} deduplicated", human_bytes(new_bytes), human_bytes(total - new_bytes));
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) fmt::print(stderr, "mreg: warning: {}\n", warning);
}

}  // namespace mreg::cli
