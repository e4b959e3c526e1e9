#include "storage/gguf.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace mreg::gguf {
namespace {

constexpr std::uint32_t default_alignment = 32;
constexpr std::uint32_t max_dimensions = 4;       // GGML_MAX_DIMS
constexpr std::uint64_t max_tensor_name = 64;      // the spec's limit
constexpr int max_array_nesting = 4;
// Real models have a few thousand; the bound keeps a hostile count from
// filling memory with tensor infos.
constexpr std::uint64_t max_tensors = 1 << 18;

enum ValueType : std::uint32_t {
  u8 = 0, i8, u16, i16, u32, i32, f32, boolean, string, array, u64, i64, f64,
};

// Size of a fixed-size value type, 0 for string, array and unknown types.
std::uint64_t fixed_size(std::uint32_t type) {
  switch (type) {
    case u8: case i8: case boolean: return 1;
    case u16: case i16: return 2;
    case u32: case i32: case f32: return 4;
    case u64: case i64: case f64: return 8;
    default: return 0;
  }
}

std::string ggml_type_name(std::uint32_t type) {
  static constexpr std::array<std::string_view, 31> names = {
      "F32",  "F16",  "Q4_0", "Q4_1", "",      "",       "Q5_0",    "Q5_1",   "Q8_0",  "Q8_1",   "Q2_K",
      "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K",  "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
      "IQ2_S", "IQ4_XS", "I8", "I16", "I32",   "I64",     "F64",    "IQ1_M",  "BF16"};
  if (type < names.size() && !names[type].empty()) return std::string(names[type]);
  return fmt::format("ggml type {}", type);
}

// A reader over the bytes at hand. Reading past them stops the parse: the
// header is truncated when the file goes on, malformed when it does not.
class Reader {
 public:
  Reader(std::span<const std::uint8_t> bytes, std::uint64_t file_size) : m_bytes(bytes), m_file_size(file_size) {}

  bool ok() const { return !m_short && m_error.empty(); }
  bool ran_short() const { return m_short; }
  const std::string& error() const { return m_error; }
  std::uint64_t position() const { return m_pos; }
  std::uint64_t needed() const { return m_needed; }

  void fail(std::string message) {
    if (ok()) m_error = std::move(message);
  }

  template <class T>
  T number() {
    T value{};
    if (take(sizeof(T))) std::memcpy(&value, m_bytes.data() + m_pos - sizeof(T), sizeof(T));
    return value;
  }

  std::string_view text(std::string_view what, std::uint64_t max_length) {
    const auto length = number<std::uint64_t>();
    if (!ok()) return {};
    if (length > max_length) {
      fail(fmt::format("{} of {} bytes at offset {} (at most {})", what, length, m_pos - 8, max_length));
      return {};
    }
    if (!take(length)) return {};
    return {reinterpret_cast<const char*>(m_bytes.data() + m_pos - length), static_cast<std::size_t>(length)};
  }

  bool skip(std::uint64_t count) { return take(count); }

 private:
  bool take(std::uint64_t count) {
    if (!ok()) return false;
    if (count > m_bytes.size() - m_pos) {
      // Past the end of the file is malformed; past the bytes given, not yet known.
      if (count > m_file_size - std::min<std::uint64_t>(m_pos, m_file_size)) {
        fail(fmt::format("the header runs past the end of the file at offset {}", m_pos));
      } else {
        m_short = true;
        m_needed = m_pos + count;  // <= the file size, checked above
      }
      return false;
    }
    m_pos += count;
    return true;
  }

  std::span<const std::uint8_t> m_bytes;
  std::uint64_t m_file_size;
  std::uint64_t m_pos = 0;
  bool m_short = false;
  std::uint64_t m_needed = 0;
  std::string m_error;
};

// Skips one value of `type`; arrays of arrays are allowed a few levels deep.
void skip_value(Reader& in, std::uint32_t type, int depth) {
  if (const std::uint64_t size = fixed_size(type)) {
    in.skip(size);
  } else if (type == string) {
    in.text("a string", max_header_size);
  } else if (type == array) {
    if (depth >= max_array_nesting) return in.fail(fmt::format("arrays nested more than {} deep", max_array_nesting));
    const auto element_type = in.number<std::uint32_t>();
    const auto count = in.number<std::uint64_t>();
    if (!in.ok()) return;
    if (const std::uint64_t element_size = fixed_size(element_type)) {
      if (count > max_header_size / element_size) {
        return in.fail(fmt::format("an array of {} values at offset {}", count, in.position()));
      }
      in.skip(count * element_size);
      return;
    }
    if (element_type != string && element_type != array) {
      return in.fail(fmt::format("unknown array element type {} at offset {}", element_type, in.position()));
    }
    // Each element takes at least 8 bytes, so the loop ends within the header's bytes.
    for (std::uint64_t i = 0; i < count && in.ok(); ++i) skip_value(in, element_type, depth + 1);
  } else {
    in.fail(fmt::format("unknown value type {} at offset {}", type, in.position()));
  }
}

struct TensorInfo {
  TensorRange range;
  std::uint64_t offset = 0;
};

HeaderParse finish(Reader& in, std::uint64_t given) {
  HeaderParse result;
  if (in.ran_short()) {
    result.truncated = true;
    result.needed = std::max(in.needed(), given * 2);
    result.layout.error = "the header runs past the bytes read";
  } else {
    result.layout.error = in.error();
  }
  return result;
}

}  // namespace

bool has_magic(std::span<const std::uint8_t> first_bytes) {
  return first_bytes.size() >= 4 && std::memcmp(first_bytes.data(), "GGUF", 4) == 0;
}

HeaderParse parse(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size) {
  const std::span<const std::uint8_t> bytes =
      first_bytes.first(static_cast<std::size_t>(std::min<std::uint64_t>(first_bytes.size(), file_size)));
  Reader in(bytes, file_size);
  if (!has_magic(bytes)) {
    in.fail("no GGUF magic");
    return finish(in, bytes.size());
  }
  in.skip(4);
  const auto version = in.number<std::uint32_t>();
  if (in.ok() && version != 2 && version != 3) {
    in.fail(fmt::format("GGUF version {} (2 and 3 are read; big-endian files are not)", version));
  }
  const auto tensor_count = in.number<std::uint64_t>();
  const auto kv_count = in.number<std::uint64_t>();
  if (in.ok() && tensor_count > max_tensors) {
    in.fail(fmt::format("{} tensors declared (at most {})", tensor_count, max_tensors));
  }

  std::uint32_t alignment = default_alignment;
  for (std::uint64_t i = 0; i < kv_count && in.ok(); ++i) {
    const std::string_view key = in.text("a key", 1 << 16);
    const auto type = in.number<std::uint32_t>();
    if (!in.ok()) break;
    if (key == "general.alignment") {
      if (type != u32) {
        in.fail("general.alignment is not a u32");
        break;
      }
      alignment = in.number<std::uint32_t>();
      if (in.ok() && (alignment == 0 || (alignment & (alignment - 1)) != 0)) {
        in.fail(fmt::format("general.alignment {} is not a power of two", alignment));
      }
      continue;
    }
    skip_value(in, type, 0);
  }

  const std::uint64_t key_values_end = in.position();
  std::vector<TensorInfo> infos;
  std::set<std::string_view> names;
  for (std::uint64_t i = 0; i < tensor_count && in.ok(); ++i) {
    const std::string_view name = in.text("a tensor name", max_tensor_name);
    const auto dimensions = in.number<std::uint32_t>();
    if (!in.ok()) break;
    if (dimensions > max_dimensions) {
      in.fail(fmt::format("tensor {:?} has {} dimensions (at most {})", name, dimensions, max_dimensions));
      break;
    }
    TensorInfo info;
    info.range.name = std::string(name);
    for (std::uint32_t d = 0; d < dimensions; ++d) info.range.shape.push_back(in.number<std::uint64_t>());
    info.range.dtype = ggml_type_name(in.number<std::uint32_t>());
    info.offset = in.number<std::uint64_t>();
    if (!in.ok()) break;
    if (!names.insert(name).second) in.fail(fmt::format("tensor {:?} appears twice", name));
    if (info.offset % alignment != 0) {
      in.fail(fmt::format("tensor {:?} at offset {} is not aligned to {}", name, info.offset, alignment));
    }
    infos.push_back(std::move(info));
  }
  if (!in.ok()) return finish(in, bytes.size());

  const std::uint64_t header_end = in.position();
  const std::uint64_t data_start = (header_end + alignment - 1) / alignment * alignment;
  if (data_start > file_size || data_start > max_header_size) {
    in.fail(fmt::format("the tensor data would start at offset {}, past {}", data_start,
                        data_start > file_size ? "the end of the file" : "64 MiB"));
    return finish(in, bytes.size());
  }
  std::stable_sort(infos.begin(), infos.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.offset < b.offset; });
  HeaderParse result;
  TensorLayout layout;
  layout.header_size = data_start;
  for (std::size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].offset > file_size - data_start) {
      result.layout.error = fmt::format("tensor {:?} starts at offset {}, past the end of the file",
                                        infos[i].range.name, data_start + infos[i].offset);
      return result;
    }
    TensorRange range = std::move(infos[i].range);
    range.begin = data_start + infos[i].offset;
    // To the next tensor that starts later, or to the end of the file.
    std::size_t next = i + 1;
    while (next < infos.size() && infos[next].offset == infos[i].offset) ++next;
    range.end = next < infos.size() ? std::min(data_start + infos[next].offset, file_size) : file_size;
    if (next > i + 1) range.end = range.begin;  // several tensors at one offset: all empty but the last
    layout.tensors.push_back(std::move(range));
  }
  result.layout.value = std::move(layout);
  result.key_values_end = key_values_end;
  return result;
}

HeaderParse parse_file(const std::function<std::vector<std::uint8_t>(std::uint64_t)>& read_prefix,
                       std::uint64_t file_size) {
  const std::uint64_t limit = std::min(file_size, max_header_size);
  std::uint64_t want = std::min<std::uint64_t>(limit, 1 << 20);
  for (;;) {
    HeaderParse parsed = parse(read_prefix(want), file_size);
    if (!parsed.truncated) return parsed;
    if (want >= limit) {
      parsed.truncated = false;
      parsed.layout.error = fmt::format("the header is larger than {} MiB", max_header_size >> 20);
      return parsed;
    }
    want = std::min(limit, parsed.needed);
  }
}

}  // namespace mreg::gguf
