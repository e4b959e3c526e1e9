// Repository::list_refs_with_prefix: the refs under one prefix, read as git
// reads them (loose files override packed-refs), without loading every ref.
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <cerrno>
#include <map>
#include <string>

#include <fmt/format.h>

#include "git/packed_refs.hpp"
#include "git/repository.hpp"
#include "mreg/error.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"

namespace mreg::git {
namespace {

namespace fs = std::filesystem;

// packed-refs mapped read-only: a binary search touches a few pages of it.
// git replaces the file by rename, so the mapping stays a consistent snapshot.
class MappedFile {
 public:
  explicit MappedFile(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) return;  // no packed refs at all
      throw_system_error(errno, "open", path);
    }
    const std::uint64_t size = file_size(fd.get(), path);
    if (size == 0) return;
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (data == MAP_FAILED) throw_system_error(errno, "map", path);
    m_data = static_cast<const char*>(data);
    m_size = size;
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (m_data) ::munmap(const_cast<char*>(m_data), m_size);
  }
  std::string_view text() const { return {m_data, m_size}; }

 private:
  const char* m_data = nullptr;
  std::size_t m_size = 0;
};

bool is_lock_file(const fs::path& path) { return path.extension() == ".lock"; }

}  // namespace

std::vector<std::pair<std::string, Oid>> Repository::list_refs_with_prefix(std::string_view prefix) const {
  const fs::path common = common_dir();
  std::map<std::string, Oid, std::less<>> refs;

  // Loose refs first, packed-refs second, as git does: `git pack-refs` writes
  // packed-refs before it deletes the loose files, so in this order a ref
  // being packed is seen in one place or the other.
  const auto slash = prefix.rfind('/');
  const std::string directory(prefix.substr(0, slash == std::string_view::npos ? 0 : slash + 1));
  const std::string_view leaf = prefix.substr(directory.size());
  const auto add_loose = [&](const fs::path& file) {
    const std::string name = directory + file.lexically_relative(common / directory).generic_string();
    const auto content = read_file_if_exists(file);
    if (!content) return;  // deleted since the directory was read
    if (content->starts_with("ref: ")) {
      if (const auto target = resolve_ref(name)) refs.emplace(name, *target);  // dangling: left out
      return;
    }
    const auto id = Oid::from_hex(std::string_view(*content).substr(0, content->find('\n')));
    if (!id) {
      throw Error(ErrorCode::git, fmt::format("the ref file {} holds neither an object id nor \"ref: <name>\"",
                                              file.string()));
    }
    refs.emplace(name, *id);
  };
  // An entry that vanishes while being looked at (git deleting or packing
  // it) is skipped, not an error: read_file_if_exists and packed-refs cover it.
  std::error_code error;
  for (fs::directory_iterator it(common / directory, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    if (!path.filename().string().starts_with(leaf) || is_lock_file(path)) continue;
    std::error_code entry_error;
    if (it->is_directory(entry_error)) {
      // A glob's "*" crosses "/", so refs below a matching directory match too.
      for (fs::recursive_directory_iterator inner(path, entry_error), inner_end; !entry_error && inner != inner_end;
           inner.increment(entry_error)) {
        std::error_code file_error;
        if (inner->is_regular_file(file_error) && !is_lock_file(inner->path())) add_loose(inner->path());
      }
    } else if (it->is_regular_file(entry_error)) {
      add_loose(path);
    }
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    throw_system_error(error.value(), "list the refs in", common / directory);
  }

  const MappedFile packed(common / "packed-refs");
  for (auto& [name, hex] : packed_refs_with_prefix(packed.text(), prefix)) {
    if (const auto id = Oid::from_hex(hex)) refs.emplace(std::move(name), *id);  // loose ones win
  }
  return {refs.begin(), refs.end()};
}

}  // namespace mreg::git
