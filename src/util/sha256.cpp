#include "util/sha256.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "mreg/error.hpp"

namespace mreg {
namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

// OpenSSL keeps its reasons on a per-thread queue; take the oldest, so the
// message names the first thing that went wrong, and clear the rest.
[[noreturn]] void throw_openssl_error(std::string_view what) {
  char reason[256] = "unknown error";
  if (const unsigned long code = ERR_get_error()) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw Error(ErrorCode::io, fmt::format("sha256: {} failed: {}", what, reason));
}

}  // namespace

void Sha256::ContextDeleter::operator()(evp_md_ctx_st* context) const noexcept { EVP_MD_CTX_free(context); }

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
  if (!m_context) throw_openssl_error("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr) != 1) throw_openssl_error("EVP_DigestInit_ex");
}

Sha256::~Sha256() = default;

Sha256::Sha256(Sha256&& other) noexcept
    : m_context(std::move(other.m_context)), m_hex(std::exchange(other.m_hex, {})) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  m_context = std::move(other.m_context);
  m_hex = std::exchange(other.m_hex, {});
  return *this;
}

void Sha256::update(const void* data, std::size_t size) {
  if (!m_context) throw std::logic_error("Sha256::update after hex() or after being moved from");
  if (EVP_DigestUpdate(m_context.get(), data, size) != 1) throw_openssl_error("EVP_DigestUpdate");
}

std::string Sha256::hex() {
  if (!m_context) {
    if (m_hex.empty()) throw std::logic_error("Sha256::hex on a moved-from hasher");
    return m_hex;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(m_context.get(), digest, &size) != 1) throw_openssl_error("EVP_DigestFinal_ex");
  m_context.reset();
  m_hex.assign(std::size_t{size} * 2, '0');
  for (unsigned int i = 0; i < size; ++i) {
    m_hex[2 * i] = k_hex_digits[digest[i] >> 4];
    m_hex[2 * i + 1] = k_hex_digits[digest[i] & 0x0f];
  }
  return m_hex;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hasher;
  hasher.update(bytes.data(), bytes.size());
  return hasher.hex();
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace mreg
