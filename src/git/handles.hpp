// Owning handles for libgit2 objects.
//
// Each handle type is a move-only std::unique_ptr with a stateless deleter
// that calls the matching git_*_free, so ownership is decided by the type and
// never tracked at run time. Pointers that libgit2 lends (git_commit_tree_id,
// git_tree_entry_byindex, git_tag_tagger, ...) are borrowed and never wrapped.
#pragma once

#include <memory>

#include <git2.h>

namespace mreg::git {

template <auto free_fn>
struct Deleter {
  template <typename T>
  void operator()(T* handle) const noexcept {
    free_fn(handle);
  }
};

template <typename T, auto free_fn>
using Handle = std::unique_ptr<T, Deleter<free_fn>>;

using RepositoryPtr = Handle<git_repository, git_repository_free>;
using ReferencePtr = Handle<git_reference, git_reference_free>;
using ReferenceIteratorPtr = Handle<git_reference_iterator, git_reference_iterator_free>;
using ObjectPtr = Handle<git_object, git_object_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using TreeBuilderPtr = Handle<git_treebuilder, git_treebuilder_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;
using SignaturePtr = Handle<git_signature, git_signature_free>;
using ConfigPtr = Handle<git_config, git_config_free>;
using IndexPtr = Handle<git_index, git_index_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;

}  // namespace mreg::git
