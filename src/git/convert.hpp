// Conversions between mreg::git's value types and libgit2's structs.
#pragma once

#include <cstring>

#include <git2.h>

#include "git/repository.hpp"

namespace mreg::git {

static_assert(sizeof(git_oid::id) == sizeof(Oid::bytes), "Oid holds a SHA-1 object id");

inline git_oid to_git(const Oid& oid) {
  git_oid out;
  std::memcpy(out.id, oid.bytes.data(), oid.bytes.size());
  return out;
}

inline Oid from_git(const git_oid& oid) {
  Oid out;
  std::memcpy(out.bytes.data(), oid.id, out.bytes.size());
  return out;
}

// `signature` is borrowed; nullptr (a tag without a tagger) gives an empty one.
inline Signature from_git(const git_signature* signature) {
  if (signature == nullptr) return {};
  return Signature{signature->name ? signature->name : "", signature->email ? signature->email : "",
                   signature->when.time, signature->when.offset};
}

}  // namespace mreg::git
