// What moving versions between the local store and a remote involves: the
// distinct files they name, and for each the objects (a file's one object,
// or a chunked file's chunks) and manifests that carry it. Shared by push
// and fetch.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/version_targets.hpp"
#include "mreg/digest.hpp"
#include "mreg/registry.hpp"

namespace mreg {

struct TransferFile {
  Digest digest;
  std::uint64_t size = 0;
  std::string where;  // "fraud@1.2.0: model.bin", for messages
};

// The distinct files of `targets`; throws Error(invalid) naming the versions
// whose metadata could not be read.
std::vector<TransferFile> files_of(const std::vector<VersionTarget>& targets);

// A chunked file is one larger than one object may be (DESIGN §5), so a
// file's form follows from its size alone, also for a fetch that has not
// seen the file yet.
bool stored_chunked(std::uint64_t size);

// How reports name the default remote: its name, else its URL.
std::string default_remote_label(const Registry& registry, const RemoteUrl& url);

}  // namespace mreg
