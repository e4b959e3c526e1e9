#include "mreg/refs.hpp"

#include <fmt/format.h>

#include "core/name_rules.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"

namespace mreg {
namespace {

constexpr std::string_view accepted_forms =
    "accepted forms: NAME, NAME@latest, NAME@1.3.0, NAME@v1.3.0, NAME#STAGE";

[[noreturn]] void throw_bad_ref(std::string_view text, std::string_view problem) {
  throw Error(ErrorCode::invalid, fmt::format("model reference {:?}: {}; {}", text, problem, accepted_forms));
}

}  // namespace

ModelRef ModelRef::parse(std::string_view text) {
  if (text.empty()) throw_bad_ref(text, "it is empty");
  ModelRef ref;
  // Names cannot contain '@' or '#', so the first of them ends the name.
  const std::size_t split = text.find_first_of("@#");
  ref.name = std::string(text.substr(0, split));
  if (auto problem = model_name_problem(ref.name)) throw_bad_ref(text, *problem);
  if (split == std::string_view::npos) return ref;

  const auto rest = text.substr(split + 1);
  if (text[split] == '#') {
    if (auto problem = stage_name_problem(rest)) throw_bad_ref(text, *problem);
    ref.kind = Kind::stage;
    ref.stage = std::string(rest);
    return ref;
  }
  if (rest == "latest") return ref;
  try {
    ref.version = Version::parse_or_throw(rest, "version");
  } catch (const Error& e) {
    throw_bad_ref(text, e.what());
  }
  ref.kind = Kind::version;
  return ref;
}

std::string ModelRef::str() const {
  switch (kind) {
    case Kind::latest: return name;
    case Kind::version: return version ? fmt::format("{}@{}", name, version->str()) : name;
    case Kind::stage: break;
  }
  return fmt::format("{}#{}", name, stage);
}

std::optional<std::string> stage_name_problem(std::string_view stage) {
  if (stage.empty()) return std::string("invalid stage name \"\": a stage needs a name, e.g. production");
  if (stage.find('/') != std::string_view::npos) {
    return fmt::format("invalid stage name {:?}: a stage name is one segment, without '/'", stage);
  }
  if (auto problem = name_segment_problem(stage)) return fmt::format("invalid stage name {:?}: {}", stage, *problem);
  return std::nullopt;
}

std::string version_tag_name(std::string_view model, const Version& version) {
  return fmt::format("{}@v{}", model, version.str());
}

std::string deprecation_tag_name(std::string_view model, const Version& version) {
  return version_tag_name(model, version) + "!";
}

std::string tag_ref(std::string_view tag_name) { return fmt::format("refs/tags/{}", tag_name); }

std::string stage_branch_name(std::string_view prefix, std::string_view stage) {
  return fmt::format("{}{}", prefix, stage);
}

std::string branch_ref(std::string_view branch_name) { return fmt::format("refs/heads/{}", branch_name); }

std::optional<ParsedTag> parse_tag_name(std::string_view tag_name) {
  ParsedTag tag;
  if (!tag_name.empty() && tag_name.back() == '!') {
    tag.deprecation = true;
    tag_name.remove_suffix(1);
  }
  const std::size_t at = tag_name.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const auto version_text = tag_name.substr(at + 1);
  // Exactly one 'v': Version::parse would also take "1.0.0" or, after our
  // prefix, a second 'v'; neither is a tag mreg writes.
  if (version_text.size() < 2 || version_text[0] != 'v' || version_text[1] < '0' || version_text[1] > '9') {
    return std::nullopt;
  }
  auto version = Version::parse(version_text);
  if (!version) return std::nullopt;
  tag.model = std::string(tag_name.substr(0, at));
  if (model_name_problem(tag.model)) return std::nullopt;
  tag.version = std::move(*version);
  return tag;
}

}  // namespace mreg
