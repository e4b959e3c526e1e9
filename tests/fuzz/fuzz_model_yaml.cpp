// parse_model_metadata() on arbitrary model.yaml text, with the default rules
// and with a draft's rules. Problems are diagnostics, never exceptions other
// than mreg::Error; hostile YAML (alias bombs, deep nesting) is refused
// before it is walked. Metadata that parses emits text that parses again to
// the same emitted text, and converts to JSON that can be printed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "mreg/error.hpp"
#include "mreg/metadata.hpp"

namespace {

void check(std::string_view text, const mreg::MetadataRules& rules) {
  mreg::ParsedMetadata parsed;
  try {
    parsed = mreg::parse_model_metadata(text, "model.yaml", rules);
  } catch (const mreg::Error&) {
    return;
  }
  MREG_FUZZ_CHECK(parsed.metadata.has_value() == parsed.diagnostics.empty());
  for (const auto& diagnostic : parsed.diagnostics) diagnostic.str();
  if (!parsed.metadata) return;

  mreg::metadata_to_json(*parsed.metadata).dump();
  const std::string emitted = mreg::emit_model_metadata(*parsed.metadata);
  const mreg::ParsedMetadata again = mreg::parse_model_metadata(emitted, "model.yaml", rules);
  if (!again.metadata) {
    for (const auto& diagnostic : again.diagnostics) std::fprintf(stderr, "%s\n", diagnostic.str().c_str());
  }
  MREG_FUZZ_CHECK(again.metadata.has_value());
  MREG_FUZZ_CHECK(mreg::emit_model_metadata(*again.metadata) == emitted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, {});
  mreg::MetadataRules draft;
  draft.allow_draft = true;
  draft.require_sha256 = true;
  check(text, draft);
  return 0;
}
