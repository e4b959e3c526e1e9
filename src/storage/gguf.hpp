// Reads the layout of a GGUF file (llama.cpp's format) for the chunk planner:
// where its header ends and where each tensor's bytes begin (DESIGN §5).
//
// The format (ggml docs/gguf.md), little-endian: "GGUF", a u32 version (2 or
// 3 here; 1 is obsolete), u64 tensor count, u64 key/value count, the
// key/values (u64-length strings, u32 value types, arrays of a type and a u64
// count), then per tensor its name, u32 dimension count, u64 dimensions, u32
// ggml type and u64 offset relative to the data section, which starts at the
// next multiple of `general.alignment` (default 32) after the tensor infos.
//
// Only boundaries matter for chunking, so a tensor is taken to run from its
// offset to the next tensor's (or the end of the file): no table of
// quantized block sizes is needed, and padding goes with the tensor before
// it. The bytes are untrusted: every length and count is checked against the
// bytes at hand before it is used, nothing throws, and a file that fails is
// chunked by content with a warning naming what is wrong.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "storage/tensor_layout.hpp"

namespace mreg::gguf {

// Tokenizer vocabularies make headers of several MiB; more than this is not a model.
inline constexpr std::uint64_t max_header_size = 64ull << 20;

struct HeaderParse {
  Parsed<TensorLayout> layout;
  // The header runs past the bytes given but not past the file: read more
  // (at least `needed` bytes in all, when known, else twice as many) and parse again.
  bool truncated = false;
  std::uint64_t needed = 0;
  // With a layout: the key/values are [key_values_begin, key_values_end).
  static constexpr std::uint64_t key_values_begin = 24;
  std::uint64_t key_values_end = 0;
};

// `first_bytes` are the file's first bytes (any number); `file_size` its size.
HeaderParse parse(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size);

// The same for a file read through `read_prefix(n)` (its first n bytes):
// starts with 1 MiB and reads more only while the header runs on, up to
// max_header_size, past which the header is refused.
HeaderParse parse_file(const std::function<std::vector<std::uint8_t>(std::uint64_t)>& read_prefix,
                       std::uint64_t file_size);

// "GGUF" at the start: the file claims to be GGUF, so a failure is worth a warning.
bool has_magic(std::span<const std::uint8_t> first_bytes);

}  // namespace mreg::gguf
