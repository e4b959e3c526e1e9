// A remote on a (shared or network) filesystem: the store's own layout in
// another directory, written as the local store writes (temp file in
// <root>/tmp, then rename), so a reader never sees a partial file.
#include <cerrno>

#include <fcntl.h>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/remote.hpp"
#include "util/atomic_file.hpp"
#include "util/file_io.hpp"
#include "util/hashing_copy.hpp"

namespace mreg {
namespace {

class FileRemote : public Remote {
 public:
  explicit FileRemote(RemoteUrl url) : m_url(std::move(url)) {}

  std::string describe() const override { return m_url.text; }

  std::optional<std::uint64_t> stat(std::string_view key) override {
    std::error_code error;
    const auto size = std::filesystem::file_size(m_url.directory / key, error);
    if (error) {
      if (error == std::errc::no_such_file_or_directory) return std::nullopt;
      throw Error(ErrorCode::io, fmt::format("cannot read {}: {}", (m_url.directory / key).string(), error.message()));
    }
    return size;
  }

  void upload(std::string_view key, const std::filesystem::path& file) override {
    const UniqueFd source = open_regular_file(file);
    const auto temp_directory = m_url.directory / "tmp";
    ensure_directory(temp_directory);
    AtomicFile temp(temp_directory, "upload-", 0444);
    copy_hashed(source.get(), file, temp.fd(), temp.temp_path(), no_progress());
    const auto target = m_url.directory / key;
    ensure_directory(target.parent_path());
    temp.commit(target);
  }

  void download(std::string_view key, const std::filesystem::path& destination) override {
    const auto source_path = m_url.directory / key;
    UniqueFd source(::open(source_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!source) {
      if (errno == ENOENT) {
        throw Error(ErrorCode::not_found, fmt::format("{} is not on the remote {}", key, m_url.text));
      }
      throw_system_error(errno, "open", source_path);
    }
    UniqueFd target(::open(destination.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!target) throw_system_error(errno, "create", destination);
    copy_hashed(source.get(), source_path, target.get(), destination, no_progress());
    close_checked(target, destination);
  }

 private:
  RemoteUrl m_url;
};

}  // namespace

std::unique_ptr<Remote> open_file_remote(const RemoteUrl& url) { return std::make_unique<FileRemote>(url); }

}  // namespace mreg
