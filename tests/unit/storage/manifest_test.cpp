#include "mreg/manifest.hpp"

#include <catch2/catch.hpp>

#include "mreg/error.hpp"

namespace mreg {
namespace {

Digest digest_for(std::string_view text) { return digest_of(text); }

Manifest sample() {
  Manifest manifest;
  manifest.file = digest_for("whole");
  manifest.chunks = {{digest_for("a"), 3 << 20}, {digest_for("b"), 1}};
  manifest.size = (3 << 20) + 1;
  return manifest;
}

std::string error_of(std::string_view text) {
  try {
    parse_manifest(text, "manifests/x");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::corrupt);
    return error.what();
  }
  FAIL("parse_manifest accepted " << text);
  return {};
}

}  // namespace

TEST_CASE("manifests round-trip through their text form", "[manifest]") {
  const Manifest manifest = sample();
  const std::string text = format_manifest(manifest);
  CHECK(text == "mreg-manifest 1\nfile " + manifest.file.id() + " 3145729\nchunk " + manifest.chunks[0].digest.id() +
                    " 3145728\nchunk " + manifest.chunks[1].digest.id() + " 1\n");
  CHECK(parse_manifest(text, "m") == manifest);
}

TEST_CASE("the manifest parser accepts exactly the format and names what is wrong", "[manifest]") {
  const std::string good = format_manifest(sample());
  const std::string file_line = "file " + sample().file.id() + " ";
  const std::string chunk = "chunk " + digest_for("a").id() + " ";
  CHECK_THAT(error_of(""), Catch::Contains("line 1") && Catch::Contains("mreg-manifest 1"));
  CHECK_THAT(error_of("mreg-manifest 2\n"), Catch::Contains("mreg-manifest 1"));
  CHECK_THAT(error_of("mreg-manifest 1\n"), Catch::Contains("\"file\" line"));
  CHECK_THAT(error_of(good.substr(0, good.size() - 1)), Catch::Contains("newline"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\n"), Catch::Contains("no chunks"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\n" + chunk + "4\n"), Catch::Contains("add up to 4"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\n" + chunk + "6\n"), Catch::Contains("more than"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\n" + chunk + "0\n"), Catch::Contains("1 to"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "70000000\n" + chunk + "70000000\n"),
             Catch::Contains("1 to 67108864"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "05\n" + chunk + "5\n"), Catch::Contains("decimal"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "-5\n"), Catch::Contains("decimal"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "99999999999999999999999\n"), Catch::Contains("decimal"));
  CHECK_THAT(error_of("mreg-manifest 1\nfile xxh128:ABC 5\n"), Catch::Contains("lowercase hex"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\nblob " + digest_for("a").id() + " 5\n"),
             Catch::Contains("line 3") && Catch::Contains("chunk"));
  CHECK_THAT(error_of("mreg-manifest 1\n" + file_line + "5\n" + chunk + "5 \n"), Catch::Contains("decimal"));
  CHECK_THAT(error_of("mreg-manifest 1\r\n"), Catch::Contains("mreg-manifest 1"));
}

}  // namespace mreg
