#include "core/reachable.hpp"

#include <algorithm>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "core/work_tree.hpp"
#include "mreg/error.hpp"
#include "mreg/metadata.hpp"
#include "mreg/refs.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

constexpr std::string_view k_model_file = "model.yaml";

std::string first_line(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// Gathers the digests that model.yaml files name, reading each distinct
// model directory (git tree) and model.yaml blob once: a stage branch and
// the main branch hold the very trees that the version tags have.
class Collector {
 public:
  explicit Collector(const Registry::Impl& impl) : m_impl(impl) {}

  void add_version_tags() {
    const auto tags = TagIndex::read(m_impl.repo);
    for (const auto& name : tags.names()) {
      for (const auto& version : tags.versions_of(name)) {
        const std::string tag = version_tag_name(name, version.version);
        std::optional<git::Oid> subtree;
        try {
          subtree = tagged_subtree(m_impl, name, version);
        } catch (const Error& error) {
          m_result.problems.push_back(fmt::format("tag {}: {}", tag, error.what()));
          continue;
        }
        if (!subtree) {
          m_result.problems.push_back(
              fmt::format("tag {}: its commit is not in this clone, so the files it needs are unknown", tag));
          continue;
        }
        add_model_tree(*subtree, std::nullopt, fmt::format("{}:{}", tag, m_impl.model_file(name)));
      }
    }
  }

  // Every ref but the version and deprecation tags (read above, at
  // models/<name> only): whatever they point at is a commit someone may
  // check out, and its model directories are what they would get.
  void add_other_refs() {
    constexpr std::string_view tags_prefix = "refs/tags/";
    for (const auto& [ref, target] : m_impl.repo.list_refs("refs/*")) {
      if (ref.starts_with(tags_prefix) && parse_tag_name(std::string_view(ref).substr(tags_prefix.size()))) continue;
      std::optional<git::Oid> commit;
      try {
        commit = m_impl.repo.resolve_revision(target.hex());
      } catch (const Error&) {
        continue;  // a tag of a tree or blob: no model directories
      }
      if (!commit) {
        m_result.problems.push_back(fmt::format("{} points at {}, which is not in this clone", ref, target.hex()));
        continue;
      }
      add_commit(*commit, ref);
      // `git stash` records the index and the untracked files as the stash
      // commit's second and third parents: a stashed draft is in either.
      if (ref == "refs/stash") {
        const auto parents = m_impl.repo.read_commit(*commit).parents;
        for (std::size_t i = 1; i < parents.size(); ++i) add_commit(parents[i], fmt::format("{}^{}", ref, i + 1));
      }
    }
  }

  // Detached HEADs of every worktree; a HEAD on a branch was read with the branches.
  void add_detached_heads() {
    const fs::path common = m_impl.repo.common_dir();
    std::vector<fs::path> heads{common / "HEAD"};
    for (const auto& worktree : linked_worktree_admin_dirs()) heads.push_back(worktree / "HEAD");
    for (const auto& head : heads) {
      const auto text = read_work_file(head);
      if (!text || text->starts_with("ref:")) continue;
      if (const auto commit = git::Oid::from_hex(trimmed(*text))) add_commit(*commit, head.string());
    }
  }

  // What `mreg add` staged: a draft committed to the index but since
  // changed or deleted in the work tree still names its objects there.
  void add_index() {
    try {
      for (const auto& [path, blob] : m_impl.repo.index_files(m_impl.config.models_dir)) {
        if (fs::path(path).filename() != k_model_file || !m_seen_blobs.insert(blob).second) continue;
        add_metadata(m_impl.repo.read_blob(blob), fmt::format("{} (staged)", path));
      }
    } catch (const Error& error) {
      m_result.problems.push_back(fmt::format("the index: {}", error.what()));
    }
  }

  void add_work_trees() {
    std::vector<fs::path> trees{m_impl.workdir};
    const fs::path common = m_impl.repo.common_dir();
    // The main worktree, when we run in a linked one; a bare common dir has none.
    if (common.filename() == ".git") trees.push_back(common.parent_path());
    for (const auto& worktree : linked_worktree_admin_dirs()) {
      // "gitdir" holds the path of the linked worktree's .git file.
      if (const auto gitdir = read_work_file(worktree / "gitdir")) {
        trees.push_back(fs::path(trimmed(*gitdir)).parent_path());
      }
    }
    std::set<fs::path> seen;
    for (const auto& tree : trees) {
      std::error_code error;
      const fs::path canonical = fs::weakly_canonical(tree, error);
      if (error || !seen.insert(canonical).second) continue;
      add_work_tree(canonical);
    }
  }

  // The store's side: the objects and manifests that the files need.
  Reachable finish(const BlobStore& store) {
    for (const auto& file : m_files) {
      m_result.objects.insert(file);
      try {
        if (const auto manifest = store.read_manifest(file)) {
          m_result.manifests.insert(file);
          for (const auto& chunk : manifest->chunks) m_result.objects.insert(chunk.digest);
        }
      } catch (const Error& error) {
        m_result.problems.push_back(error.what());
      }
    }
    return std::move(m_result);
  }

 private:
  std::vector<fs::path> linked_worktree_admin_dirs() const {
    std::vector<fs::path> result;
    std::error_code error;
    for (fs::directory_iterator it(m_impl.repo.common_dir() / "worktrees", error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_directory(error)) result.push_back(it->path());
    }
    return result;
  }

  void add_commit(const git::Oid& commit, const std::string& where) {
    if (!m_seen_commits.insert(commit).second) return;
    try {
      for (const auto& subtree : stage_subtrees(m_impl.repo, commit, m_impl.config.models_dir)) {
        add_model_tree(subtree.tree, subtree.model_file,
                       fmt::format("{}:{}", where, m_impl.model_file(subtree.name)));
      }
    } catch (const Error& error) {
      m_result.problems.push_back(fmt::format("{}: {}", where, error.what()));
    }
  }

  void add_model_tree(const git::Oid& tree, std::optional<git::Oid> model_file, const std::string& where) {
    if (!m_seen_trees.insert(tree).second) return;
    try {
      if (!model_file) {
        const auto entries = m_impl.repo.list_tree(tree);
        const auto found = std::find_if(entries.begin(), entries.end(), [](const git::TreeEntry& entry) {
          return entry.kind == git::TreeEntry::Kind::blob && entry.name == k_model_file;
        });
        if (found == entries.end()) {
          m_result.problems.push_back(fmt::format("{} does not exist", where));
          return;
        }
        model_file = found->id;
      }
      if (!m_seen_blobs.insert(*model_file).second) return;
      add_metadata(m_impl.repo.read_blob(*model_file), where);
    } catch (const Error& error) {
      m_result.problems.push_back(fmt::format("{}: {}", where, error.what()));
    }
  }

  void add_work_tree(const fs::path& work_tree) {
    const fs::path models = work_tree / m_impl.config.models_dir;
    std::error_code error;
    fs::recursive_directory_iterator it(models, error);
    if (error) {
      if (error != std::errc::no_such_file_or_directory) {
        m_result.problems.push_back(fmt::format("cannot list {}: {}", models.string(), error.message()));
      }
      return;
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
      if (error) break;
      if (it->path().filename() != k_model_file || !it->is_regular_file(error) || it->is_symlink(error)) continue;
      try {
        if (const auto text = read_work_file(it->path())) add_metadata(*text, it->path().string());
      } catch (const Error& problem) {
        m_result.problems.push_back(problem.what());
      }
    }
    if (error) m_result.problems.push_back(fmt::format("cannot list {}: {}", models.string(), error.message()));
  }

  // Every artifact digest of one model.yaml. Drafts are fine (no version
  // yet); the other rules (required fields, the directory's name) do not
  // change which files it names, so they are not applied.
  void add_metadata(std::string_view text, const std::string& where) {
    MetadataRules rules;
    rules.allow_draft = true;
    const auto parsed = parse_model_metadata(text, where, rules);
    if (!parsed.metadata) {
      m_result.problems.push_back(parsed.diagnostics.empty() ? fmt::format("{} is not valid", where)
                                                             : first_line(parsed.diagnostics.front().str()));
      return;
    }
    ++m_result.metadata_files;
    for (const auto& artifact : parsed.metadata->artifacts) m_files.insert(artifact.digest);
  }

  const Registry::Impl& m_impl;
  std::set<git::Oid> m_seen_commits, m_seen_trees, m_seen_blobs;
  std::set<Digest> m_files;
  Reachable m_result;
};

}  // namespace

Reachable find_reachable(const Registry::Impl& impl) {
  Collector collector(impl);
  collector.add_version_tags();
  collector.add_other_refs();
  collector.add_detached_heads();
  collector.add_work_trees();
  collector.add_index();
  return collector.finish(impl.store);
}

}  // namespace mreg
