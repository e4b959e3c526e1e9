#include "core/version_reader.hpp"

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

// The tag message after its first line ("register <name> v<version>").
std::string message_body(std::string_view message) {
  const auto newline = message.find('\n');
  if (newline == std::string_view::npos) return {};
  auto body = message.substr(newline + 1);
  while (!body.empty() && body.front() == '\n') body.remove_prefix(1);
  while (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  return std::string(body);
}

}  // namespace

VersionInfo read_version_info(const git::Repository& repo, std::string_view name, const IndexedVersion& indexed) {
  VersionInfo info;
  info.name = std::string(name);
  info.version = indexed.version;
  info.tag = version_tag_name(name, indexed.version);
  auto tag = repo.read_tag(info.tag);
  if (!tag) throw Error(ErrorCode::not_found, fmt::format("tag {} disappeared while reading it", info.tag));
  info.commit = tag->target.hex();
  info.tagger_name = tag->tagger.name;
  info.tagger_email = tag->tagger.email;
  info.time = tag->tagger.time;
  info.time_offset_minutes = tag->tagger.offset_minutes;
  info.message = message_body(tag->message);
  if (!tag->annotated) {
    // GTO and git users sometimes create lightweight tags by hand; the commit
    // still names the version, but there is no registration record.
    const auto commit = repo.read_commit(tag->target);
    info.tagger_name = commit.committer.name;
    info.tagger_email = commit.committer.email;
    info.time = commit.committer.time;
    info.time_offset_minutes = commit.committer.offset_minutes;
  }
  if (indexed.deprecated) {
    info.deprecated = true;
    if (auto deprecation = repo.read_tag(deprecation_tag_name(name, indexed.version))) {
      info.deprecation_reason = message_body("\n" + deprecation->message);
    }
  }
  return info;
}

ModelMetadata read_committed_metadata(const Registry::Impl& impl, std::string_view name, const git::Oid& commit) {
  const std::string file = impl.model_file(name);
  auto text = impl.repo.read_file_at(commit, file);
  if (!text) {
    throw Error(ErrorCode::corrupt, fmt::format("commit {} has no {}", commit.hex().substr(0, 12), file),
                "the version tag points at a commit that does not hold the model; it was not made by mreg register");
  }
  MetadataRules rules;
  rules.expected_name = std::string(name);
  return load_model_metadata(*text, fmt::format("{}:{}", commit.hex().substr(0, 12), file), rules);
}

}  // namespace mreg
