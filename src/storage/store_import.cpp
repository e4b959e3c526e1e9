// BlobStore's side of `fetch`: downloads become objects only once they are
// verified, so a corrupt transfer never enters the store.
#include <atomic>
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mreg/blob_store.hpp"
#include "mreg/error.hpp"
#include "storage/chunked_read.hpp"
#include "storage/object_files.hpp"
#include "storage/store_layout.hpp"
#include "util/file_io.hpp"

namespace mreg {

std::filesystem::path BlobStore::new_download_path() const {
  static std::atomic<unsigned> counter{0};
  const auto directory = store_layout::temp_directory(m_root);
  ensure_directory(directory);
  return directory / fmt::format("download-{}-{}", ::getpid(), counter++);
}

void BlobStore::import_object(const Digest& digest, const std::filesystem::path& downloaded) const {
  {
    const UniqueFd fd = open_regular_file(downloaded);
    const HashedBytes found = hash_whole_file(fd.get(), downloaded, no_progress());
    if (found.digest != digest) {
      std::remove(downloaded.c_str());
      throw Error(ErrorCode::corrupt,
                  fmt::format("the remote sent {} bytes for object {} that hash to {}", found.size, digest.id(),
                              found.digest.id()),
                  "the remote's copy is damaged; push it again from a machine that has it");
    }
  }
  const auto object = object_path(digest);
  if (freshen(object)) {
    std::remove(downloaded.c_str());
    return;
  }
  ::chmod(downloaded.c_str(), k_object_mode);
  ensure_directory(object.parent_path());
  if (std::rename(downloaded.c_str(), object.c_str()) != 0) throw_system_error(errno, "rename", downloaded);
}

void BlobStore::import_manifest(const Manifest& manifest) const {
  verify_chunked(m_root, manifest, nullptr);
  const auto path = manifest_path(manifest.file);
  if (freshen(path)) return;
  AtomicFile temp = new_object_temp(m_root);
  const std::string text = format_manifest(manifest);
  temp.write(text.data(), text.size());
  publish_file(path, temp);
}

}  // namespace mreg
