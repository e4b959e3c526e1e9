#include <cstdint>
#include <string>

#include "mreg/metadata.hpp"

namespace mreg {
namespace {

std::string lower_extension(std::string_view path) {
  const auto name = path.substr(path.rfind('/') + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string extension(name.substr(dot));
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return extension;
}

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> options) {
  for (auto option : options) {
    if (value == option) return true;
  }
  return false;
}

// safetensors: an 8-byte little-endian header length, then the JSON header.
// The length must be plausible, so that other files starting with a small
// number and '{' are not taken for safetensors.
bool is_safetensors(std::string_view head) {
  if (head.size() < 9 || head[8] != '{') return false;
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(head[static_cast<std::size_t>(i)]);
  constexpr std::uint64_t max_header = std::uint64_t{100} << 20;
  return length >= 2 && length <= max_header;
}

}  // namespace

std::string detect_artifact_format(std::string_view path, std::string_view head) {
  const std::string extension = lower_extension(path);
  const auto starts_with = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };

  if (is_safetensors(head)) return "safetensors";
  if (starts_with("GGUF")) return "gguf";
  if (starts_with(std::string_view("\x93NUMPY", 6))) return "numpy";
  if (starts_with("\x89HDF")) return "hdf5";
  const bool torch_extension = is_one_of(extension, {".pt", ".pth", ".bin"});
  if (starts_with(std::string_view("PK\x03\x04", 4)) && torch_extension) return "pytorch";
  if (!head.empty() && static_cast<unsigned char>(head[0]) == 0x80) {
    // torch.save's legacy format is a pickle too.
    if (torch_extension) return "pytorch";
    if (is_one_of(extension, {".pkl", ".pickle", ".joblib"})) return "pickle";
  }
  // ONNX is a protobuf without a magic number.
  if (extension == ".onnx") return "onnx";
  if (extension == ".json") return "json";
  if (extension == ".xgb" || extension == ".ubj") return "xgboost";
  if (extension == ".txt" || extension == ".md") return "text";
  if (extension == ".tflite") return "tflite";
  if (extension == ".pb") return "tensorflow";
  return {};
}

}  // namespace mreg
