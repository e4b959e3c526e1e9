// parse_registry_config() on arbitrary mreg.yaml text. Problems are
// diagnostics, never exceptions other than mreg::Error; hostile YAML is
// refused before it is walked. A config that parses emits text that parses
// again to the same emitted text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "mreg/config.hpp"
#include "mreg/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mreg::ParsedConfig parsed;
  try {
    parsed = mreg::parse_registry_config(text, "mreg.yaml");
  } catch (const mreg::Error&) {
    return 0;
  }
  MREG_FUZZ_CHECK(parsed.config.has_value() == parsed.diagnostics.empty());
  for (const auto& diagnostic : parsed.diagnostics) diagnostic.str();
  if (!parsed.config) return 0;

  const mreg::RegistryConfig& config = *parsed.config;
  for (const auto& stage : config.stages) {
    MREG_FUZZ_CHECK(config.find_stage(stage.name) != nullptr);
    for (const auto& gate : stage.require) {
      gate.passes(0.5);
      gate.higher_is_better();
    }
  }
  const std::string emitted = mreg::emit_registry_config(config);
  const mreg::ParsedConfig again = mreg::parse_registry_config(emitted, "mreg.yaml");
  if (!again.config) {
    for (const auto& diagnostic : again.diagnostics) std::fprintf(stderr, "%s\n", diagnostic.str().c_str());
  }
  MREG_FUZZ_CHECK(again.config.has_value());
  MREG_FUZZ_CHECK(mreg::emit_registry_config(*again.config) == emitted);
  return 0;
}
