#include "core/stage_write.hpp"

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

std::string with_text(std::string subject, std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  subject += "\n\n";
  if (!text.empty()) subject += fmt::format("{}\n\n", text);
  return subject;
}

}  // namespace

std::string promotion_message(std::string_view name, const Version& version, std::string_view stage,
                              const std::optional<Version>& previous, std::string_view text) {
  std::string message = with_text(fmt::format("promote {} v{} to {}", name, version.str(), stage), text);
  message += fmt::format("Mreg-Model: {}\nMreg-Version: {}\n", name, version.str());
  if (previous) message += fmt::format("Mreg-Previous: {}\n", previous->str());
  message += fmt::format("Mreg-Tag: {}\n", version_tag_name(name, version));
  return message;
}

std::string demotion_message(std::string_view name, const std::optional<Version>& previous, std::string_view stage,
                             std::string_view text) {
  const std::string subject = previous ? fmt::format("demote {} v{} from {}", name, previous->str(), stage)
                                       : fmt::format("demote {} from {}", name, stage);
  std::string message = with_text(subject, text);
  message += fmt::format("Mreg-Model: {}\n", name);
  if (previous) message += fmt::format("Mreg-Previous: {}\n", previous->str());
  return message;
}

std::optional<git::Oid> write_stage_commit(Registry::Impl& impl, const StageBranch& stage,
                                           const std::optional<std::string>& new_branch, const CommitPlanner& plan,
                                           const git::Signature& signature) {
  if (!new_branch) return commit_on_branch(impl.repo, stage.ref, stage.remote_tip, plan, signature);

  const std::string ref = branch_ref(*new_branch);
  if (new_branch->empty() || !git::Repository::is_valid_ref_name(ref)) {
    throw Error(ErrorCode::invalid, fmt::format("--branch: {:?} is not a valid git branch name", *new_branch),
                "use a name like promote-fraud-1.3.0");
  }
  const auto exists = [&] {
    return Error(ErrorCode::already_exists, fmt::format("branch {} already exists", *new_branch),
                 fmt::format("choose another name for the pull request's branch, or delete it with `git branch -D {}`",
                             *new_branch));
  };
  if (impl.repo.resolve_ref(ref)) throw exists();
  const auto parent = stage.tip();
  const auto planned = plan(parent);
  if (!planned) return std::nullopt;
  std::vector<git::Oid> parents;
  if (parent) parents.push_back(*parent);
  const auto commit = impl.repo.create_commit(planned->tree, parents, signature, signature, planned->message);
  const std::string reflog = fmt::format("mreg: {}", planned->message.substr(0, planned->message.find('\n')));
  if (!impl.repo.update_ref(ref, commit, std::nullopt, reflog)) throw exists();
  return commit;
}

}  // namespace mreg
