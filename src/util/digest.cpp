// XXH3-128 digests in canonical (big-endian) form, as `xxhsum -H2` prints them.
#include "mreg/digest.hpp"

#include <cstring>

#define XXH_STATIC_LINKING_ONLY  // for XXH3_state_t, so the state lives inside Hasher::State
#include <xxhash.h>
// libxxhash's x86 build picks SSE2, AVX2 or AVX-512 at run time through these
// entry points (the header renames the XXH3 calls below to them); the plain
// ones are SSE2 only, half the speed on an AVX2 machine.
#if (defined(__x86_64__) || defined(__i386__)) && __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h>
#endif

namespace mreg {
namespace {

constexpr std::string_view k_id_prefix = "xxh128:";
constexpr char k_hex_digits[] = "0123456789abcdef";

Digest from_xxh(XXH128_hash_t hash) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, hash);
  Digest digest;
  static_assert(sizeof canonical.digest == sizeof digest.bytes);
  std::memcpy(digest.bytes.data(), canonical.digest, digest.bytes.size());
  return digest;
}

// Value of a lowercase hex digit, -1 for anything else: ids are compared as
// text elsewhere (file names, YAML), so only one spelling is accepted.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string Digest::hex() const {
  std::string text(bytes.size() * 2, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    text[2 * i] = k_hex_digits[bytes[i] >> 4];
    text[2 * i + 1] = k_hex_digits[bytes[i] & 0x0f];
  }
  return text;
}

std::string Digest::id() const { return std::string(k_id_prefix) + hex(); }

std::optional<Digest> Digest::from_hex(std::string_view hex) {
  Digest digest;
  if (hex.size() != digest.bytes.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.bytes.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest.bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return digest;
}

std::optional<Digest> Digest::from_id(std::string_view id) {
  if (!id.starts_with(k_id_prefix)) return std::nullopt;
  return from_hex(id.substr(k_id_prefix.size()));
}

struct Hasher::State {
  XXH3_state_t xxh;  // over-aligned; `new State` honours that since C++17
};

Hasher::Hasher() : m_state(std::make_unique<State>()) { reset(); }
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t size) {
  XXH3_128bits_update(&m_state->xxh, data, size);
}

Digest Hasher::digest() const { return from_xxh(XXH3_128bits_digest(&m_state->xxh)); }

void Hasher::reset() { XXH3_128bits_reset(&m_state->xxh); }

Digest digest_of(const void* data, std::size_t size) { return from_xxh(XXH3_128bits(data, size)); }

}  // namespace mreg
