#include "core/stage_reader.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

std::optional<git::Oid> model_file_in(const std::vector<git::TreeEntry>& entries) {
  const auto found = std::find_if(entries.begin(), entries.end(), [](const git::TreeEntry& entry) {
    return entry.kind == git::TreeEntry::Kind::blob && entry.name == "model.yaml";
  });
  if (found == entries.end()) return std::nullopt;
  return found->id;
}

void collect_subtrees(const git::Repository& repo, const git::Oid& tree, const std::string& prefix,
                      std::vector<StageSubtree>& out) {
  for (const auto& entry : repo.list_tree(tree)) {
    if (entry.kind != git::TreeEntry::Kind::tree) continue;
    const std::string name = prefix + entry.name;
    if (const auto model_file = model_file_in(repo.list_tree(entry.id))) {
      out.push_back({name, entry.id, model_file});
    } else {
      collect_subtrees(repo, entry.id, name + "/", out);
    }
  }
}

// The `version:` of a model.yaml as mreg writes it (a top-level line,
// unquoted); nullopt for anything else, which then gets a full parse.
std::optional<Version> scan_version(std::string_view text) {
  constexpr std::string_view key = "version:";
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    auto line = text.substr(start, end - start);
    if (line.starts_with(key)) {
      line.remove_prefix(key.size());
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
      return Version::parse(line);
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Whether the stage's `subtree` is, tree id for tree id, what the tag of
// `version` has at models/<name>; fills `entry` when it is.
bool is_tagged_copy(const Registry::Impl& impl, const TagIndex& tags, const StageSubtree& subtree,
                    const Version& version, StageEntry& entry) {
  const IndexedVersion* indexed = tags.find(subtree.name, version);
  if (!indexed || tagged_subtree(impl, subtree.name, *indexed) != subtree.tree) return false;
  entry.version = version;
  entry.deprecated = indexed->deprecated;
  return true;
}

std::string first_line(std::string_view text) {
  auto line = text.substr(0, text.find('\n'));
  return std::string(line);
}

}  // namespace

StageBranch find_stage_branch(const Registry::Impl& impl, std::string_view stage) {
  StageBranch branch;
  branch.stage = std::string(stage);
  branch.branch = stage_branch_name(impl.config.stage_branch_prefix, stage);
  branch.ref = branch_ref(branch.branch);
  branch.local_tip = impl.repo.resolve_ref(branch.ref);
  if (!branch.local_tip) {
    const std::string remote = impl.git_remote();
    branch.remote_tip = impl.repo.resolve_ref(fmt::format("refs/remotes/{}/{}", remote, branch.branch));
    if (branch.remote_tip) branch.remote_branch = fmt::format("{}/{}", remote, branch.branch);
  }
  return branch;
}

std::vector<StageSubtree> stage_subtrees(const git::Repository& repo, const git::Oid& commit,
                                         std::string_view models_dir) {
  std::vector<StageSubtree> result;
  const auto models = repo.subtree_at(commit, models_dir);
  if (!models) return result;
  collect_subtrees(repo, *models, "", result);
  std::sort(result.begin(), result.end(),
            [](const StageSubtree& a, const StageSubtree& b) { return a.name < b.name; });
  return result;
}

std::optional<git::Oid> tagged_subtree(const Registry::Impl& impl, std::string_view name,
                                       const IndexedVersion& version) {
  const std::string directory = impl.model_dir(name);
  if (auto cached = impl.facts.tagged_subtree(version.tag_target, directory)) return cached;
  if (!impl.repo.has_object(version.tag_target)) return std::nullopt;
  const std::string tag = version_tag_name(name, version.version);
  const auto info = impl.repo.read_tag(tag);
  if (!info || !impl.repo.has_object(info->target)) return std::nullopt;
  auto subtree = impl.repo.subtree_at(info->target, directory);
  if (!subtree) {
    throw Error(ErrorCode::corrupt,
                fmt::format("tag {} points at commit {}, which has no {}/", tag, info->target.hex().substr(0, 12),
                            directory),
                "the tag was not made by mreg register; ask whoever created it");
  }
  impl.facts.remember_tagged_subtree(version.tag_target, directory, *subtree);
  return subtree;
}

StageModel read_stage_model(const Registry::Impl& impl, const TagIndex& tags, const StageSubtree& subtree,
                            std::string_view stage_source) {
  StageModel model;
  model.tree = subtree.tree;
  StageEntry& entry = model.entry;
  entry.name = subtree.name;
  // The common case, cheaply: a model directory seen before as a registered
  // version's copy needs no reading at all...
  if (const auto known = impl.facts.model_version(subtree.tree)) {
    if (const auto version = Version::parse(*known); version && is_tagged_copy(impl, tags, subtree, *version, entry)) {
      return model;
    }
  }
  const std::string file = impl.model_file(subtree.name);
  const auto blob = subtree.model_file ? subtree.model_file : model_file_in(impl.repo.list_tree(subtree.tree));
  const auto text = blob ? std::optional(impl.repo.read_blob(*blob)) : std::nullopt;
  if (!text) {
    entry.status = StageEntry::Status::invalid;
    entry.problem = fmt::format("{}/ on {} has no model.yaml", impl.model_dir(subtree.name), stage_source);
    return model;
  }
  // ...and otherwise model.yaml names a version whose tagged subtree is
  // this very tree, so the copy is that version's, byte for byte, and needs
  // no parsing.
  if (const auto version = scan_version(*text); version && is_tagged_copy(impl, tags, subtree, *version, entry)) {
    impl.facts.remember_model_version(subtree.tree, version->str());
    return model;
  }
  MetadataRules rules;
  rules.expected_name = subtree.name;
  auto parsed = parse_model_metadata(*text, fmt::format("{}:{}", stage_source, file), rules);
  if (!parsed.metadata || !parsed.metadata->version) {
    entry.status = StageEntry::Status::invalid;
    entry.problem = parsed.diagnostics.empty()
                        ? fmt::format("{} on {} names no version", file, stage_source)
                        : fmt::format("{} on {} is not valid: {}", file, stage_source,
                                      first_line(parsed.diagnostics.front().str()));
    return model;
  }
  model.metadata = std::move(parsed.metadata);
  entry.version = model.metadata->version;
  const std::string tag = version_tag_name(subtree.name, *entry.version);
  const IndexedVersion* indexed = tags.find(subtree.name, *entry.version);
  const auto& registered = tags.versions_of(subtree.name);
  if (!indexed && !registered.empty()) {
    // This clone has the model's tags, just not this one: tags are fetched
    // with the commits they point at, so it was most likely never registered.
    std::string versions;
    for (auto it = registered.rbegin(); it != registered.rend(); ++it) {
      versions += (versions.empty() ? "" : ", ") + it->version.str();
    }
    entry.status = StageEntry::Status::modified;
    entry.problem = fmt::format(
        "{} on {} names v{}, which is not a registered version of {} (registered: {}): it was edited by hand, or "
        "the tag {} was not fetched (`git fetch --tags`)",
        file, stage_source, entry.version->str(), subtree.name, versions, tag);
    return model;
  }
  if (!indexed) {
    entry.status = StageEntry::Status::unverified;
    entry.problem = fmt::format(
        "the version tag {} is not in this clone (a clone of the stage branch only?), so the stage's copy could not "
        "be checked against it; `git fetch --tags` brings the tags",
        tag);
    return model;
  }
  entry.deprecated = indexed->deprecated;
  const auto tagged = tagged_subtree(impl, subtree.name, *indexed);
  if (!tagged) {
    entry.status = StageEntry::Status::unverified;
    entry.problem = fmt::format("the commit of tag {} is not in this clone, so the stage's copy could not be checked",
                                tag);
    return model;
  }
  if (*tagged != subtree.tree) {
    entry.status = StageEntry::Status::modified;
    entry.problem = fmt::format(
        "{}/ on {} is not the registered {}: its files differ from the tagged commit's, so it was edited by hand",
        impl.model_dir(subtree.name), stage_source, tag);
  }
  return model;
}

std::optional<StageModel> read_stage_model(const Registry::Impl& impl, const TagIndex& tags, const git::Oid& commit,
                                           std::string_view name, std::string_view stage_source) {
  const auto tree = impl.repo.subtree_at(commit, impl.model_dir(name));
  if (!tree) return std::nullopt;
  return read_stage_model(impl, tags, StageSubtree{std::string(name), *tree, std::nullopt}, stage_source);
}

StageState read_stage_state(const Registry::Impl& impl, const TagIndex& tags, const StageBranch& branch) {
  StageState state;
  state.stage = branch.stage;
  state.branch = branch.source();
  const auto tip = branch.tip();
  if (!tip) return state;
  state.tip = tip->hex();
  for (const auto& subtree : stage_subtrees(impl.repo, *tip, impl.config.models_dir)) {
    state.models.push_back(read_stage_model(impl, tags, subtree, state.branch).entry);
  }
  return state;
}

const StageConfig& configured_stage(const Registry::Impl& impl, std::string_view stage, ErrorCode code) {
  if (const auto* found = impl.config.find_stage(stage)) return *found;
  std::vector<std::string> names;
  for (const auto& configured : impl.config.stages) names.push_back(configured.name);
  if (auto problem = stage_name_problem(stage)) throw Error(ErrorCode::invalid, *problem);
  throw Error(code,
              fmt::format("unknown stage \"{}\": the configured stages are {}", stage,
                          names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))),
              impl.config_in_work_tree ? "add it under `stages:` in mreg.yaml, or use one of those"
                                    : "this clone has no mreg.yaml; its stages are the stage branches it holds");
}

std::vector<FromStage> from_holdings(const Registry::Impl& impl, const TagIndex& tags, const StageConfig& stage,
                                     std::string_view name) {
  std::vector<FromStage> holdings;
  for (const auto& from : stage.from) {
    FromStage holding{from, std::nullopt};
    const StageBranch branch = find_stage_branch(impl, from);
    if (const auto tip = branch.tip()) {
      if (auto model = read_stage_model(impl, tags, *tip, name, branch.source())) holding.entry = model->entry;
    }
    holdings.push_back(std::move(holding));
  }
  return holdings;
}

}  // namespace mreg
