#include "core/fact_cache.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace mreg {
namespace {

git::Oid oid(std::uint8_t fill) {
  git::Oid id;
  id.bytes.fill(fill);
  return id;
}

}  // namespace

TEST_CASE("FactCache remembers tagged subtrees and model versions across instances", "[fact_cache]") {
  test::TempDir dir;
  const auto file = dir / "mreg" / "cache.sqlite";
  {
    FactCache cache(file);
    CHECK_FALSE(cache.tagged_subtree(oid(1), "models/fraud"));
    cache.remember_tagged_subtree(oid(1), "models/fraud", oid(2));
    cache.remember_model_version(oid(2), "1.3.0");
    // Nothing is written before flush(): lookups see the database only.
    CHECK_FALSE(cache.model_version(oid(2)));
  }  // the destructor flushes
  FactCache cache(file);
  CHECK(cache.tagged_subtree(oid(1), "models/fraud") == oid(2));
  CHECK(cache.model_version(oid(2)) == "1.3.0");
  // The key is the target and the directory together.
  CHECK_FALSE(cache.tagged_subtree(oid(1), "models/other"));
  CHECK_FALSE(cache.tagged_subtree(oid(3), "models/fraud"));
  CHECK_FALSE(cache.model_version(oid(1)));
}

TEST_CASE("FactCache keeps the first answer for a key", "[fact_cache]") {
  test::TempDir dir;
  const auto file = dir / "cache.sqlite";
  FactCache cache(file);
  cache.remember_model_version(oid(7), "1.0.0");
  cache.flush();
  cache.remember_model_version(oid(7), "2.0.0");
  cache.flush();
  CHECK(cache.model_version(oid(7)) == "1.0.0");
}

TEST_CASE("FactCache without a usable database answers nothing and fails nothing", "[fact_cache]") {
  test::TempDir dir;
  SECTION("a file that is not a database") {
    test::write_file(dir / "cache.sqlite", std::string(4096, 'x'));
    FactCache cache(dir / "cache.sqlite");
    CHECK_FALSE(cache.model_version(oid(1)));
    cache.remember_model_version(oid(1), "1.0.0");
    cache.flush();
    CHECK_FALSE(cache.model_version(oid(1)));
    CHECK(test::read_file(dir / "cache.sqlite") == std::string(4096, 'x'));
  }
  SECTION("a directory that cannot be created") {
    test::write_file(dir / "not-a-dir", "file");
    FactCache cache(dir / "not-a-dir" / "cache.sqlite");
    cache.remember_tagged_subtree(oid(1), "models/a", oid(2));
    cache.flush();
    CHECK_FALSE(cache.tagged_subtree(oid(1), "models/a"));
  }
}

}  // namespace mreg
