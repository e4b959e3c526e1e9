// Registry::deprecate: the deprecation tag "<name>@v<version>!" (DESIGN §2).
//
// The tag points at the version tag's commit and its message is the reason.
// After it, NAME@latest skips the version (TagIndex reads the "!" tags) and
// promote refuses it; the version stays readable and fetchable.
#include <cctype>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/stage_write.hpp"
#include "mreg/error.hpp"
#include "mreg/refs.hpp"

namespace mreg {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

DeprecateResult Registry::deprecate(const ModelRef& ref, std::string_view reason) {
  auto& impl = *m_impl;
  impl.require_work_tree_config("deprecate");
  const std::string_view text = trimmed(reason);
  if (text.empty()) {
    throw Error(ErrorCode::usage, "a deprecation needs a reason",
                fmt::format("say why, e.g. mreg deprecate {} -m \"leaks the test set\"", ref.str()));
  }
  const ResolvedVersion resolved = resolve(ref);
  const VersionInfo& info = resolved.info;
  const std::string tag = deprecation_tag_name(info.name, info.version);
  if (info.deprecated) {
    throw Error(ErrorCode::already_exists,
                fmt::format("{} v{} is already deprecated{}", info.name, info.version.str(),
                            info.deprecation_reason.empty() ? "" : ": " + info.deprecation_reason),
                fmt::format("the tag {} records it; deprecation tags never move", tag));
  }
  if (!resolved.verified) {
    throw Error(ErrorCode::not_found,
                fmt::format("cannot deprecate {} v{}: its version tag {} is not in this clone", info.name,
                            info.version.str(), info.tag),
                "fetch the tags with `git fetch --tags`");
  }
  const auto signature = impl.repo.default_signature();
  if (!impl.repo.create_annotated_tag(tag, *git::Oid::from_hex(info.commit), signature, std::string(text) + "\n")) {
    throw Error(ErrorCode::already_exists,
                fmt::format("{} v{} was deprecated by another process just now", info.name, info.version.str()),
                "`mreg show " + info.name + "@" + info.version.str() + "` shows the reason");
  }
  return {info.name, info.version, tag, resolved.stages};
}

}  // namespace mreg
