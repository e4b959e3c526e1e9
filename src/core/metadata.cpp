#include "mreg/metadata.hpp"

namespace mreg {

std::optional<double> ModelMetadata::metric(std::string_view key) const {
  for (const auto& [name, value] : metrics) {
    if (name == key) return value;
  }
  return std::nullopt;
}

void ModelMetadata::set_metric(std::string key, double value) {
  for (auto& [name, existing] : metrics) {
    if (name == key) {
      existing = value;
      return;
    }
  }
  metrics.emplace_back(std::move(key), value);
}

}  // namespace mreg
