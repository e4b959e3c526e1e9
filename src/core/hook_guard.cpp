// Registry::guard_ref_updates: the server guard of DESIGN §7, for update and
// pre-receive in a bare repository.
//
// Clients run mreg, but a push can come from anyone's plain git, so the
// server re-checks what only mreg would otherwise keep true:
//   - a version tag never moves and is never deleted;
//   - a version tag points (annotated) at a commit whose
//     models/<name>/model.yaml is valid and has that version;
//   - a stage tip holds nothing but models/<name>/ subtrees that are exactly
//     registered, non-deprecated versions' tagged subtrees (compared by tree
//     id, as stage_reader does), and each newly placed one passes the
//     stage's from:/require: rules of the default branch's mreg.yaml.
// Refs outside these namespaces (code branches, other tags) pass untouched.
// A bare repository has no work tree, so the config is read from HEAD's
// tree (or from the pushed tip of HEAD's branch when HEAD is still unborn).
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/hook_quarantine.hpp"
#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/stage_rules.hpp"
#include "core/tag_index.hpp"
#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";

bool is_zero(std::string_view id) { return id.find_first_not_of('0') == std::string_view::npos; }

RegistryConfig receiving_config(const git::Repository& repo, const std::vector<Registry::RefUpdate>& updates) {
  std::optional<git::Oid> source = repo.head_commit();
  if (!source) {
    const auto head_branch = repo.head_branch_ref();
    for (const auto& update : updates) {
      if (head_branch && update.ref == *head_branch) source = git::Oid::from_hex(update.new_id);
    }
  }
  if (source) {
    if (auto text = repo.read_file_at(*source, config_file_name)) {
      return load_registry_config(*text, fmt::format("HEAD:{}", config_file_name));
    }
  }
  return RegistryConfig{};
}

class Guard {
 public:
  Guard(const Registry::Impl& impl, const std::vector<Registry::RefUpdate>& updates)
      : m_impl(impl), m_tags(TagIndex::read(impl.repo)) {
    // pre-receive runs before any ref of the push is written: the push's own
    // tags count as there.
    for (const auto& update : updates) {
      if (update.ref.starts_with(tags_prefix) && !is_zero(update.new_id)) {
        m_pushed_tags[update.ref.substr(tags_prefix.size())] = update.new_id;
      }
    }
  }

  void check(const Registry::RefUpdate& update) {
    const std::string stage_refs = branch_ref(m_impl.config.stage_branch_prefix);
    if (update.ref.starts_with(tags_prefix)) {
      check_tag(update);
    } else if (update.ref.starts_with(stage_refs) && !is_zero(update.new_id)) {
      const std::string stage = update.ref.substr(stage_refs.size());
      for (const auto& configured : m_impl.config.stages) {
        if (configured.name == stage) check_stage(update, configured);
      }
    }
  }

  std::vector<std::string> refusals() && { return std::move(m_refusals); }

 private:
  void refuse(std::string_view ref, std::string_view rule, std::string_view fix) {
    m_refusals.push_back(fmt::format("refusing {}: {}\n  fix: {}", ref, rule, fix));
  }

  void check_tag(const Registry::RefUpdate& update) {
    const std::string tag_name = update.ref.substr(tags_prefix.size());
    const auto tag = parse_tag_name(tag_name);
    if (!tag || tag->deprecation) return;
    const std::string name = tag->model, version = tag->version.str();
    if (!is_zero(update.old_id)) {
      if (is_zero(update.new_id)) {
        refuse(update.ref, "a version tag is never deleted (clones and deployments rely on it)",
               fmt::format("keep it; to take the version out of use, run `mreg deprecate {}@{} --reason ...`", name,
                           version));
      } else {
        refuse(update.ref, "a version tag never moves (it names one model forever)",
               fmt::format("register a new version (`mreg register {}`); to restore your copy of the tag, run "
                           "`git fetch --force origin tag {}`",
                           name, tag_name));
      }
      return;
    }
    const auto commit = commit_of(update.new_id);
    if (!commit) {
      refuse(update.ref, "a version tag must point at a commit", fmt::format("register with `mreg register {}`", name));
      return;
    }
    if (commit->hex() == update.new_id) {
      refuse(update.ref, "a version tag is an annotated tag (its tagger is who registered the version)",
             fmt::format("delete the lightweight tag and register with `mreg register {} --version {}`", name, version));
      return;
    }
    const std::string file = m_impl.model_file(name);
    const auto text = m_impl.repo.read_file_at(*commit, file);
    if (!text) {
      refuse(update.ref, fmt::format("its commit {} has no {}", commit->hex().substr(0, 12), file),
             fmt::format("tag the commit that registered the version: `mreg register {}` makes both", name));
      return;
    }
    const auto parsed = parse_model_metadata(*text, file, metadata_rules(name));
    if (!parsed.metadata) {
      refuse(update.ref, fmt::format("{} at its commit is not valid: {}", file, parsed.diagnostics.front().str()),
             fmt::format("fix the file (`mreg validate`), commit it and register again with `mreg register {}`",
                         name));
    } else if (!parsed.metadata->version || parsed.metadata->version->str() != version) {
      refuse(update.ref,
             fmt::format("{} at its commit has version {}, not {}", file,
                         parsed.metadata->version ? parsed.metadata->version->str() : "(none)", version),
             "tag the commit whose model.yaml has this version; `mreg register` does both");
    }
  }

  void check_stage(const Registry::RefUpdate& update, const StageConfig& stage) {
    const auto tip = git::Oid::from_hex(update.new_id);
    if (!tip) return;
    const auto base = is_zero(update.old_id) ? std::nullopt : git::Oid::from_hex(update.old_id);
    const std::string& models_dir = m_impl.config.models_dir;
    const std::string fix = fmt::format(
        "change stages with `mreg promote NAME@VERSION {0}` / `mreg demote NAME {0}`, which write only "
        "registered versions' subtrees",
        stage.name);

    const std::string models_top = models_dir.substr(0, models_dir.find('/'));
    std::set<std::pair<std::string, git::Oid>> base_entries;
    if (base && m_impl.repo.has_object(*base)) {
      for (const auto& entry : m_impl.repo.list_tree(*m_impl.repo.subtree_at(*base, ""))) {
        base_entries.insert({entry.name, entry.id});
      }
    }
    for (const auto& entry : m_impl.repo.list_tree(*m_impl.repo.subtree_at(*tip, ""))) {
      if (entry.name != models_top && !base_entries.contains({entry.name, entry.id})) {
        refuse(update.ref, fmt::format("a stage branch holds only {}/<name>/ directories, but the tip has {}",
                                       models_dir, entry.name),
               fix);
      }
    }

    std::map<std::string, git::Oid> before;
    if (base && m_impl.repo.has_object(*base)) {
      for (const auto& subtree : stage_subtrees(m_impl.repo, *base, models_dir)) before[subtree.name] = subtree.tree;
    }
    for (const auto& subtree : stage_subtrees(m_impl.repo, *tip, models_dir)) {
      const auto was = before.find(subtree.name);
      if (was != before.end() && was->second == subtree.tree) continue;  // unchanged: accepted before
      check_stage_model(update.ref, stage, *tip, subtree, fix);
    }
  }

  void check_stage_model(std::string_view ref, const StageConfig& stage, const git::Oid& tip,
                         const StageSubtree& subtree, const std::string& fix) {
    const std::string& name = subtree.name;
    const std::string file = m_impl.model_file(name);
    const auto text = m_impl.repo.read_file_at(tip, file);
    const auto parsed = text ? parse_model_metadata(*text, file, metadata_rules(name)) : ParsedMetadata{};
    if (!parsed.metadata || !parsed.metadata->version) {
      refuse(ref, fmt::format("{} on the tip is not a registered version's model.yaml", file), fix);
      return;
    }
    const Version& version = *parsed.metadata->version;
    const std::string tag_name = version_tag_name(name, version);
    const IndexedVersion* indexed = m_tags.find(name, version);
    std::optional<std::string> tag_target;
    if (indexed) tag_target = indexed->tag_target.hex();
    if (const auto pushed = m_pushed_tags.find(tag_name); pushed != m_pushed_tags.end()) tag_target = pushed->second;
    if (!tag_target) {
      refuse(ref, fmt::format("{} holds {} v{}, which is not registered (there is no tag {})", m_impl.model_dir(name),
                              name, version.str(), tag_name),
             fmt::format("register it (`mreg register {}`) and push its tag together with the stage", name));
      return;
    }
    const auto tagged_commit = commit_of(*tag_target);
    const auto tagged_tree =
        tagged_commit ? m_impl.repo.subtree_at(*tagged_commit, m_impl.model_dir(name)) : std::nullopt;
    if (!tagged_tree || *tagged_tree != subtree.tree) {
      refuse(ref, fmt::format("{} is not the subtree that tag {} points at (edited by hand?)", m_impl.model_dir(name),
                              tag_name),
             fix);
      return;
    }
    const bool deprecated = (indexed && indexed->deprecated) ||
                            m_pushed_tags.contains(deprecation_tag_name(name, version));
    if (deprecated) {
      refuse(ref, fmt::format("{} v{} is deprecated, and deprecated versions are never promoted", name, version.str()),
             fmt::format("promote another version of {} (`mreg versions {}` lists them)", name, name));
      return;
    }
    for (const auto& check :
         check_stage_rules(stage, *parsed.metadata, from_holdings(m_impl, m_tags, stage, name))) {
      if (check.passed) continue;
      refuse(ref, fmt::format("{} v{} breaks the rule `{}` of stage {}: {}", name, version.str(), check.rule,
                              stage.name, check.detail),
             "meet the rule first (e.g. promote it to the `from:` stage), as `mreg promote` requires");
    }
  }

  MetadataRules metadata_rules(const std::string& name) const {
    MetadataRules rules;
    rules.expected_name = name;
    rules.required_fields = m_impl.config.require;
    rules.require_sha256 = m_impl.config.integrity == Integrity::sha256;
    return rules;
  }

  // The commit that an object id (a commit or a tag) names; nullopt otherwise.
  std::optional<git::Oid> commit_of(const std::string& id) const {
    try {
      return m_impl.repo.resolve_revision(id);
    } catch (const Error&) {
      return std::nullopt;
    }
  }

  const Registry::Impl& m_impl;
  TagIndex m_tags;
  std::map<std::string, std::string> m_pushed_tags;  // short tag name -> new id
  std::vector<std::string> m_refusals;
};

}  // namespace

std::vector<std::string> Registry::guard_ref_updates(const fs::path& git_dir, const std::vector<RefUpdate>& updates) {
  ReceivingRepository receiving(git_dir);
  git::Repository repo = receiving.take();
  RegistryConfig config = receiving_config(repo, updates);
  const fs::path cache = repo.common_dir() / "mreg";
  const fs::path where = repo.git_dir();
  Impl impl{std::move(repo), where, std::move(config), BlobStore(cache), false, FactCache(cache / "cache.sqlite")};
  Guard guard(impl, updates);
  for (const auto& update : updates) guard.check(update);
  return std::move(guard).refusals();
}

}  // namespace mreg
