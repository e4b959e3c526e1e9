#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "git/packed_refs.hpp"

using mreg::git::packed_refs_with_prefix;
using Refs = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr std::string_view sorted_header = "# pack-refs with: peeled fully-peeled sorted \n";

std::string hex_of(std::size_t n) { return fmt::format("{:040x}", n + 1); }

// Every ref of `names` that starts with `prefix`, the slow obvious way.
Refs expected(const std::vector<std::string>& names, std::string_view prefix) {
  Refs refs;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].starts_with(prefix)) refs.emplace_back(names[i], hex_of(i));
  }
  return refs;
}

// A packed-refs file of `names` (sorted), each annotated tag followed by its peeled line.
std::string packed_file(std::string_view header, const std::vector<std::string>& names) {
  std::string file(header);
  for (std::size_t i = 0; i < names.size(); ++i) {
    file += fmt::format("{} {}\n", hex_of(i), names[i]);
    if (i % 3 != 0) file += fmt::format("^{:040x}\n", 900000 + i);
  }
  return file;
}

}  // namespace

TEST_CASE("packed refs under a prefix are found by binary search", "[git][packed_refs]") {
  const std::vector<std::string> names = {
      "refs/heads/main",         "refs/heads/stage/production", "refs/tags/a@v1.0.0",
      "refs/tags/a@v1.1.0",      "refs/tags/a@v1.1.0!deprecated", "refs/tags/ab@v1.0.0",
      "refs/tags/team/b@v0.1.0", "refs/tags/team/b@v0.2.0",       "refs/tags/z@v9.0.0"};
  const std::string file = packed_file(sorted_header, names);
  CHECK(packed_refs_with_prefix(file, "refs/tags/a@v") == expected(names, "refs/tags/a@v"));
  CHECK(packed_refs_with_prefix(file, "refs/tags/a@v").size() == 3);
  CHECK(packed_refs_with_prefix(file, "refs/tags/team/b@v") == expected(names, "refs/tags/team/b@v"));
  CHECK(packed_refs_with_prefix(file, "refs/heads/") == expected(names, "refs/heads/"));  // the first lines
  CHECK(packed_refs_with_prefix(file, "refs/tags/z@v") == expected(names, "refs/tags/z@v"));  // the last line
  CHECK(packed_refs_with_prefix(file, "refs/tags/") == expected(names, "refs/tags/"));
  CHECK(packed_refs_with_prefix(file, "").size() == names.size());
  CHECK(packed_refs_with_prefix(file, "refs/tags/b@v").empty());
  CHECK(packed_refs_with_prefix(file, "refs/zzz").empty());
  CHECK(packed_refs_with_prefix(file, "a").empty());
}

TEST_CASE("a packed-refs file without the sorted trait is read line by line", "[git][packed_refs]") {
  // Written by an old git or by hand: the order says nothing.
  const std::vector<std::string> names = {"refs/tags/m@v2.0.0", "refs/heads/main", "refs/tags/m@v1.0.0",
                                          "refs/tags/a@v1.0.0"};
  for (const std::string_view header : {std::string_view("# pack-refs with: peeled \n"), std::string_view("")}) {
    const std::string file = packed_file(header, names);
    CHECK(packed_refs_with_prefix(file, "refs/tags/m@v") == expected(names, "refs/tags/m@v"));
  }
}

TEST_CASE("odd packed-refs files give what they hold and never read past the end", "[git][packed_refs]") {
  CHECK(packed_refs_with_prefix("", "refs/").empty());
  CHECK(packed_refs_with_prefix(sorted_header, "refs/").empty());
  CHECK(packed_refs_with_prefix("# pack-refs with: peeled fully-peeled sorted ", "refs/").empty());  // no newline
  // The last line without its newline, peeled lines only, short and non-hex lines.
  const std::string last = fmt::format("{}{} refs/tags/a@v1.0.0", sorted_header, hex_of(0));
  CHECK(packed_refs_with_prefix(last, "refs/tags/a@v") == Refs{{"refs/tags/a@v1.0.0", hex_of(0)}});
  const std::string odd = fmt::format("{}^{}\nshort refs/tags/a@v0\n{} \n{} refs/tags/a@v1.0.0\nnot-hex{}\n",
                                      sorted_header, hex_of(7), hex_of(1), hex_of(0), std::string(40, 'g'));
  CHECK(packed_refs_with_prefix(odd, "refs/tags/a@v") == Refs{{"refs/tags/a@v1.0.0", hex_of(0)}});
  const std::string upper = fmt::format("{}{} refs/tags/a@v1.0.0\n", sorted_header, std::string(40, 'A'));
  CHECK(packed_refs_with_prefix(upper, "refs/tags/a@v").empty());  // git writes lower-case hex only
}

TEST_CASE("binary search agrees with a full scan on random sorted files", "[git][packed_refs]") {
  std::mt19937 random(20261128);
  const std::string alphabet = "ab/@v.-01";
  for (int round = 0; round < 300; ++round) {
    std::set<std::string> unique;
    const int count = std::uniform_int_distribution<int>(0, 60)(random);
    while (static_cast<int>(unique.size()) < count) {
      std::string name = "refs/tags/";
      const int length = std::uniform_int_distribution<int>(1, 8)(random);
      for (int i = 0; i < length; ++i) name += alphabet[random() % alphabet.size()];
      unique.insert(name);
    }
    const std::vector<std::string> names(unique.begin(), unique.end());
    const std::string file = packed_file(sorted_header, names);
    for (int probe = 0; probe < 20; ++probe) {
      // Prefixes of existing names (found), and random ones (mostly not).
      std::string prefix = "refs/tags/";
      if (!names.empty() && probe % 2 == 0) {
        const std::string& name = names[random() % names.size()];
        prefix = name.substr(0, std::uniform_int_distribution<std::size_t>(10, name.size())(random));
      } else {
        for (int i = 0; i < probe % 4; ++i) prefix += alphabet[random() % alphabet.size()];
      }
      INFO("prefix " << prefix << " in\n" << file);
      REQUIRE(packed_refs_with_prefix(file, prefix) == expected(names, prefix));
    }
  }
}
