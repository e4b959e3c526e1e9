#include "cli/terminal_progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "cli/output.hpp"

namespace mreg::cli {

namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr std::size_t bar_width = 24;

std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

TerminalProgress::TerminalProgress(bool enabled) : m_enabled(enabled && ::isatty(STDERR_FILENO) == 1) {}

TerminalProgress::~TerminalProgress() { erase(); }

void TerminalProgress::begin(std::string_view label, std::uint64_t total_bytes) {
  if (!m_enabled) return;
  m_label = std::string(label);
  m_total = total_bytes;
  m_done = 0;
  m_start = Clock::now();
  m_last_draw = m_start;
  draw();
}

void TerminalProgress::advance(std::uint64_t bytes) {
  if (!m_enabled) return;
  m_done += bytes;
  const auto now = Clock::now();
  if (now - m_last_draw < redraw_interval) return;
  m_last_draw = now;
  draw();
}

void TerminalProgress::end() { erase(); }

void TerminalProgress::draw() {
  const double seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
  const double rate = seconds > 0 ? static_cast<double>(m_done) / seconds / 1e6 : 0.0;
  std::string status;
  if (m_total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(m_done) / static_cast<double>(m_total));
    const auto filled = static_cast<std::size_t>(fraction * bar_width);
    status = fmt::format(" [{}{}] {:3.0f}% {} / {} {:.1f} MB/s", std::string(filled, '#'),
                         std::string(bar_width - filled, '.'), fraction * 100, human_bytes(m_done),
                         human_bytes(m_total), rate);
  } else {
    status = fmt::format(" {} {:.1f} MB/s", human_bytes(m_done), rate);
  }
  // Keep the whole line within the terminal so it never wraps: the label gives way.
  const std::size_t columns = terminal_columns();
  std::string label = m_label;
  const std::size_t room = columns > status.size() + 1 ? columns - status.size() - 1 : 0;
  if (label.size() > room) label = room > 3 ? "..." + label.substr(label.size() - (room - 3)) : "";
  const std::string line = "\r" + label + status + "\033[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  m_drawn = true;
}

void TerminalProgress::erase() {
  if (!m_drawn) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace mreg::cli
