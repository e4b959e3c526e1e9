// AtomicFile: a new file that appears under its final name only when complete.
//
// The constructor creates a uniquely named temp file (`<prefix><random>`) in a
// given directory, which must be on the same filesystem as the final name.
// The caller writes through fd(); commit(final_path) closes the file, checking
// for errors, and renames it into place, replacing any file of that name in
// one step. An AtomicFile that is destroyed, or abandon()ed, without a
// successful commit unlinks its temp file, so a half-written file is never
// published and never left behind (short of the process being killed).
//
// Not thread-safe; one owner.
#pragma once

#include <filesystem>
#include <string_view>

#include <sys/types.h>

#include "util/unique_fd.hpp"

namespace mreg {

class AtomicFile {
 public:
  // `mode` is filtered through the umask, as for open(2). The file is open
  // for reading too, so its content can be verified before commit.
  AtomicFile(const std::filesystem::path& temp_directory, std::string_view name_prefix,
             mode_t mode = 0666);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const noexcept { return m_fd.get(); }
  const std::filesystem::path& temp_path() const noexcept { return m_temp_path; }

  void write(const void* data, std::size_t size);

  // Throws Error(io) when the data could not be written or the rename fails;
  // the temp file is then still removed by the destructor.
  void commit(const std::filesystem::path& final_path);

  // Removes the temp file now; the AtomicFile is then spent.
  void abandon() noexcept;

 private:
  UniqueFd m_fd;
  std::filesystem::path m_temp_path;
  bool m_pending = true;  // the temp file exists and is ours to remove
};

}  // namespace mreg
