// Reading refs, listing them in one pass, and compare-and-swap updates.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "git/convert.hpp"
#include "git/git_error.hpp"
#include "git/library.hpp"
#include "git/repository_impl.hpp"
#include "mreg/error.hpp"

namespace mreg::git {
namespace {

// libgit2's answers to git_reference_create_matching when another writer got
// to the ref first: it moved or appeared (EMODIFIED), it holds the lock right
// now (ELOCKED), or the ref vanished (ENOTFOUND, when an old value was
// expected). EEXISTS is not among them: with force=1 it means that the name
// collides with another ref's path ("stage" against "stage/production").
bool lost_race(int rc, bool expected_existing) {
  return rc == GIT_EMODIFIED || rc == GIT_ELOCKED || (expected_existing && rc == GIT_ENOTFOUND);
}

}  // namespace

bool Repository::is_valid_ref_name(std::string_view full_ref) {
  ensure_libgit2_initialized();
  const std::string name(full_ref);
  int valid = 0;
  check(git_reference_name_is_valid(&valid, name.c_str()), fmt::format("checking the ref name {:?}", name));
  return valid != 0;
}

std::optional<Oid> Repository::resolve_ref(std::string_view full_ref) const {
  const std::string name(full_ref);
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, m_impl->get(), name.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, fmt::format("resolving {}", name));
  return from_git(oid);
}

std::optional<Oid> Repository::resolve_revision(std::string_view revision) const {
  const std::string spec(revision);
  git_object* raw = nullptr;
  const int rc = git_revparse_single(&raw, m_impl->get(), spec.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return std::nullopt;
  check(rc, fmt::format("reading the revision {:?}", spec));
  const ObjectPtr object(raw);
  git_object* raw_commit = nullptr;
  if (git_object_peel(&raw_commit, object.get(), GIT_OBJECT_COMMIT) < 0) {
    throw Error(ErrorCode::invalid,
                fmt::format("{:?} names a {}, not a commit", spec, git_object_type2string(git_object_type(object.get()))));
  }
  const ObjectPtr commit(raw_commit);
  return from_git(*git_object_id(commit.get()));
}

std::optional<Oid> Repository::head_commit() const {
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, m_impl->get(), "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;
  check(rc, "resolving HEAD");
  return from_git(oid);
}

std::optional<std::string> Repository::head_branch_ref() const {
  git_reference* raw = nullptr;
  check(git_reference_lookup(&raw, m_impl->get(), "HEAD"), "reading HEAD");
  const ReferencePtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return std::nullopt;
  return std::string(git_reference_symbolic_target(head.get()));
}

std::vector<std::pair<std::string, Oid>> Repository::list_refs(std::string_view glob) const {
  const std::string pattern(glob);
  const std::string what = fmt::format("listing refs matching {}", pattern);
  git_reference_iterator* raw_iterator = nullptr;
  check(git_reference_iterator_glob_new(&raw_iterator, m_impl->get(), pattern.c_str()), what);
  const ReferenceIteratorPtr iterator(raw_iterator);

  std::vector<std::pair<std::string, Oid>> refs;
  for (;;) {
    git_reference* raw = nullptr;
    const int rc = git_reference_next(&raw, iterator.get());
    if (rc == GIT_ITEROVER) break;
    check(rc, what);
    const ReferencePtr ref(raw);
    if (git_reference_type(ref.get()) == GIT_REFERENCE_DIRECT) {
      refs.emplace_back(git_reference_name(ref.get()), from_git(*git_reference_target(ref.get())));
      continue;
    }
    git_reference* raw_resolved = nullptr;
    const int resolve_rc = git_reference_resolve(&raw_resolved, ref.get());
    if (resolve_rc == GIT_ENOTFOUND) continue;  // a symbolic ref to an unborn branch
    check(resolve_rc, fmt::format("resolving {}", git_reference_name(ref.get())));
    const ReferencePtr resolved(raw_resolved);
    refs.emplace_back(git_reference_name(ref.get()), from_git(*git_reference_target(resolved.get())));
  }
  // libgit2 yields loose refs, then packed ones in order: after `git gc`
  // (every ref packed) the list is already sorted, and with 20,000 tags
  // sorting strings with long common prefixes again cost more than reading them.
  const auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(refs.begin(), refs.end(), by_name)) std::sort(refs.begin(), refs.end(), by_name);
  return refs;
}

bool Repository::update_ref(std::string_view ref, const Oid& target, const std::optional<Oid>& expected,
                            std::string_view reflog_message) {
  const std::string name(ref);
  const std::string message(reflog_message);
  const git_oid new_id = to_git(target);
  // The all-zero id stands for "no ref". Creating goes through the same
  // compare-under-lock as moving: git_reference_create with force=0 checks
  // for an existing ref before it takes the lock, so two creators can both
  // succeed, the second overwriting the first.
  const git_oid old_id = expected ? to_git(*expected) : git_oid{};
  git_reference* raw = nullptr;
  const int rc = git_reference_create_matching(&raw, m_impl->get(), name.c_str(), &new_id, 1, &old_id,
                                               message.empty() ? nullptr : message.c_str());
  const ReferencePtr updated(raw);
  if (lost_race(rc, expected.has_value())) return false;
  check(rc, fmt::format("updating {} to {}", name, target.hex()));
  return true;
}

bool Repository::update_detached_head(const Oid& target, const Oid& expected) {
  const git_oid new_id = to_git(target);
  const git_oid old_id = to_git(expected);
  git_reference* raw = nullptr;
  const int rc = git_reference_create_matching(&raw, m_impl->get(), "HEAD", &new_id, 1, &old_id, nullptr);
  const ReferencePtr updated(raw);
  if (lost_race(rc, true)) return false;
  check(rc, fmt::format("updating the detached HEAD to {}", target.hex()));
  return true;
}

bool Repository::remove_stale_ref_lock(std::string_view ref, std::chrono::seconds age) {
  // HEAD (and other per-worktree refs) live in the worktree's git dir, the
  // rest in the common dir.
  const auto base = ref.starts_with("refs/") ? common_dir() : git_dir();
  const auto lock = base / (std::string(ref) + ".lock");
  std::error_code error;
  const auto written = std::filesystem::last_write_time(lock, error);
  if (error) return false;
  if (std::filesystem::file_time_type::clock::now() - written < age) return false;
  return std::filesystem::remove(lock, error);
}

}  // namespace mreg::git
