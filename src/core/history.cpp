// Registry::history: registrations and deprecations from the tags,
// promotions and demotions from each configured stage branch's first-parent
// log (stage_history.hpp), in time order.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/stage_history.hpp"
#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "mreg/names.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

std::string first_line(std::string_view text) {
  while (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text.substr(0, text.find('\n')));
}

std::string person(const std::string& name, const std::string& email) { return fmt::format("{} <{}>", name, email); }

void add_tag_events(const Registry::Impl& impl, const TagIndex& tags, const std::string& name,
                    std::vector<HistoryEvent>& events) {
  for (const auto& indexed : tags.versions_of(name)) {
    const VersionInfo info = read_version_info(impl.repo, name, indexed);
    HistoryEvent registered;
    registered.timestamp = info.time;
    registered.offset_minutes = info.time_offset_minutes;
    registered.event = HistoryEvent::Kind::registered;
    registered.name = name;
    registered.version = info.version;
    registered.author = person(info.tagger_name, info.tagger_email);
    registered.commit = info.commit;
    registered.ref = info.tag;
    // read_version_info() has read this tag already, so it exists.
    const auto tag = impl.repo.read_tag(info.tag);
    registered.message = first_line(tag->annotated ? tag->message : impl.repo.read_commit(tag->target).message);
    events.push_back(std::move(registered));
    if (!indexed.deprecated) continue;
    const std::string deprecation_tag = deprecation_tag_name(name, indexed.version);
    const auto deprecation = impl.repo.read_tag(deprecation_tag);
    if (!deprecation) continue;
    HistoryEvent deprecated;
    const git::Signature& when =
        deprecation->annotated ? deprecation->tagger : impl.repo.read_commit(deprecation->target).committer;
    deprecated.timestamp = when.time;
    deprecated.offset_minutes = when.offset_minutes;
    deprecated.event = HistoryEvent::Kind::deprecated;
    deprecated.name = name;
    deprecated.version = indexed.version;
    deprecated.author = person(when.name, when.email);
    deprecated.commit = deprecation->target.hex();
    deprecated.ref = deprecation_tag;
    deprecated.message = first_line(deprecation->message);
    events.push_back(std::move(deprecated));
  }
}

// Reads the version that a model directory's model.yaml names; nullopt when
// it names none or cannot be read (a hand edit). Cached by tree id: the
// version a promotion replaced is the one an earlier commit put there.
class DirectoryVersions {
 public:
  explicit DirectoryVersions(const git::Repository& repo) : m_repo(repo) {}

  std::optional<Version> of(const std::string& name, const git::Oid& tree) {
    if (auto it = m_cache.find(tree); it != m_cache.end()) return it->second;
    std::optional<Version> version;
    for (const auto& entry : m_repo.list_tree(tree)) {
      if (entry.name != "model.yaml" || entry.kind != git::TreeEntry::Kind::blob) continue;
      MetadataRules rules;
      rules.expected_name = name;
      rules.allow_draft = true;
      const auto parsed = parse_model_metadata(m_repo.read_blob(entry.id), "model.yaml", rules);
      if (parsed.metadata) version = parsed.metadata->version;
    }
    m_cache.emplace(tree, version);
    return version;
  }

 private:
  const git::Repository& m_repo;
  std::map<git::Oid, std::optional<Version>> m_cache;
};

// The first-parent log of a stage branch, oldest first, with each commit's
// changes to the models directory (or only to models/<name> when `name` is set).
void add_stage_events(const Registry::Impl& impl, const StageBranch& branch, std::string_view name,
                      DirectoryVersions& versions, std::vector<HistoryEvent>& events) {
  const auto tip = branch.tip();
  if (!tip) return;
  const std::string path = name.empty() ? impl.config.models_dir : impl.model_dir(name);
  const std::string source = branch.source();
  std::vector<HistoryEvent> stage_events;  // newest first while walking
  std::optional<git::Oid> commit = tip;
  std::optional<git::Oid> commit_tree = impl.repo.subtree_at(*commit, path);
  while (commit) {
    const git::CommitInfo info = impl.repo.read_commit(*commit);
    std::optional<git::Oid> parent;
    std::optional<git::Oid> parent_tree;
    if (!info.parents.empty()) {
      // A shallow clone stops here: what its oldest commit changed is unknown.
      if (!impl.repo.has_object(info.parents.front())) break;
      parent = info.parents.front();
      parent_tree = impl.repo.subtree_at(*parent, path);
    }
    std::vector<ModelDirChange> changes;
    if (!name.empty()) {
      if (commit_tree != parent_tree) changes.push_back({std::string(name), parent_tree, commit_tree});
    } else {
      changes = changed_model_dirs(impl.repo, parent_tree, commit_tree);
    }
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
      HistoryEvent event;
      event.timestamp = info.committer.time;
      event.offset_minutes = info.committer.offset_minutes;
      event.name = it->name;
      event.stage = branch.stage;
      event.author = person(info.committer.name, info.committer.email);
      event.commit = info.id.hex();
      event.ref = source;
      event.message = first_line(info.message);
      if (it->after) {
        event.event = HistoryEvent::Kind::promoted;
        event.version = versions.of(it->name, *it->after);
        if (it->before) event.previous = versions.of(it->name, *it->before);
      } else {
        event.event = HistoryEvent::Kind::demoted;
        event.version = versions.of(it->name, *it->before);
      }
      stage_events.push_back(std::move(event));
    }
    commit = parent;
    commit_tree = parent_tree;
  }
  events.insert(events.end(), stage_events.rbegin(), stage_events.rend());
}

}  // namespace

std::vector<HistoryEvent> Registry::history(std::string_view name) const {
  const auto& impl = *m_impl;
  if (!name.empty()) check_model_name(name);
  // One model's history needs only its own tags, not all of them.
  const auto tags = name.empty() ? TagIndex::read(impl.repo) : TagIndex::read_model(impl.repo, name);
  std::vector<HistoryEvent> events;
  if (name.empty()) {
    for (const auto& model : tags.names()) add_tag_events(impl, tags, model, events);
  } else {
    add_tag_events(impl, tags, std::string(name), events);
  }
  DirectoryVersions versions(impl.repo);
  for (const auto& stage : impl.config.stages) {
    add_stage_events(impl, find_stage_branch(impl, stage.name), name, versions, events);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const HistoryEvent& a, const HistoryEvent& b) { return a.timestamp < b.timestamp; });
  return events;
}

}  // namespace mreg
