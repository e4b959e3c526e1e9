// What the refs and work trees still need from the blob store, for gc.
//
// A file (named by its whole-file digest) is needed when one of these
// model.yaml files names it:
//   - models/<name>/model.yaml at the commit of every version tag,
//     deprecated ones included (they stay readable and fetchable);
//   - every model directory's model.yaml at the tip of every other ref:
//     branches (stage branches included), remote-tracking branches, tags
//     that are not mreg's, refs/stash (with the index and untracked-files
//     commits it records), and every worktree's HEAD when it is detached;
//   - every models/**/model.yaml in the work tree of every worktree of the
//     repository, and in this worktree's index: drafts that `mreg add`
//     wrote and staged and nobody committed yet.
// A needed file stored whole needs its object; stored chunked, its manifest
// and every chunk the manifest lists.
//
// Older commits and reflogs are not read: a version is kept by its tag, and
// what only history names goes (as a deleted tag's files do). Other linked
// worktrees' indexes are not read: their drafts are covered by their work
// trees and by gc's grace period.
//
// Nothing is guessed: a model.yaml that does not parse, a tag whose commit is
// missing or a manifest that does not parse is a problem, and gc deletes
// nothing while there is one.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "core/registry_impl.hpp"
#include "mreg/digest.hpp"

namespace mreg {

struct Reachable {
  std::set<Digest> objects;    // whole-file objects and chunks
  std::set<Digest> manifests;  // manifests of chunked files (by the file's digest)
  std::size_t metadata_files = 0;  // distinct model.yaml files read
  // What could not be read, one sentence each naming the file or ref: while
  // there is any, what the refs need is not known.
  std::vector<std::string> problems;
};

Reachable find_reachable(const Registry::Impl& impl);

}  // namespace mreg
