// Reading the refs under one prefix from git's packed-refs file without
// parsing all of it.
//
// libgit2 1.5 loads the whole file into a sorted cache before it answers any
// question about a packed ref: at 100,000 tags that is 12 MB and most of the
// time `mreg show NAME#production` takes. git itself binary-searches the file
// when its header says it is sorted ("# pack-refs with: ... sorted "), which
// every git since 2.x writes; this does the same, and falls back to one
// linear pass when the trait is missing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mreg::git {

// Every "<hex> <refname>" line of `file` whose refname starts with `prefix`,
// in file order, as (refname, hex). Peeled lines ("^<hex>"), comments and
// lines that are not "<40 hex> <name>" are skipped, as git skips them when
// listing.
std::vector<std::pair<std::string, std::string>> packed_refs_with_prefix(std::string_view file,
                                                                          std::string_view prefix);

}  // namespace mreg::git
