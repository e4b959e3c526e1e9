// Registry::pushed_versions: which versions a `git push` carries (DESIGN §7).
//
// pre-push uploads the objects these versions need before git sends the
// refs, so that nobody can fetch a ref whose blobs are not on the remote
// yet. Only ref names are looked at first, so a push of code branches reads
// no object and makes no network request.
#include <set>

#include "core/registry_impl.hpp"
#include "core/stage_reader.hpp"
#include "core/tag_index.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";

bool is_deletion(const Registry::RefUpdate& update) {
  return update.new_id.find_first_not_of('0') == std::string::npos;
}

}  // namespace

std::vector<ModelRef> Registry::pushed_versions(const std::vector<RefUpdate>& updates) const {
  const auto& impl = *m_impl;
  const std::string stage_refs = branch_ref(impl.config.stage_branch_prefix);
  std::set<std::string> seen;
  std::vector<ModelRef> refs;
  const auto add = [&](std::string name, const Version& version) {
    ModelRef ref;
    ref.name = std::move(name);
    ref.kind = ModelRef::Kind::version;
    ref.version = version;
    if (seen.insert(ref.str()).second) refs.push_back(std::move(ref));
  };
  std::optional<TagIndex> tags;
  for (const auto& update : updates) {
    if (is_deletion(update)) continue;
    if (update.ref.starts_with(tags_prefix)) {
      const auto tag = parse_tag_name(std::string_view(update.ref).substr(tags_prefix.size()));
      if (tag && !tag->deprecation) add(tag->model, tag->version);
    } else if (update.ref.starts_with(stage_refs)) {
      const auto commit = git::Oid::from_hex(update.new_id);
      if (!commit) continue;
      if (!tags) tags = TagIndex::read(impl.repo);
      // Every version on the pushed tip: a clone of the stage gets them all.
      for (const auto& subtree : stage_subtrees(impl.repo, *commit, impl.config.models_dir)) {
        const auto model = read_stage_model(impl, *tags, subtree, update.ref);
        if (model.entry.version && model.entry.status == StageEntry::Status::verified) {
          add(model.entry.name, *model.entry.version);
        }
      }
    }
  }
  return refs;
}

}  // namespace mreg
