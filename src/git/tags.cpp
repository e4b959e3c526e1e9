// Reading version tags and creating annotated ones.
#include <string>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/repository_impl.hpp"
#include "mreg/error.hpp"

namespace mreg::git {

std::optional<TagInfo> Repository::read_tag(std::string_view tag_name) const {
  const std::string ref = fmt::format("refs/tags/{}", tag_name);
  git_oid target_id;
  const int rc = git_reference_name_to_id(&target_id, m_impl->get(), ref.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, fmt::format("reading {}", ref));

  git_object* raw = nullptr;
  check(git_object_lookup(&raw, m_impl->get(), &target_id, GIT_OBJECT_ANY),
        fmt::format("reading the object {} points at", ref));
  const ObjectPtr object(raw);
  check(git_object_peel(&raw, object.get(), GIT_OBJECT_COMMIT),
        fmt::format("finding the commit that {} points at", ref));
  const ObjectPtr commit(raw);

  TagInfo info;
  info.name = std::string(tag_name);
  info.target = from_git(*git_object_id(commit.get()));
  if (git_object_type(object.get()) == GIT_OBJECT_TAG) {
    const auto* tag = reinterpret_cast<const git_tag*>(object.get());
    info.annotated = true;
    info.tagger = from_git(git_tag_tagger(tag));
    const char* message = git_tag_message(tag);
    info.message = message ? message : "";
  }
  return info;
}

bool Repository::create_annotated_tag(std::string_view tag_name, const Oid& commit, const Signature& tagger,
                                      std::string_view message) {
  const std::string name(tag_name);
  const std::string ref = fmt::format("refs/tags/{}", name);
  int valid = 0;
  check(git_reference_name_is_valid(&valid, ref.c_str()), fmt::format("checking the tag name {}", name));
  if (!valid) throw Error(ErrorCode::invalid, fmt::format("\"{}\" is not a valid git tag name", name));
  if (resolve_ref(ref)) return false;

  const CommitPtr target = lookup_commit(m_impl->get(), commit);
  const SignaturePtr signature = make_signature(tagger, "tagger");
  std::string text(message);
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  // The tag object first, then the ref with update_ref's compare-under-lock:
  // git_tag_create checks for an existing tag before it takes the ref's lock,
  // so two racing creators could both succeed there. The loser of the race
  // leaves an unreferenced tag object, which git gc removes.
  git_oid tag_id;
  check(git_tag_annotation_create(&tag_id, m_impl->get(), name.c_str(),
                                  reinterpret_cast<const git_object*>(target.get()), signature.get(),
                                  text.c_str()),
        fmt::format("writing tag {} of commit {}", name, commit.hex()));
  return update_ref(ref, from_git(tag_id), std::nullopt, "");
}

}  // namespace mreg::git
