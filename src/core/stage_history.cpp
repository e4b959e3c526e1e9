#include "core/stage_history.hpp"

#include <algorithm>
#include <map>

namespace mreg {
namespace {

using Entries = std::vector<git::TreeEntry>;

Entries entries_of(const git::Repository& repo, const std::optional<git::Oid>& tree) {
  return tree ? repo.list_tree(*tree) : Entries{};
}

bool holds_model_file(const Entries& entries) {
  return std::any_of(entries.begin(), entries.end(), [](const git::TreeEntry& entry) {
    return entry.kind == git::TreeEntry::Kind::blob && entry.name == "model.yaml";
  });
}

std::map<std::string, git::Oid> subdirectories(const Entries& entries) {
  std::map<std::string, git::Oid> result;
  for (const auto& entry : entries) {
    if (entry.kind == git::TreeEntry::Kind::tree) result.emplace(entry.name, entry.id);
  }
  return result;
}

std::optional<git::Oid> find(const std::map<std::string, git::Oid>& map, const std::string& name) {
  auto it = map.find(name);
  return it == map.end() ? std::nullopt : std::optional<git::Oid>(it->second);
}

void compare(const git::Repository& repo, const std::optional<git::Oid>& before, const std::optional<git::Oid>& after,
             const std::string& path, bool is_root, std::vector<ModelDirChange>& out) {
  if (before == after) return;
  const Entries before_entries = entries_of(repo, before);
  const Entries after_entries = entries_of(repo, after);
  if (!is_root) {
    const bool model_before = holds_model_file(before_entries);
    const bool model_after = holds_model_file(after_entries);
    if (model_before || model_after) {
      out.push_back({path, model_before ? before : std::nullopt, model_after ? after : std::nullopt});
      return;
    }
  }
  const auto before_dirs = subdirectories(before_entries);
  const auto after_dirs = subdirectories(after_entries);
  std::vector<std::string> names;
  for (const auto& [name, id] : before_dirs) names.push_back(name);
  for (const auto& [name, id] : after_dirs) {
    if (!before_dirs.contains(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    compare(repo, find(before_dirs, name), find(after_dirs, name), is_root ? name : path + "/" + name, false, out);
  }
}

}  // namespace

std::vector<ModelDirChange> changed_model_dirs(const git::Repository& repo, const std::optional<git::Oid>& before,
                                               const std::optional<git::Oid>& after) {
  std::vector<ModelDirChange> changes;
  compare(repo, before, after, "", true, changes);
  std::sort(changes.begin(), changes.end(),
            [](const ModelDirChange& a, const ModelDirChange& b) { return a.name < b.name; });
  return changes;
}

}  // namespace mreg
