// ReceivingRepository: the repository a push goes to, as the guard must see it.
#include "core/hook_quarantine.hpp"

#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "mreg/error.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw Error(ErrorCode::io, fmt::format("cannot write {}", file.string()));
}

// The view described in the header, in a new temporary directory.
fs::path make_view(const fs::path& git_dir, const fs::path& quarantine) {
  std::string pattern = (fs::temp_directory_path() / "mreg-guard.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw Error(ErrorCode::io, "cannot create a temporary directory for the push guard");
  const fs::path view = pattern;
  for (const char* shared : {"HEAD", "config"}) fs::copy_file(git_dir / shared, view / shared);
  fs::create_directory_symlink(git_dir / "refs", view / "refs");
  if (fs::exists(git_dir / "packed-refs")) fs::create_symlink(git_dir / "packed-refs", view / "packed-refs");
  fs::create_directories(view / "objects" / "info");
  write_text(view / "objects" / "info" / "alternates",
             fmt::format("{}\n{}\n", quarantine.string(), (git_dir / "objects").string()));
  return view;
}

}  // namespace

ReceivingRepository::ReceivingRepository(const fs::path& git_dir) {
  const fs::path absolute = fs::absolute(git_dir);
  const char* quarantine = std::getenv("GIT_QUARANTINE_PATH");
  fs::path open_at = absolute;
  if (quarantine && *quarantine) {
    m_view = make_view(absolute, fs::absolute(quarantine));
    open_at = m_view;
  }
  m_repo = git::Repository::discover(open_at);
  if (!m_repo) throw Error(ErrorCode::not_found, fmt::format("{} is not a git repository", absolute.string()));
}

ReceivingRepository::~ReceivingRepository() {
  if (m_view.empty()) return;
  std::error_code ignored;
  fs::remove_all(m_view, ignored);  // removes the symlinks, never what they point at
}

git::Repository ReceivingRepository::take() { return std::move(*m_repo); }

}  // namespace mreg
