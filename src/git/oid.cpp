#include <cstddef>

#include "git/repository.hpp"

namespace mreg::git {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Oid::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t byte : bytes) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0f]);
  }
  return out;
}

std::optional<Oid> Oid::from_hex(std::string_view hex) {
  Oid oid;
  if (hex.size() != oid.bytes.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < oid.bytes.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    oid.bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return oid;
}

}  // namespace mreg::git
