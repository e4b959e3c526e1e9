// Printing for the command line: JSON, aligned tables, sizes, times, color.
//
// Everything a command prints to stdout goes through these helpers so that
// the formats stay the same across commands: JSON with a 2-space indent,
// tables whose columns line up, sizes as "12.3 MiB", times as ISO-8601 with
// the author's offset. Color is used only when it is asked for (--color
// always) or when stdout is a terminal and NO_COLOR is not set.
#pragma once

#include "util/byte_size.hpp"  // human_bytes, for every command

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mreg::cli {

enum class ColorMode { automatic, always, never };

// ANSI styling that turns into plain text when color is off.
class Style {
 public:
  Style() = default;
  explicit Style(bool color) : m_color(color) {}

  // Whether `fd` should get color under `mode` (NO_COLOR and TERM=dumb
  // switch off the automatic mode, not an explicit --color always).
  static Style for_fd(ColorMode mode, int fd);

  bool enabled() const { return m_color; }
  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }
  std::string green(std::string_view text) const { return wrap("32", text); }
  std::string yellow(std::string_view text) const { return wrap("33", text); }
  std::string red(std::string_view text) const { return wrap("1;31", text); }

 private:
  std::string wrap(std::string_view sgr, std::string_view text) const;
  bool m_color = false;
};

// Prints `value` with a 2-space indent and a final newline. Invalid UTF-8
// (from a file name, say) is replaced rather than aborting the output.
void print_json(std::ostream& out, const nlohmann::ordered_json& value);

// A table printed with its columns aligned; cells may contain ANSI escapes
// (their width is computed without them). The last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { m_rows.push_back(std::move(header)); }
  void add_row(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  // `header_style` is applied to the header row.
  void print(std::ostream& out, const Style& header_style) const;

 private:
  std::vector<std::vector<std::string>> m_rows;
};


// "12.0 MiB new, 1012.0 MiB deduplicated": what a store call wrote and saved.
std::string stored_bytes_text(std::uint64_t total, std::uint64_t new_bytes);

// Each as "mreg: warning: ..." on stderr.
void print_warnings(const std::vector<std::string>& warnings);

// ISO-8601 in the given offset: "2026-11-27T22:53:00+01:00".
std::string iso8601(std::int64_t seconds, int offset_minutes);

// The first 7 hex digits of a commit id, as git abbreviates it.
std::string short_commit(std::string_view commit);

}  // namespace mreg::cli
