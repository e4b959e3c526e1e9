#include "util/platform_copy.hpp"

#include <catch2/catch.hpp>

#include <string>

#include <fcntl.h>

#include "temp_dir.hpp"
#include "util/file_io.hpp"

namespace mreg {

TEST_CASE("try_reflink clones the whole file or reports that it cannot", "[platform_copy]") {
  test::TempDir dir;
  const std::string content(100000, 'w');
  test::write_file(dir / "source", content);
  const UniqueFd source = open_regular_file(dir / "source");
  const UniqueFd target(::open((dir / "target").c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  REQUIRE(target);
  advise_sequential(source.get());
  if (try_reflink(source.get(), target.get())) {
    CHECK(test::read_file(dir / "target") == content);
  } else {
    CHECK(test::read_file(dir / "target").empty());  // e.g. ext4: untouched, the caller copies
  }
}

}  // namespace mreg
