#include "core/artifact_sources.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/names.hpp"
#include "storage/store_layout.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

void add_source(std::map<std::string, ArtifactSource>& by_path, std::string artifact_path, const fs::path& source,
                std::uint64_t size) {
  if (auto problem = artifact_path_problem(artifact_path)) {
    throw Error(ErrorCode::invalid, fmt::format("{}: cannot be stored as artifact \"{}\": {}", source.string(),
                                                artifact_path, *problem));
  }
  auto [it, inserted] = by_path.try_emplace(artifact_path, ArtifactSource{artifact_path, source, size});
  if (!inserted) {
    throw Error(ErrorCode::invalid,
                fmt::format("artifact path collision: \"{}\" would come from both {} and {}", artifact_path,
                            it->second.source.string(), source.string()),
                "rename one of the files, or pass the directory that holds both");
  }
}

void add_directory(std::map<std::string, ArtifactSource>& by_path, const fs::path& directory) {
  std::error_code ec;
  fs::recursive_directory_iterator it(directory, fs::directory_options::none, ec), end;
  if (ec) throw Error(ErrorCode::io, fmt::format("cannot read directory {}: {}", directory.string(), ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorCode::io, fmt::format("cannot read directory {}: {}", directory.string(), ec.message()));
    const fs::path& entry = it->path();
    if (it->is_directory() && entry.filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    // A file that `mreg get` is writing here (or a crash left) is not an artifact.
    if (!it->is_regular_file() || store_layout::is_materialize_temp(entry)) continue;
    add_source(by_path, entry.lexically_relative(directory).generic_string(), entry, it->file_size());
  }
}

}  // namespace

std::vector<ArtifactSource> collect_artifact_sources(const std::vector<fs::path>& paths) {
  std::map<std::string, ArtifactSource> by_path;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      throw Error(ErrorCode::not_found, fmt::format("no such file or directory: {}", path.string()));
    }
    if (fs::is_directory(status)) {
      add_directory(by_path, path);
    } else if (fs::is_regular_file(status)) {
      add_source(by_path, path.filename().string(), path, fs::file_size(path));
    } else {
      throw Error(ErrorCode::invalid, fmt::format("{} is not a regular file or directory", path.string()));
    }
  }
  if (by_path.empty()) {
    throw Error(ErrorCode::invalid, "no artifacts: the given paths contain no files",
                "pass the model's weight files, or a directory that holds them");
  }
  // "a" as a file and "a/b" below a directory "a" cannot both be materialized.
  for (const auto& [artifact_path, source] : by_path) {
    for (auto slash = artifact_path.find('/'); slash != std::string::npos; slash = artifact_path.find('/', slash + 1)) {
      const std::string parent = artifact_path.substr(0, slash);
      if (by_path.contains(parent)) {
        throw Error(ErrorCode::invalid,
                    fmt::format("artifact path collision: \"{}\" is a file and also the directory of \"{}\"",
                                parent, artifact_path));
      }
    }
  }
  std::vector<ArtifactSource> result;
  result.reserve(by_path.size());
  for (auto& [artifact_path, source] : by_path) result.push_back(std::move(source));
  return result;
}

}  // namespace mreg
