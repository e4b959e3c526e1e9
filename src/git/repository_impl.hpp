// Repository::Impl: the libgit2 repository handle behind mreg::git::Repository,
// with the lookups that the member functions of several files share.
//
// Repository's members are split by idea over repository.cpp (opening, paths,
// config), refs.cpp, tags.cpp, objects.cpp, tree_edit.cpp and index_update.cpp.
#pragma once

#include <string>
#include <string_view>

#include <git2.h>

#include "git/handles.hpp"
#include "git/repository.hpp"

namespace mreg::git {

struct Repository::Impl {
  RepositoryPtr repo;

  git_repository* get() const { return repo.get(); }
};

// Each throws Error(git) naming the object when it is missing or of another type.
CommitPtr lookup_commit(git_repository* repo, const Oid& id);
TreePtr lookup_tree(git_repository* repo, const Oid& id);
BlobPtr lookup_blob(git_repository* repo, const git_oid& id);
TreePtr commit_tree(git_repository* repo, const Oid& commit);

// The entry at '/'-separated `path` below `tree`; nullptr when there is none.
TreeEntryPtr entry_at(const git_tree* tree, const std::string& path);

// A libgit2 signature for `signature`; `role` ("author", "tagger") names it in errors.
SignaturePtr make_signature(const Signature& signature, std::string_view role);

}  // namespace mreg::git
