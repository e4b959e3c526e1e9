#include "mreg/manifest.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr std::string_view k_magic = "mreg-manifest 1";

class LineReader {
 public:
  LineReader(std::string_view text, std::string_view where) : m_text(text), m_where(where) {}

  bool done() const { return m_offset == m_text.size(); }

  std::string_view next() {
    const std::size_t end = m_text.find('\n', m_offset);
    ++m_line;
    if (end == std::string_view::npos) fail("the last line does not end in a newline");
    auto line = m_text.substr(m_offset, end - m_offset);
    m_offset = end + 1;
    return line;
  }

  [[noreturn]] void fail(std::string_view problem) const {
    // An empty manifest fails before any line was read: it is line 1 that is missing.
    throw Error(ErrorCode::corrupt, fmt::format("manifest {}: line {}: {}", m_where, std::max<std::size_t>(m_line, 1), problem),
                "the manifest was damaged or not written by mreg; fetch it again from a remote");
  }

 private:
  std::string_view m_text;
  std::string_view m_where;
  std::size_t m_offset = 0;
  std::size_t m_line = 0;
};

std::uint64_t parse_size(std::string_view text, const LineReader& reader) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || (text.size() > 1 && text[0] == '0')) {
    reader.fail(fmt::format("expected a size in decimal digits, found {:?}", text));
  }
  return value;
}

// "<keyword> xxh128:<hex> <size>"
ManifestChunk parse_record(std::string_view line, std::string_view keyword, const LineReader& reader) {
  if (!line.starts_with(keyword) || line.size() <= keyword.size() || line[keyword.size()] != ' ') {
    reader.fail(fmt::format("expected \"{} xxh128:<hex> <size>\", found {:?}", keyword, line));
  }
  line.remove_prefix(keyword.size() + 1);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) reader.fail(fmt::format("expected a digest and a size, found {:?}", line));
  const auto digest = Digest::from_id(line.substr(0, space));
  if (!digest) reader.fail(fmt::format("expected xxh128:<32 lowercase hex digits>, found {:?}", line.substr(0, space)));
  return {*digest, parse_size(line.substr(space + 1), reader)};
}

}  // namespace

std::string format_manifest(const Manifest& manifest) {
  std::string text = fmt::format("{}\nfile {} {}\n", k_magic, manifest.file.id(), manifest.size);
  for (const auto& chunk : manifest.chunks) text += fmt::format("chunk {} {}\n", chunk.digest.id(), chunk.size);
  return text;
}

Manifest parse_manifest(std::string_view text, std::string_view where) {
  LineReader reader(text, where);
  if (reader.done() || reader.next() != k_magic) reader.fail(fmt::format("expected \"{}\"", k_magic));
  if (reader.done()) reader.fail("expected the \"file\" line");
  const auto file = parse_record(reader.next(), "file", reader);
  Manifest manifest{file.digest, file.size, {}};
  std::uint64_t total = 0;
  while (!reader.done()) {
    const auto chunk = parse_record(reader.next(), "chunk", reader);
    if (chunk.size == 0 || chunk.size > k_max_object_size) {
      reader.fail(fmt::format("a chunk holds 1 to {} bytes, this one {}", k_max_object_size, chunk.size));
    }
    total += chunk.size;
    if (total > manifest.size) reader.fail(fmt::format("the chunks add up to more than the file's {} bytes", manifest.size));
    manifest.chunks.push_back(chunk);
  }
  if (manifest.chunks.empty()) reader.fail("no chunks listed");
  if (total != manifest.size) {
    reader.fail(fmt::format("the chunks add up to {} bytes, the file has {}", total, manifest.size));
  }
  return manifest;
}

}  // namespace mreg
