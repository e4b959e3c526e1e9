// Content digests: XXH3-128 in its canonical (big-endian) form.
//
// An object's id is "xxh128:" followed by 32 lowercase hex digits, the
// canonical big-endian encoding of XXH3-128 with seed 0 (the form that
// `xxhsum -H2` prints). Hasher is a streaming hasher for inputs read in
// pieces; it is not thread-safe, one per thread.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mreg {

struct Digest {
  std::array<std::uint8_t, 16> bytes{};  // canonical big-endian XXH3-128

  std::string hex() const;  // 32 lowercase hex digits
  std::string id() const;   // "xxh128:<hex>"

  // Parses exactly 32 lowercase hex digits; nullopt otherwise.
  static std::optional<Digest> from_hex(std::string_view hex);
  // Parses "xxh128:<hex>"; nullopt for anything else (other algorithms,
  // upper case, wrong length).
  static std::optional<Digest> from_id(std::string_view id);

  friend auto operator<=>(const Digest&, const Digest&) = default;
};

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(const void* data, std::size_t size);
  // Digest of everything passed to update(); the hasher may keep being used.
  Digest digest() const;
  void reset();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

Digest digest_of(const void* data, std::size_t size);
inline Digest digest_of(std::string_view text) { return digest_of(text.data(), text.size()); }

}  // namespace mreg
