// Reads the layout of a safetensors file: where its header ends and where
// each tensor's bytes lie. The chunk planner uses it to cut chunks at tensor
// boundaries (DESIGN §5).
//
// The format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian N, then N bytes of UTF-8 JSON (an object, possibly padded
// with trailing spaces), then the data buffer. Each header entry maps a
// tensor name to {"dtype", "shape", "data_offsets": [begin, end]}, offsets
// relative to the data buffer; "__metadata__", if present, maps strings to
// strings.
//
// Any file may be called *.safetensors, so the bytes are untrusted: parsing
// never throws, never crashes, and never holds more than the header and the
// tensor list in memory. A file that fails any check is reported with a
// message naming what is wrong, and is then chunked as plain content. The
// checks are those of the reference implementation and a little stricter:
// known dtypes only, sizes that agree with shapes, tensors that tile the
// data buffer exactly (no overlaps, no holes), no duplicate or unknown keys.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/tensor_layout.hpp"

namespace mreg::safetensors {

// The reference implementation refuses larger headers; so do we.
inline constexpr std::uint64_t max_header_json_size = 100'000'000;

// Tensors tile [header_size, file size) exactly; header_size is 8 + N.
using Tensor = TensorRange;
using Layout = TensorLayout;
using mreg::Parsed;

// How many leading bytes parse() needs, 8 + N, read from the first 8 bytes.
// An error when fewer than 8 bytes are given or the file is shorter, when N
// exceeds max_header_json_size or runs past the end of the file.
Parsed<std::uint64_t> header_size(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size);

// The layout of a file of `file_size` bytes that begins with `first_bytes`
// (at least header_size() of them; more are ignored).
Parsed<Layout> parse(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size);

// Cheap sniff, without parsing the JSON: N is plausible and the header
// starts with '{'. A true answer still needs parse() to be believed.
bool looks_like_safetensors(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size);

// Bytes per element of a dtype name, nullopt for names this parser does not
// know (new or exotic dtypes make the file fall back to plain chunking).
std::optional<std::uint64_t> dtype_size(std::string_view dtype);

}  // namespace mreg::safetensors
