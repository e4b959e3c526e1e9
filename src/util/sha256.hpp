// SHA-256, for `integrity: sha256` (DESIGN §5): XXH3-128 names objects, but
// only a cryptographic hash protects against someone who can write to a blob
// remote.
//
// Sha256 is a streaming hasher over OpenSSL's EVP interface, which picks the
// fastest code the CPU supports (SHA-NI where present). One per thread; it is
// move-only because it owns an OpenSSL context. hex() finishes the hash:
// calling update() afterwards (or on a moved-from hasher) is a programming
// error and throws std::logic_error. A failure inside OpenSSL, which in
// practice means out of memory, is Error(io).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, so that callers need not include OpenSSL

namespace mreg {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, std::size_t size);
  // 64 lowercase hex digits of everything passed to update(). The first call
  // finishes the hash; later calls return the same digits.
  std::string hex();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* context) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> m_context;  // null once finished or moved from
  std::string m_hex;                                         // set when finished
};

std::string sha256_hex(std::string_view bytes);

// Exactly 64 lowercase hex digits: the one spelling mreg writes and accepts,
// since these are compared as text (model.yaml).
bool is_sha256_hex(std::string_view text);

}  // namespace mreg
