// Where each chunk of a file ends: content-defined cuts, made tensor-aware
// when the file is a safetensors or GGUF file (DESIGN §5).
//
// A fine-tune rewrites whole tensors and leaves the rest alone, so for a
// safetensors or GGUF file the chunks follow its layout instead of its content:
//   - the header, [0, header_size), is a chunk of its own (several when it
//     is larger than max_size), so editing __metadata__ stores one small
//     chunk and `mreg diff` can read a header straight from the store;
//   - a tensor of at least min_size bytes starts a chunk, and is cut every
//     max_size bytes from its start, the last piece ending at its end;
//   - smaller ("tiny") tensors are grouped: a chunk that starts at one runs
//     over the tiny tensors after it while it stays within normal_size, and
//     never past the start of a tensor that is not tiny.
// Without a layout every cut is content-defined (chunker.hpp). Any bytes a
// layout leaves uncovered (safetensors::parse never leaves any) are chunked by content
// too, each stretch cut at the next tensor's start.
//
// Whatever the layout, the chunks are contiguous, cover [0, file_size) and
// are never longer than max_size. The planner is immutable after
// construction; its methods may be called from any number of threads. The
// rules above are part of the storage format, like the chunker's constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/tensor_layout.hpp"

namespace mreg::chunking {

class ChunkPlanner {
 public:
  // layout: the file's tensor layout (safetensors::parse, gguf::parse), or
  // nullopt for plain content-defined chunking.
  ChunkPlanner(std::uint64_t file_size, std::optional<TensorLayout> layout);

  // Length of the chunk that starts at file offset `pos` (a previous chunk's
  // end, 0 first); 0 only when pos >= file_size. `bytes` are the file's bytes
  // from pos on, at least bytes_needed(pos) of them; throws mreg::Error
  // (invalid) when given fewer, since a cut found in a truncated view would
  // not be the file's.
  std::uint64_t next_chunk(std::uint64_t pos, std::span<const std::uint8_t> bytes) const;

  // How many bytes from pos next_chunk() must see: 0 where the layout alone
  // decides, else min(max_size, bytes left before the next tensor or the end
  // of the file), which without a layout is min(max_size, file_size - pos).
  std::uint64_t bytes_needed(std::uint64_t pos) const;

 private:
  struct ByteRange {
    std::uint64_t begin;
    std::uint64_t end;
  };

  // Index of the first tensor that ends after pos (m_tensors.size() if none).
  std::size_t first_tensor_ending_after(std::uint64_t pos) const;
  bool holds(std::size_t tensor, std::uint64_t pos) const;
  // Where the stretch of uncovered bytes that holds pos ends, given the
  // first tensor ending after pos.
  std::uint64_t uncovered_end(std::size_t next_tensor) const;
  std::uint64_t tensor_chunk(std::size_t tensor, std::uint64_t pos) const;

  std::uint64_t m_file_size;
  std::uint64_t m_header_size = 0;
  std::vector<ByteRange> m_tensors;  // non-empty, sorted, disjoint, within [m_header_size, m_file_size)
};

}  // namespace mreg::chunking
