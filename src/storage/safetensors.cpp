#include "storage/safetensors.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace mreg::safetensors {
namespace {

constexpr std::uint64_t k_length_bytes = 8;

struct DtypeSize {
  std::string_view name;
  std::uint64_t bytes;
};

// The dtypes of safetensors 0.4. Newer sub-byte types (F4, F6_*, F8_E8M0)
// are left out until their packing is settled; files using them fall back
// to plain chunking, which is correct, only less clever.
constexpr std::array<DtypeSize, 15> k_dtypes{{
    {"BOOL", 1},
    {"U8", 1},
    {"I8", 1},
    {"F8_E5M2", 1},
    {"F8_E4M3", 1},
    {"I16", 2},
    {"U16", 2},
    {"F16", 2},
    {"BF16", 2},
    {"I32", 4},
    {"U32", 4},
    {"F32", 4},
    {"F64", 8},
    {"I64", 8},
    {"U64", 8},
}};

template <class T>
Parsed<T> failure(std::string message) {
  return Parsed<T>{std::nullopt, std::move(message)};
}

// A tensor entry as the header states it; the checks that need numbers from
// outside the JSON (the data buffer's length) come after parsing.
struct Entry {
  std::string name;
  std::optional<std::string> dtype;
  std::optional<std::vector<std::uint64_t>> shape;
  std::optional<std::vector<std::uint64_t>> offsets;
};

// Reads the header through nlohmann's SAX interface rather than into a
// json value: the document is checked against the one shape it may have
// while it is read, so a hostile header stops at its first wrong token.
// In particular nesting can never go deeper than root → tensor → shape; a
// header of 100,000 '[' ends at the first one, and no JSON tree is built.
class HeaderReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<Entry> entries;
  std::string error;  // set when a callback refused, or the JSON is malformed

  bool null() override { return unexpected("null"); }
  bool boolean(bool value) override { return unexpected(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override {
    if (value >= 0) return number_unsigned(static_cast<number_unsigned_t>(value));
    return unexpected(std::to_string(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (m_where == Where::shape) {
      entries.back().shape->push_back(value);
      return true;
    }
    if (m_where == Where::offsets && entries.back().offsets->size() < 2) {
      entries.back().offsets->push_back(value);
      return true;
    }
    return unexpected(std::to_string(value));
  }
  bool number_float(number_float_t, const string_t& text) override { return unexpected(text); }
  bool binary(binary_t&) override { return unexpected("binary data"); }

  bool string(string_t& value) override {
    if (m_where == Where::metadata_value) {
      m_where = Where::metadata;
      return true;
    }
    if (m_where == Where::dtype) {
      entries.back().dtype = std::move(value);
      m_where = Where::tensor;
      return true;
    }
    return unexpected("a string");
  }

  bool start_object(std::size_t) override {
    switch (m_where) {
      case Where::before_root: m_where = Where::root; return true;
      case Where::before_metadata: m_where = Where::metadata; return true;
      case Where::before_tensor: m_where = Where::tensor; return true;
      default: return unexpected("an object");
    }
  }

  bool key(string_t& name) override {
    switch (m_where) {
      case Where::root: return root_key(name);
      case Where::metadata: m_where = Where::metadata_value; return true;
      case Where::tensor: return tensor_key(name);
      default: return unexpected("a key");  // unreachable: keys only occur in objects
    }
  }

  bool end_object() override {
    switch (m_where) {
      case Where::root: m_where = Where::done; return true;
      case Where::metadata: m_where = Where::root; return true;
      case Where::tensor: return end_tensor();
      default: return unexpected("the end of an object");
    }
  }

  bool start_array(std::size_t) override {
    if (m_where == Where::before_shape) {
      entries.back().shape.emplace();
      m_where = Where::shape;
      return true;
    }
    if (m_where == Where::before_offsets) {
      entries.back().offsets.emplace();
      m_where = Where::offsets;
      return true;
    }
    return unexpected("an array");
  }

  bool end_array() override {
    if (m_where == Where::shape) {
      m_where = Where::tensor;
      return true;
    }
    if (m_where == Where::offsets && entries.back().offsets->size() == 2) {
      m_where = Where::tensor;
      return true;
    }
    return unexpected("the end of the array");
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    // nlohmann's own message quotes the offending bytes, which may be
    // binary garbage; the position is all a reader needs.
    if (error.empty()) error = fmt::format("header is not valid JSON: syntax error near byte {}", position);
    return false;
  }

 private:
  enum class Where {
    before_root,
    root,
    before_metadata,
    metadata,
    metadata_value,
    before_tensor,
    tensor,
    dtype,
    before_shape,
    shape,
    before_offsets,
    offsets,
    done,
  };

  bool root_key(const std::string& name) {
    if (name == "__metadata__") {
      if (m_seen_metadata) return fail("\"__metadata__\" appears twice");
      m_seen_metadata = true;
      m_where = Where::before_metadata;
      return true;
    }
    entries.push_back(Entry{name, {}, {}, {}});
    m_where = Where::before_tensor;
    return true;
  }

  bool tensor_key(const std::string& name) {
    Entry& entry = entries.back();
    const auto claim = [&](bool already_seen, Where next) {
      if (already_seen) return fail(fmt::format("tensor \"{}\": \"{}\" appears twice", entry.name, name));
      m_where = next;
      return true;
    };
    if (name == "dtype") return claim(entry.dtype.has_value(), Where::dtype);
    if (name == "shape") return claim(entry.shape.has_value(), Where::before_shape);
    if (name == "data_offsets") return claim(entry.offsets.has_value(), Where::before_offsets);
    return fail(fmt::format("tensor \"{}\": unknown key \"{}\"", entry.name, name));
  }

  bool end_tensor() {
    const Entry& entry = entries.back();
    for (const auto& [present, key] :
         {std::pair{entry.dtype.has_value(), "dtype"}, std::pair{entry.shape.has_value(), "shape"},
          std::pair{entry.offsets.has_value(), "data_offsets"}}) {
      if (!present) return fail(fmt::format("tensor \"{}\" has no \"{}\"", entry.name, key));
    }
    m_where = Where::root;
    return true;
  }

  // What the current position requires, for the message when it is not met.
  std::string requirement() const {
    const std::string tensor = entries.empty() ? std::string() : "tensor \"" + entries.back().name + "\"";
    switch (m_where) {
      case Where::before_root: return "the header must be a JSON object";
      case Where::before_metadata: return "\"__metadata__\" must be an object";
      case Where::metadata_value: return "\"__metadata__\" values must be strings";
      case Where::before_tensor: return tensor + " must be an object";
      case Where::dtype: return tensor + ": \"dtype\" must be a string";
      case Where::before_shape:
      case Where::shape: return tensor + ": \"shape\" must be an array of non-negative integers";
      case Where::before_offsets:
      case Where::offsets: return tensor + ": \"data_offsets\" must be an array of two non-negative integers";
      default: return "the header must be a JSON object of tensors";
    }
  }

  bool unexpected(std::string_view found) { return fail(fmt::format("{}, found {}", requirement(), found)); }

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  Where m_where = Where::before_root;
  bool m_seen_metadata = false;
};

// n × m, or nullopt when it does not fit in 64 bits.
std::optional<std::uint64_t> checked_product(std::uint64_t n, std::uint64_t m) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(n, m, &product)) return std::nullopt;
  return product;
}

// Checks one entry against its dtype and the data buffer's length and turns
// its offsets into file offsets.
Parsed<Tensor> to_tensor(Entry entry, std::uint64_t header_size, std::uint64_t buffer_size) {
  const std::string& name = entry.name;
  const std::optional<std::uint64_t> element_size = dtype_size(*entry.dtype);
  if (!element_size) return failure<Tensor>(fmt::format("tensor \"{}\": unknown dtype \"{}\"", name, *entry.dtype));

  std::optional<std::uint64_t> size = element_size;
  for (const std::uint64_t extent : *entry.shape) {
    if (size) size = checked_product(*size, extent);
  }
  if (!size) {
    return failure<Tensor>(fmt::format("tensor \"{}\": shape [{}] of {} is more than 2^64 bytes", name,
                                       fmt::join(*entry.shape, ", "), *entry.dtype));
  }

  const std::uint64_t begin = (*entry.offsets)[0];
  const std::uint64_t end = (*entry.offsets)[1];
  if (begin > end) {
    return failure<Tensor>(fmt::format("tensor \"{}\": data_offsets [{}, {}] end before they begin", name, begin, end));
  }
  if (end > buffer_size) {
    return failure<Tensor>(
        fmt::format("tensor \"{}\": data_offsets [{}, {}] run past the end of the file "
                    "(the data buffer holds {} bytes)",
                    name, begin, end, buffer_size));
  }
  if (end - begin != *size) {
    return failure<Tensor>(
        fmt::format("tensor \"{}\": data_offsets [{}, {}] hold {} bytes, but shape [{}] of {} "
                    "needs {}",
                    name, begin, end, end - begin, fmt::join(*entry.shape, ", "), *entry.dtype, *size));
  }
  return Parsed<Tensor>{Tensor{std::move(entry.name), std::move(*entry.dtype), std::move(*entry.shape),
                               header_size + begin, header_size + end},
                        {}};
}

// The specification requires the tensors to fill the data buffer exactly:
// sorted by offset, each begins where the previous one ends and the last
// ends at the end of the file. Anything else is either an overlap, which
// would let two tensors alias, or a hole, which hides bytes no one reads.
std::string check_tiling(const std::vector<Tensor>& tensors, std::uint64_t header_size, std::uint64_t file_size) {
  std::uint64_t covered = header_size;
  const Tensor* previous = nullptr;
  for (const Tensor& tensor : tensors) {
    if (tensor.begin < covered) {
      return fmt::format("tensors \"{}\" and \"{}\" overlap", previous->name, tensor.name);
    }
    if (tensor.begin > covered) {
      return fmt::format("data buffer has a hole: bytes [{}, {}) of the file belong to no tensor", covered,
                         tensor.begin);
    }
    covered = tensor.end;
    previous = &tensor;
  }
  if (covered != file_size) {
    return fmt::format("data buffer has a hole: bytes [{}, {}) of the file belong to no tensor", covered, file_size);
  }
  return {};
}

std::string check_unique_names(const std::vector<Tensor>& tensors) {
  std::vector<std::string_view> names;
  names.reserve(tensors.size());
  for (const Tensor& tensor : tensors) names.push_back(tensor.name);
  std::sort(names.begin(), names.end());
  const auto repeated = std::adjacent_find(names.begin(), names.end());
  if (repeated != names.end()) return fmt::format("tensor \"{}\" appears twice", *repeated);
  return {};
}

Parsed<Layout> parse_unguarded(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size) {
  Parsed<std::uint64_t> size = header_size(first_bytes, file_size);
  if (!size.value) return failure<Layout>(std::move(size.error));
  const std::uint64_t header_end = *size.value;
  if (first_bytes.size() < header_end) {
    return failure<Layout>(
        fmt::format("header needs the first {} bytes of the file, {} were read", header_end, first_bytes.size()));
  }

  const std::span<const std::uint8_t> json = first_bytes.subspan(k_length_bytes, header_end - k_length_bytes);
  HeaderReader reader;
  const char* text = reinterpret_cast<const char*>(json.data());
  if (!nlohmann::json::sax_parse(text, text + json.size(), &reader)) {
    return failure<Layout>(reader.error.empty() ? "header is not valid JSON" : std::move(reader.error));
  }

  Layout layout;
  layout.header_size = header_end;
  layout.tensors.reserve(reader.entries.size());
  for (Entry& entry : reader.entries) {
    Parsed<Tensor> tensor = to_tensor(std::move(entry), header_end, file_size - header_end);
    if (!tensor.value) return failure<Layout>(std::move(tensor.error));
    layout.tensors.push_back(std::move(*tensor.value));
  }
  // Zero-length tensors sort before a tensor that begins at the same offset,
  // so they never count as overlapping it.
  std::sort(layout.tensors.begin(), layout.tensors.end(), [](const Tensor& a, const Tensor& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  if (std::string error = check_unique_names(layout.tensors); !error.empty()) return failure<Layout>(error);
  if (std::string error = check_tiling(layout.tensors, header_end, file_size); !error.empty()) {
    return failure<Layout>(error);
  }
  return Parsed<Layout>{std::move(layout), {}};
}

}  // namespace

std::optional<std::uint64_t> dtype_size(std::string_view dtype) {
  for (const DtypeSize& known : k_dtypes) {
    if (known.name == dtype) return known.bytes;
  }
  return std::nullopt;
}

Parsed<std::uint64_t> header_size(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size) {
  if (file_size < k_length_bytes || first_bytes.size() < k_length_bytes) {
    return failure<std::uint64_t>(
        fmt::format("file too short for a safetensors header: {} bytes, the length field alone takes 8",
                    std::min<std::uint64_t>(file_size, first_bytes.size())));
  }
  std::uint64_t json_size = 0;
  for (std::size_t i = 0; i < k_length_bytes; ++i) json_size |= std::uint64_t{first_bytes[i]} << (8 * i);
  if (json_size > max_header_json_size) {
    return failure<std::uint64_t>(fmt::format("header declares {} bytes of JSON, more than the {} safetensors allows",
                                              json_size, max_header_json_size));
  }
  if (json_size > file_size - k_length_bytes) {
    return failure<std::uint64_t>(fmt::format("header declares {} bytes of JSON, but only {} follow in the file",
                                              json_size, file_size - k_length_bytes));
  }
  return Parsed<std::uint64_t>{k_length_bytes + json_size, {}};
}

Parsed<Layout> parse(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size) {
  // Only std::bad_alloc can get here (a header near the size limit, on a
  // machine short of memory); reporting it as an unreadable header makes
  // the file fall back to plain chunking instead of failing the ingest.
  try {
    return parse_unguarded(first_bytes, file_size);
  } catch (const std::exception& error) {
    return failure<Layout>(fmt::format("cannot read the header: {}", error.what()));
  }
}

bool looks_like_safetensors(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size) {
  const Parsed<std::uint64_t> size = header_size(first_bytes, file_size);
  return size.value && *size.value > k_length_bytes && first_bytes.size() > k_length_bytes &&
         first_bytes[k_length_bytes] == '{';
}

}  // namespace mreg::safetensors
