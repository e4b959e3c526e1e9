// Tensor-level comparison of two stored safetensors or GGUF files (DESIGN §6 `diff`).
//
// Both headers are read from the local store (with tensor-aware chunking a
// header is its own chunk), the tensors are matched by name, and a tensor
// whose dtype and shape agree is compared by the digests of the chunks that
// hold exactly its bytes, so the tensors' data is never read. Only tensors
// that share a chunk with others (tiny ones: biases, norms), and files stored
// as one object, have their bytes hashed.
#pragma once

#include <string>

#include "mreg/blob_store.hpp"
#include "mreg/diff.hpp"
#include "mreg/metadata.hpp"

namespace mreg {

// Fills change.tensors, or change.tensors_note saying why the tensors could
// not be compared, for a changed artifact that is a safetensors or GGUF file.
// Leaves other artifacts alone.
void compare_tensors(const BlobStore& store, const Artifact& before, const Artifact& after, ArtifactChange& change);

}  // namespace mreg
