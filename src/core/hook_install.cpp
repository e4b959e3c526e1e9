// Registry::install_hooks: writing hooks/'s scripts into a repository.
//
// The scripts are built into the binary (the text of hooks/NAME, with the
// installing mreg's path as the last-resort fallback), so installing needs no
// source tree and an installed hook never names a build directory first: it
// looks for mreg on PATH, then $MREG, and only then at that fallback.
// A user's own hook is never replaced: it moves to NAME.local and ours runs
// it first, with the same arguments and stdin.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "git/repository.hpp"
#include "mreg/error.hpp"
#include "mreg/registry.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

// The text of hooks/NAME; @HOOK@ and @FALLBACK@ are filled in.
constexpr std::string_view script_template = R"(#!/bin/sh
# mreg's @HOOK@ hook (DESIGN §7), installed by `mreg install-hooks`.
# A hook that was here before is kept as @HOOK@.local and runs first. mreg is
# found on PATH, else in $MREG, else where the installing mreg was, so an
# upgraded mreg needs no reinstall.
hook=@HOOK@
fallback='@FALLBACK@'
if command -v mreg >/dev/null 2>&1; then mreg=mreg
elif [ -n "${MREG:-}" ]; then mreg=$MREG
elif [ -n "$fallback" ] && [ -x "$fallback" ]; then mreg=$fallback
else
  echo "mreg: the $hook hook cannot find mreg: put it on PATH or set MREG=/path/to/mreg" >&2
  exit 1
fi
local_hook="$(dirname "$0")/$hook.local"
case $hook in
  pre-push | pre-receive)
    # Both hooks need git's ref list on stdin, so it is read once and replayed.
    input=$(cat)
    if [ -x "$local_hook" ]; then printf '%s\n' "$input" | "$local_hook" "$@" || exit $?; fi
    printf '%s\n' "$input" | "$mreg" hook $hook "$@"
    ;;
  *)
    if [ -x "$local_hook" ]; then "$local_hook" "$@" || exit $?; fi
    exec "$mreg" hook $hook "$@"
    ;;
esac
)";

// How an installed script is told apart from a user's hook.
constexpr std::string_view marker = "installed by `mreg install-hooks`";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The running binary, for the fallback; empty when it cannot be told or
// cannot be quoted safely inside '...'.
std::string own_executable() {
  std::error_code error;
  const auto path = fs::read_symlink("/proc/self/exe", error);
  if (error || path.string().find('\'') != std::string::npos) return {};
  return path.string();
}

std::string script_for(std::string_view hook) {
  return replace_all(replace_all(std::string(script_template), "@HOOK@", hook), "@FALLBACK@", own_executable());
}

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// git runs hooks from core.hooksPath when set (relative to the work tree's
// top, or to the git dir in a bare repository), else from <common dir>/hooks.
fs::path hooks_directory(const git::Repository& repo) {
  if (auto configured = repo.config_string("core.hooksPath"); configured && !configured->empty()) {
    fs::path path = *configured;
    if (path.string().starts_with("~/")) {
      if (const char* home = std::getenv("HOME")) path = fs::path(home) / path.string().substr(2);
    }
    if (path.is_relative()) path = (repo.is_bare() ? repo.git_dir() : repo.workdir()) / path;
    return path.lexically_normal();
  }
  return repo.common_dir() / "hooks";
}

void write_executable(const fs::path& file, const std::string& text) {
  const fs::path temp = file.string() + ".mreg-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw Error(ErrorCode::io, fmt::format("cannot write {}", temp.string()));
  }
  fs::permissions(temp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  fs::rename(temp, file);
}

}  // namespace

std::vector<fs::path> Registry::install_hooks(const fs::path& start, bool server, Overwrite overwrite) {
  const auto repo = git::Repository::discover(start);
  if (!repo) throw Error(ErrorCode::not_found, fmt::format("not a git repository (or any parent): {}", start.string()));
  const fs::path directory = hooks_directory(*repo);
  fs::create_directories(directory);
  // A bare repository receives pushes: it gets the guard. A clone gets the
  // client hooks, and the guard too when asked (e.g. to test it locally).
  std::vector<std::string_view> hooks;
  if (!repo->is_bare()) hooks = {"pre-commit", "pre-push"};
  if (server || repo->is_bare()) hooks.push_back("pre-receive");

  // Every conflict is found before anything is written.
  for (const auto hook : hooks) {
    const fs::path file = directory / hook;
    const auto existing = read_text(file);
    if (existing && existing->find(marker) == std::string::npos && fs::exists(file.string() + ".local") &&
        overwrite == Overwrite::no) {
      throw Error(ErrorCode::conflict,
                  fmt::format("{} is not mreg's, and {}.local is taken, so it cannot be kept", file.string(), hook),
                  "merge the two into one hook, or pass --force to replace it");
    }
  }
  std::vector<fs::path> written;
  for (const auto hook : hooks) {
    const fs::path file = directory / hook;
    const fs::path local = file.string() + ".local";
    const auto existing = read_text(file);
    if (existing && existing->find(marker) == std::string::npos && !fs::exists(local)) {
      // Ours runs it only when it is executable, as git would have.
      fs::rename(file, local);
    }
    write_executable(file, script_for(hook));
    written.push_back(file);
  }
  return written;
}

}  // namespace mreg
