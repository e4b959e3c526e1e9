// Chunked ingest: storing a file larger than one object (DESIGN §5).
//
// One read of the input, constant memory (a 48 MiB ring), two threads:
//   reader  reads the file into the ring and finds the chunk boundaries
//           (chunk_planner.hpp: tensor-aware for safetensors and GGUF, else
//           content-defined), which is the expensive part for plain files;
//   caller  hashes each chunk, feeds the whole-file digest (and SHA-256),
//           and writes the chunks the store does not have yet.
// The manifest is written last, after every chunk is in place, so a reader
// that finds a manifest finds its chunks (until gc or damage says otherwise).
// The digests describe exactly the bytes that were read and stored, even if
// the file changes meanwhile; a file that shrinks while being read is an
// error, bytes appended after the size taken at the start are not stored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "mreg/digest.hpp"
#include "mreg/progress.hpp"
#include "storage/tensor_layout.hpp"

namespace mreg {

struct ChunkedIngest {
  Digest digest;
  std::uint64_t size = 0;
  std::uint64_t new_bytes = 0;  // bytes of chunks the store did not have
  std::size_t chunks = 0;
  bool manifest_is_new = false;
  std::optional<std::string> sha256;
};

// Stores the first `size` bytes of `fd` (read from offset 0) as chunks and a
// manifest in the store at `root`.
ChunkedIngest ingest_chunked(const std::filesystem::path& root, int fd, const std::filesystem::path& source,
                             std::uint64_t size, std::optional<TensorLayout> layout, bool sha256,
                             Progress& progress);

}  // namespace mreg
