#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "mreg/error.hpp"
#include "mreg/metadata.hpp"

using mreg::Diagnostic;
using mreg::MetadataRules;
using mreg::ModelMetadata;
using nlohmann::ordered_json;

namespace {

const std::string digest_a = "xxh128:" + std::string(32, 'a');
const std::string digest_b = "xxh128:0123456789abcdef0123456789abcdef";
const std::string sha = std::string(32, '5') + std::string(32, 'd');

const std::string example = R"(schema: 1
name: fraud-detector
version: 1.3.0
description: |
  Gradient-boosted fraud model.
owner: risk-ml@example.com
license: apache-2.0
framework: xgboost
task: tabular-classification
tags: [fraud, payments]
base_model: fraud-detector@1.2.0
datasets: [s3://data/tx-2026-11.parquet]
params: {max_depth: 8, eta: 0.05, booster: gbtree, early_stop: true, seed: null, ratio: "0.5", big: 18446744073709551615}
metrics: {auc: 0.942, f1: 0.81, n: 10}
source: {commit: 2f1c}
artifacts:
  - path: model.json
    size: 120934112
    digest: xxh128:0123456789abcdef0123456789abcdef
    sha256: 55555555555555555555555555555555dddddddddddddddddddddddddddddddd
    format: xgboost-json
  - path: extra/vocab.txt
    size: 0
    digest: xxh128:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
custom: {}
)";

// The diagnostics of a document expected to fail.
std::vector<Diagnostic> problems(const std::string& yaml, const MetadataRules& rules = {}) {
  auto parsed = mreg::parse_model_metadata(yaml, "models/m/model.yaml", rules);
  CHECK_FALSE(parsed.metadata);
  CHECK_FALSE(parsed.diagnostics.empty());
  for (const auto& d : parsed.diagnostics) CHECK(d.file == "models/m/model.yaml");
  return parsed.diagnostics;
}

// The one diagnostic whose message contains `text`.
Diagnostic find(const std::vector<Diagnostic>& diagnostics, const std::string& text) {
  std::vector<Diagnostic> found;
  std::string all;
  for (const auto& d : diagnostics) {
    all += d.str() + "\n";
    if (d.message.find(text) != std::string::npos) found.push_back(d);
  }
  INFO("looking for: " << text << "\nin:\n" << all);
  REQUIRE(found.size() == 1);
  return found.front();
}

ModelMetadata parse_ok(const std::string& yaml, const MetadataRules& rules = {}) {
  auto parsed = mreg::parse_model_metadata(yaml, "model.yaml", rules);
  std::string all;
  for (const auto& d : parsed.diagnostics) all += d.str() + "\n";
  INFO(yaml << "\n---\n" << all);
  REQUIRE(parsed.metadata);
  CHECK(parsed.diagnostics.empty());
  return *parsed.metadata;
}

// A document with one artifact and `extra` appended (top-level lines).
std::string minimal(const std::string& extra = {}) {
  return "schema: 1\nname: m\nversion: 1.0.0\nartifacts:\n  - path: a.bin\n    size: 1\n    digest: " + digest_a +
         "\n" + extra;
}

MetadataRules draft_rules() {
  MetadataRules rules;
  rules.allow_draft = true;
  return rules;
}

MetadataRules draft_named(std::string expected_name) {
  auto rules = draft_rules();
  rules.expected_name = std::move(expected_name);
  return rules;
}

MetadataRules requiring(std::vector<std::string> fields) {
  MetadataRules rules;
  rules.required_fields = std::move(fields);
  return rules;
}

ModelMetadata sample() {
  ModelMetadata m;
  m.name = "team/model";
  m.version = mreg::Version::parse("2.0.0-rc.1");
  m.artifacts.push_back({"weights/model.safetensors", 42, *mreg::Digest::from_id(digest_a), sha, "safetensors"});
  return m;
}

void check_round_trip(const ModelMetadata& m) {
  const std::string text = mreg::emit_model_metadata(m);
  auto parsed = mreg::parse_model_metadata(text, "model.yaml", draft_rules());
  std::string all;
  for (const auto& d : parsed.diagnostics) all += d.str() + "\n";
  INFO("emitted:\n" << text << "\ndiagnostics:\n" << all);
  REQUIRE(parsed.metadata);
  CHECK(*parsed.metadata == m);
  CHECK(mreg::emit_model_metadata(*parsed.metadata) == text);
}

}  // namespace

TEST_CASE("the documented example parses into typed fields", "[metadata]") {
  const auto m = parse_ok(example);
  CHECK(m.schema == 1);
  CHECK(m.name == "fraud-detector");
  CHECK(m.version == mreg::Version::parse("1.3.0"));
  CHECK(m.description == "Gradient-boosted fraud model.\n");
  CHECK(m.owner == "risk-ml@example.com");
  CHECK(m.license == "apache-2.0");
  CHECK(m.framework == "xgboost");
  CHECK(m.task == "tabular-classification");
  CHECK(m.tags == std::vector<std::string>{"fraud", "payments"});
  CHECK(m.base_model == "fraud-detector@1.2.0");
  CHECK(m.datasets == std::vector<std::string>{"s3://data/tx-2026-11.parquet"});
  CHECK(m.params.dump() ==
        R"({"max_depth":8,"eta":0.05,"booster":"gbtree","early_stop":true,"seed":null,"ratio":"0.5","big":18446744073709551615})");
  CHECK(m.params["max_depth"].is_number_integer());
  CHECK(m.params["eta"].is_number_float());
  REQUIRE(m.metrics.size() == 3);
  CHECK(m.metrics[0] == std::pair<std::string, double>{"auc", 0.942});
  CHECK(m.metric("n") == 10.0);
  CHECK_FALSE(m.metric("missing"));
  CHECK(m.source == ordered_json{{"commit", "2f1c"}});
  REQUIRE(m.artifacts.size() == 2);
  CHECK(m.artifacts[0].path == "model.json");
  CHECK(m.artifacts[0].size == 120934112);
  CHECK(m.artifacts[0].digest.id() == digest_b);
  CHECK(m.artifacts[0].sha256 == sha);
  CHECK(m.artifacts[0].format == "xgboost-json");
  CHECK_FALSE(m.artifacts[1].sha256);
  CHECK(m.artifacts[1].format.empty());
  CHECK(m.custom == ordered_json::object());
}

TEST_CASE("core-schema scalars keep their types in free-form maps", "[metadata]") {
  const auto m = parse_ok(minimal(
      "custom:\n  i: 8\n  neg: -3\n  hex: 0x1F\n  oct: 0o17\n  f: 0.05\n  e: 1e3\n  inf: -.inf\n  t: true\n  "
      "F: False\n  n: null\n  tilde: ~\n  empty:\n  q: \"8\"\n  s: '1.0'\n  plain: hello world\n  yes11: yes\n  "
      "str: !!str 8\n  list: [1, two, {three: 3}]\n  nested: {a: {b: []}}\n"));
  const auto& c = m.custom;
  CHECK(c["i"] == 8);
  CHECK(c["neg"] == -3);
  CHECK(c["hex"] == 31);
  CHECK(c["oct"] == 15);
  CHECK(c["f"] == 0.05);
  CHECK(c["e"].is_number_float());
  CHECK(c["inf"] == -std::numeric_limits<double>::infinity());
  CHECK(c["t"] == true);
  CHECK(c["F"] == false);
  CHECK(c["n"].is_null());
  CHECK(c["tilde"].is_null());
  CHECK(c["empty"].is_null());
  CHECK(c["q"] == "8");
  CHECK(c["s"] == "1.0");
  CHECK(c["plain"] == "hello world");
  CHECK(c["yes11"] == "yes");
  CHECK(c["str"] == "8");
  CHECK(c["list"].dump() == R"([1,"two",{"three":3}])");
  CHECK(c["nested"].dump() == R"({"a":{"b":[]}})");
}

TEST_CASE("text fields take any scalar as written and empty optional fields are absent", "[metadata]") {
  const auto m = parse_ok(minimal("license: 2.0\nowner:\ntask: ~\ntags: [2024, fraud]\ndatasets:\n"));
  CHECK(m.license == "2.0");
  CHECK_FALSE(m.owner);
  CHECK_FALSE(m.task);
  CHECK(m.tags == std::vector<std::string>{"2024", "fraud"});
  CHECK(m.datasets.empty());
}

TEST_CASE("an unknown top-level key is an error at its position, with a suggestion", "[metadata]") {
  const auto diagnostics = problems(minimal("descripton: x\nfoo: 1\n"));
  const auto typo = find(diagnostics, "unknown key \"descripton\"");
  CHECK(typo.line == 8);
  CHECK(typo.column == 1);
  CHECK_THAT(typo.message, Catch::Contains("did you mean \"description\"?"));
  CHECK_THAT(typo.message, Catch::Contains("custom:"));
  const auto other = find(diagnostics, "unknown key \"foo\"");
  CHECK(other.line == 9);
  CHECK_THAT(other.message, !Catch::Contains("did you mean"));
  CHECK(typo.str() == "models/m/model.yaml:8:1: " + typo.message);
}

TEST_CASE("schema is required and must be 1", "[metadata]") {
  auto d = find(problems("name: m\nversion: 1.0.0\n", draft_rules()), "schema: missing");
  CHECK(d.line == 0);
  d = find(problems("schema: 2\nname: m\n", draft_rules()), "this mreg supports schema 1, found 2");
  CHECK(d.line == 1);
  CHECK(d.column == 9);
  CHECK_THAT(d.message, Catch::StartsWith("schema: "));
  d = find(problems("schema: \"1\"\nname: m\n", draft_rules()), "schema: expected an integer");
  CHECK_THAT(d.message, Catch::Contains("the quoted text \"1\""));
}

TEST_CASE("name must be valid and match the directory", "[metadata]") {
  auto d = find(problems("schema: 1\nname: Fraud\n", draft_rules()), "name: invalid model name \"Fraud\"");
  CHECK(d.line == 2);
  CHECK(d.column == 7);
  d = find(problems("schema: 1\nname: fraud\n", draft_named("other")),
           "does not match the model's directory");
  CHECK(d.line == 2);
  d = find(problems("schema: 1\n", draft_rules()), "name: missing");
  CHECK(d.line == 0);
  find(problems("schema: 1\nname: [a]\n", draft_rules()), "name: expected text, found a list");
  parse_ok("schema: 1\nname: team/fraud\n", draft_named("team/fraud"));
}

TEST_CASE("version is SemVer, required unless the metadata is a draft", "[metadata]") {
  const std::string artifacts = "artifacts:\n  - {path: a, size: 1, digest: " + digest_a + "}\n";
  auto d = find(problems("schema: 1\nname: m\n" + artifacts), "version: missing");
  CHECK(d.line == 0);
  d = find(problems("schema: 1\nname: m\nversion: 1.0\n" + artifacts), "version \"1.0\": expected MAJOR.MINOR.PATCH");
  CHECK(d.line == 3);
  CHECK(d.column == 10);
  find(problems("schema: 1\nname: m\nversion: 1.0.0+b1\n" + artifacts), "build metadata");
  const auto draft = parse_ok("schema: 1\nname: m\n", draft_rules());
  CHECK_FALSE(draft.version);
  CHECK(draft.artifacts.empty());
  CHECK(parse_ok("schema: 1\nname: m\nversion: v1.0.0\n" + artifacts).version == mreg::Version::parse("1.0.0"));
}

TEST_CASE("metrics must be numbers", "[metadata]") {
  const auto diagnostics = problems(minimal("metrics:\n  auc: \"0.9\"\n  f1: high\n  ok: 0.5\n  l: [1]\n  b: true\n"));
  auto d = find(diagnostics, "metrics.auc: expected a number, found the quoted text \"0.9\"");
  CHECK(d.line == 9);
  CHECK(d.column == 8);
  find(diagnostics, "metrics.f1: expected a number, found \"high\"");
  find(diagnostics, "metrics.l: expected a number, found a list");
  find(diagnostics, "metrics.b: expected a number, found true");
  CHECK(diagnostics.size() == 4);
  find(problems(minimal("metrics: [auc]\n")), "metrics: expected a map, found a list");
  find(problems(minimal("metrics: {auc: .nan}\n")), "metrics.auc: expected a finite number");
}

TEST_CASE("tags and datasets are lists of text, params, source and custom are maps", "[metadata]") {
  find(problems(minimal("tags: fraud\n")), "tags: expected a list, found \"fraud\"");
  auto d = find(problems(minimal("datasets: [a, {b: c}]\n")), "datasets[1]: expected text, found a map");
  CHECK(d.line == 8);
  CHECK(d.column == 15);
  find(problems(minimal("params: 8\n")), "params: expected a map, found the number 8");
  find(problems(minimal("source: [a]\n")), "source: expected a map, found a list");
  find(problems(minimal("custom: text\n")), "custom: expected a map");
  find(problems(minimal("custom: {a: !!binary aGVsbG8=}\n")), "custom.a: unsupported tag");
  find(problems(minimal("custom: {a: 99999999999999999999999}\n")), "custom.a: the number 99999999999999999999999 is out of range");
  find(problems(minimal("custom: {[a]: 1}\n")), "custom: keys must be strings");
}

TEST_CASE("artifacts are required and checked one by one", "[metadata]") {
  find(problems("schema: 1\nname: m\nversion: 1.0.0\n"), "artifacts: expected at least one artifact");
  find(problems("schema: 1\nname: m\nversion: 1.0.0\nartifacts: []\n"), "artifacts: expected at least one artifact");
  find(problems("schema: 1\nname: m\nversion: 1.0.0\nartifacts: {a: 1}\n"), "artifacts: expected a list, found a map");

  const std::string yaml = "schema: 1\nname: m\nversion: 1.0.0\nartifacts:\n"
                           "  - path: ok.bin\n    size: 1\n    digest: " + digest_a + "\n"  // 0
                           "  - path: /abs\n    size: -1\n    digest: sha1:abc\n"          // 1
                           "  - just text\n"                                                // 2
                           "  - path: b.bin\n    size: 1.5\n    digset: x\n"               // 3
                           "  - path: c.bin\n    size: 1\n    digest: " + digest_a + "\n    sha256: ABC\n"  // 4
                           "  - path: d.bin\n    size: 1\n    digest: XXH128:" + std::string(32, 'a') + "\n";  // 5
  const auto diagnostics = problems(yaml);
  auto d = find(diagnostics, "artifacts[1].path: path \"/abs\" is absolute");
  CHECK(d.line == 8);
  CHECK(d.column == 11);
  d = find(diagnostics, "artifacts[1].size: expected a size in bytes (an integer >= 0), found -1");
  CHECK(d.line == 9);
  d = find(diagnostics, "artifacts[1].digest: expected \"xxh128:\" followed by 32 lowercase hex digits, found \"sha1:abc\"");
  CHECK(d.line == 10);
  CHECK(d.column == 13);
  d = find(diagnostics, "artifacts[2]: expected a map with path, size and digest, found \"just text\"");
  CHECK(d.line == 11);
  CHECK(d.column == 5);
  find(diagnostics, "artifacts[3].size: expected an integer, found the number 1.5");
  d = find(diagnostics, "artifacts[3]: unknown key \"digset\"; did you mean \"digest\"?");
  CHECK(d.line == 14);
  CHECK(d.column == 5);
  find(diagnostics, "artifacts[3]: missing \"digest\"");
  find(diagnostics, "artifacts[4].sha256: expected 64 lowercase hex digits, found \"ABC\"");
  find(diagnostics, "artifacts[5].digest: expected \"xxh128:\"");
  CHECK(diagnostics.size() == 9);
  // In file order.
  for (std::size_t i = 1; i < diagnostics.size(); ++i) CHECK(diagnostics[i - 1].line <= diagnostics[i].line);
}

TEST_CASE("artifact paths may not repeat or need another artifact to be a directory", "[metadata]") {
  const auto item = [](const std::string& path) {
    return "  - {path: " + path + ", size: 1, digest: " + digest_a + "}\n";
  };
  const std::string head = "schema: 1\nname: m\nversion: 1.0.0\nartifacts:\n";
  auto d = find(problems(head + item("a.bin") + item("b.bin") + item("a.bin")),
                "artifacts[2].path: \"a.bin\" is already artifacts[0].path");
  CHECK(d.line == 7);
  d = find(problems(head + item("a") + item("a/b")), "artifacts[1].path: \"a/b\" needs \"a\" to be a directory");
  CHECK(d.line == 6);
  find(problems(head + item("x/y/z") + item("x/y")), "artifacts[0].path: \"x/y/z\" needs \"x/y\" to be a directory");
  parse_ok(head + item("a-b") + item("a/b") + item("ab") + item("a.b/c"));
}

TEST_CASE("fields required by mreg.yaml must be present and not empty", "[metadata]") {
  const auto rules = requiring({"owner", "license", "tags", "version"});
  const auto diagnostics = problems(minimal("owner: \"\"\ntags: []\n"), rules);
  auto d = find(diagnostics, "owner: missing or empty; mreg.yaml requires it");
  CHECK(d.line == 8);
  CHECK(d.column == 8);
  d = find(diagnostics, "license: missing or empty");
  CHECK(d.line == 0);
  CHECK(d.str() == "models/m/model.yaml: " + d.message);
  find(diagnostics, "tags: missing or empty");
  CHECK(diagnostics.size() == 3);
}

TEST_CASE("malformed YAML gives one diagnostic at its position", "[metadata][hostile]") {
  auto diagnostics = problems("schema: 1\nname: [a, b\nversion: 1.0.0\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::StartsWith("malformed YAML"));
  CHECK(diagnostics[0].line > 0);
  CHECK(diagnostics[0].column > 0);

  diagnostics = problems("schema: 1\n  name: x\n\tbad: [\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].line == 2);
}

TEST_CASE("the document must be one map", "[metadata][hostile]") {
  find(problems(""), "expected a map of fields");
  find(problems("# only a comment\n"), "expected a map of fields");
  auto d = find(problems("- a\n- b\n"), "expected a map of fields (schema: 1, name: ..., ...), found a list");
  CHECK(d.line == 1);
  find(problems("just text"), "found \"just text\"");
  auto second = find(problems("schema: 1\n---\nschema: 1\n"), "expected one YAML document, found another here");
  CHECK(second.line == 2);
  // yaml-cpp 0.7's LoadAll() would loop forever on these.
  for (const char* stray : {",", ",schema: 1\nname: m\n", "schema: 1\n...\n,\n"}) {
    INFO(stray);
    find(problems(stray), "expected one YAML document, found another here");
  }
}

TEST_CASE("duplicate keys are errors", "[metadata][hostile]") {
  auto d = find(problems(minimal("name: other\n")), "duplicate key \"name\" (first at line 2)");
  CHECK(d.line == 8);
  find(problems(minimal("custom: {a: 1, a: 2}\n")), "duplicate key \"a\"");
}

TEST_CASE("alias bombs, deep nesting and huge input are refused", "[metadata][hostile]") {
  std::string bomb = "schema: 1\nname: m\nversion: 1.0.0\nc0: &c0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    bomb += "c" + std::to_string(i) + ": &c" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", *c" : "*c") + std::to_string(i - 1);
    bomb += "]\n";
  }
  auto diagnostics = problems(bomb);
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("more than 100000 nodes once aliases are expanded"));

  // Few nodes, but one big string repeated through aliases.
  std::string wide = "schema: 1\nname: m\ns: &s " + std::string(500'000, 'x') + "\nl: [";
  for (int k = 0; k < 40; ++k) wide += (k ? ", *s" : "*s");
  wide += "]\n";
  diagnostics = problems(wide);
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("MiB of text once aliases are expanded"));

  std::string deep = "schema: 1\nname: m\ncustom: ";
  for (int i = 0; i < 70; ++i) deep += "[";
  for (int i = 0; i < 70; ++i) deep += "]";
  diagnostics = problems(deep + "\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("deeper than 64 levels"));

  diagnostics = problems("a: " + std::string(100'000, '[') + "\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("nests"));

  std::string blocks;
  for (int i = 0; i < 5000; ++i) blocks += "- ";
  diagnostics = problems(blocks + "x\n");
  REQUIRE(diagnostics.size() == 1);

  diagnostics = problems(minimal("description: " + std::string(1 << 20, 'x') + "\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("more than the 1024 KiB allowed"));
}

TEST_CASE("text that is not UTF-8 or holds control characters is refused", "[metadata][hostile]") {
  auto d = find(problems("schema: 1\nname: m\nowner: \xff\xfe\n"), "not valid UTF-8");
  CHECK(d.line == 3);
  CHECK(d.column == 8);
  find(problems("schema: 1\nowner: \xc0\xaf\n"), "not valid UTF-8");        // overlong '/'
  find(problems("schema: 1\nowner: \xed\xa0\x80\n"), "not valid UTF-8");    // surrogate
  find(problems("schema: 1\nowner: caf\xc3\n"), "not valid UTF-8");          // truncated
  find(problems(std::string("schema: 1\nowner: a\0b\n", 20)), "control character");
  find(problems("schema: 1\nowner: a\x1b[31m\n"), "control character");
}

TEST_CASE("load_model_metadata throws every diagnostic", "[metadata]") {
  try {
    mreg::load_model_metadata("schema: 3\nname: Bad\n", "m.yaml", draft_rules());
    FAIL("no exception");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    CHECK_THAT(e.what(), Catch::Contains("m.yaml:1:9: schema: this mreg supports schema 1, found 3"));
    CHECK_THAT(e.what(), Catch::Contains("\nm.yaml:2:7: name: invalid model name"));
  }
  CHECK(mreg::load_model_metadata(example, "m.yaml").name == "fraud-detector");
}

TEST_CASE("emitted metadata has the documented key order and omits what is absent", "[metadata][emit]") {
  auto m = parse_ok(example);
  m.custom["note"] = "kept";
  const std::string text = mreg::emit_model_metadata(m);
  CHECK(text == R"(schema: 1
name: fraud-detector
version: 1.3.0
description: |
  Gradient-boosted fraud model.
owner: risk-ml@example.com
license: apache-2.0
framework: xgboost
task: tabular-classification
tags: [fraud, payments]
base_model: fraud-detector@1.2.0
datasets: [s3://data/tx-2026-11.parquet]
params:
  max_depth: 8
  eta: 0.05
  booster: gbtree
  early_stop: true
  seed: null
  ratio: "0.5"
  big: 18446744073709551615
metrics:
  auc: 0.942
  f1: 0.81
  n: 10.0
source:
  commit: 2f1c
artifacts:
  - path: model.json
    size: 120934112
    digest: xxh128:0123456789abcdef0123456789abcdef
    sha256: 55555555555555555555555555555555dddddddddddddddddddddddddddddddd
    format: xgboost-json
  - path: extra/vocab.txt
    size: 0
    digest: xxh128:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
custom:
  note: kept
)");
  check_round_trip(m);

  ModelMetadata draft;
  draft.name = "m";
  CHECK(mreg::emit_model_metadata(draft) == "schema: 1\nname: m\n");
  check_round_trip(draft);
}

TEST_CASE("strings that would read back as something else are quoted", "[metadata][emit]") {
  auto m = sample();
  m.owner = "";
  m.license = "1.0";
  m.framework = "true";
  m.task = "null";
  m.base_model = "hf:org/name";
  m.tags = {"yes", "No", "~", "0x1F", "2024-01-01", "1:20", ".5", "-a", "a, b", "[x]", "a: b", "a #b", "ok-tag", "3d-unet",
            "x?", "@at", "*star", "&amp", "!bang", "|pipe", ">gt", "'single", "\"double", "%pct", "`tick", " lead",
            "trail ", "tab\there", "ünï", "{", "}"};
  const std::string text = mreg::emit_model_metadata(m);
  CHECK_THAT(text, Catch::Contains("owner: \"\"\n"));
  CHECK_THAT(text, Catch::Contains("license: \"1.0\"\n"));
  CHECK_THAT(text, Catch::Contains("framework: \"true\"\n"));
  CHECK_THAT(text, Catch::Contains("task: \"null\"\n"));
  CHECK_THAT(text, Catch::Contains("base_model: hf:org/name\n"));
  CHECK_THAT(text, Catch::Contains("\"yes\", \"No\", \"~\", \"0x1F\", \"2024-01-01\", \"1:20\", \".5\""));
  CHECK_THAT(text, Catch::Contains(", ok-tag, 3d-unet, "));
  check_round_trip(m);
}

TEST_CASE("multi-line descriptions are literal blocks and round-trip exactly", "[metadata][emit]") {
  auto m = sample();
  m.description = "# Fraud model\n\nTrained on: 2026 data.\n- item #1\n";
  CHECK_THAT(mreg::emit_model_metadata(m),
             Catch::Contains("description: |\n  # Fraud model\n\n  Trained on: 2026 data.\n  - item #1\nartifacts:"));
  check_round_trip(m);
  for (const char* text : {"no newline at end\nsecond", "two\n\n", "three\n\n\n", "  indented first\nline\n",
                           "\nleading empty line\n", "\n\n", "\n", "trailing spaces   \n  \nx\n", "tab\tinside\n\tline\n",
                           "---\n...\n", "a\r\nb\n", "ünïcödé\n日本語\n", "a\x01\nb", "x\n  \n", " \n x", "\xe2\x80\xa8\n",
                           "\"quoted\"\n'single'\n", "key: value\n- list\n"}) {
    INFO(text);
    m.description = text;
    check_round_trip(m);
  }
}

TEST_CASE("odd strings everywhere round-trip exactly", "[metadata][emit]") {
  auto m = sample();
  m.owner = "a: b # not a comment";
  m.license = " leading and trailing ";
  m.framework = "line\nbreak";
  m.task = "ünïcödé ✓ 日本";
  m.tags = {"", "#", ":", "- x", "a\"b'c\\d", "\t", "\xc2\x85", "\xef\xbb\xbf" "bom"};
  m.datasets = {"s3://bucket/key?x=1&y=2", "C:\\data\\x.csv"};
  m.params = ordered_json{{"lr", 1e-7}, {"one", 1.0}, {"neg_zero", -0.0}, {"big", 1e300}, {"int", -9223372036854775807LL - 1},
                          {"u", 18446744073709551615ULL}, {"s", "0o17"}, {"inf", std::numeric_limits<double>::infinity()},
                          {"nested", {{"list", {1, "two", nullptr, true, ordered_json::object(), ordered_json::array()}},
                                      {"map", {{"k: v", {{"deep", {1, {2, {3}}}}}}}}}},
                          {"", "empty key"}, {"1", "numeric key"}, {"true", "bool key"}};
  m.metrics = {{"auc", 0.942}, {"loss", 1.0}, {"tiny", 5e-324}, {"max", std::numeric_limits<double>::max()},
               {"weird: name", -0.5}, {"", 3.0}};
  m.source = ordered_json{{"commit", "2f1c"}, {"dirty", false}};
  m.custom = ordered_json{{"multi", "a\nb\n"}, {std::string(1100, 'k'), "long key"}};
  check_round_trip(m);
}

TEST_CASE("random strings round-trip exactly", "[metadata][emit]") {
  const std::vector<std::string> pieces = {
      "a",  "Z",  "0",  "1",  " ",  "  ", "\n", "\t", ":",     "#",  "-",      "'",    "\"",   "\\",   "é",     "日",
      "{",  "}",  "[",  "]",  ",",  "&",  "*",  "!",  "|",     ">",  "%",      "@",    "`",    "?",    ".",     "~",
      "\r", "\x01", "\x7f", "\xc2\x85", "\xe2\x80\xa8", "\xef\xbb\xbf", "null", "true", "1.0", "0x1F", "e5", "---",
      "...", "<<", "=", "yes"};
  std::mt19937 random(20240611);
  const auto random_string = [&] {
    std::string text;
    const int count = static_cast<int>(random() % 9);
    for (int i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
    return text;
  };
  for (int round = 0; round < 400; ++round) {
    auto m = sample();
    m.description = random_string();
    m.owner = random_string();
    m.tags = {random_string(), random_string()};
    m.base_model = random_string();
    m.custom[random_string()] = random_string();
    m.params["p"] = random_string();
    m.metrics = {{random_string(), static_cast<double>(random()) / 7.0}};
    m.artifacts[0].format = random_string();
    check_round_trip(m);
  }
}

TEST_CASE("random doubles round-trip exactly", "[metadata][emit]") {
  std::mt19937_64 random(7);
  auto m = sample();
  for (int i = 0; i < 2000; ++i) {
    const auto bits = random();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    if (!std::isfinite(value)) continue;
    m.metrics.emplace_back("m" + std::to_string(i), value);
    m.params["p" + std::to_string(i)] = value;
  }
  check_round_trip(m);
}

TEST_CASE("metadata_to_json has the same keys, versions and digests as text", "[metadata][json]") {
  const auto m = parse_ok(example);
  const auto json = mreg::metadata_to_json(m);
  CHECK(json["version"] == "1.3.0");
  CHECK(json["metrics"] == ordered_json{{"auc", 0.942}, {"f1", 0.81}, {"n", 10.0}});
  CHECK(json["artifacts"][0]["digest"] == digest_b);
  CHECK(json["artifacts"][0]["sha256"] == sha);
  CHECK(json["artifacts"][0]["format"] == "xgboost-json");
  CHECK_FALSE(json["artifacts"][1].contains("sha256"));
  CHECK_FALSE(json["artifacts"][1].contains("format"));
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"schema", "name", "version", "description", "owner", "license", "framework",
                                         "task", "tags", "base_model", "datasets", "params", "metrics", "source",
                                         "artifacts", "custom"});

  ModelMetadata draft;
  draft.name = "m";
  const auto draft_json = mreg::metadata_to_json(draft);
  CHECK_FALSE(draft_json.contains("version"));
  CHECK_FALSE(draft_json.contains("owner"));
  CHECK(draft_json["tags"] == ordered_json::array());
  CHECK(draft_json["artifacts"] == ordered_json::array());
}

TEST_CASE("set_metric replaces or appends", "[metadata]") {
  ModelMetadata m;
  m.set_metric("auc", 0.9);
  m.set_metric("f1", 0.8);
  m.set_metric("auc", 0.95);
  CHECK(m.metrics == std::vector<std::pair<std::string, double>>{{"auc", 0.95}, {"f1", 0.8}});
}

TEST_CASE("check_model_metadata applies the same rules to values in memory", "[metadata][check]") {
  CHECK(mreg::check_model_metadata(sample(), "x/model.yaml", {}).empty());

  auto m = sample();
  m.name = "Bad";
  m.version.reset();
  m.artifacts.push_back({"../escape", 1, {}, std::string("xyz"), ""});
  m.artifacts.push_back({"weights/model.safetensors/inner", 1, {}, std::nullopt, ""});
  m.artifacts.push_back({"weights/model.safetensors", 1, {}, std::nullopt, ""});
  m.set_metric("bad", std::nan(""));
  m.params = ordered_json::array();
  const auto diagnostics = mreg::check_model_metadata(m, "x/model.yaml", requiring({"owner", "name"}));
  find(diagnostics, "name: invalid model name \"Bad\"");
  find(diagnostics, "version: missing");
  find(diagnostics, "artifacts[1].path: path \"../escape\"");
  find(diagnostics, "artifacts[1].sha256: expected 64 lowercase hex digits");
  find(diagnostics, "artifacts[2].path: \"weights/model.safetensors/inner\" needs \"weights/model.safetensors\"");
  find(diagnostics, "artifacts[3].path: \"weights/model.safetensors\" is already artifacts[0].path");
  find(diagnostics, "metrics.bad: expected a finite number, found nan");
  find(diagnostics, "params: expected a map, found array");
  find(diagnostics, "owner: missing or empty");
  CHECK(diagnostics.size() == 9);
  for (const auto& d : diagnostics) {
    CHECK(d.file == "x/model.yaml");
    CHECK(d.line == 0);
  }

  ModelMetadata draft;
  draft.name = "m";
  CHECK(mreg::check_model_metadata(draft, "f", draft_rules()).empty());
  find(mreg::check_model_metadata(draft, "f", {}), "artifacts: expected at least one artifact");
  find(mreg::check_model_metadata(draft, "f", draft_named("n")),
       "name: \"m\" does not match the model's directory, which names \"n\"");
}

TEST_CASE("artifact formats are detected by magic bytes, then by extension", "[metadata][format]") {
  using mreg::detect_artifact_format;
  const std::string safetensors_head = std::string("\x10\x00\x00\x00\x00\x00\x00\x00", 8) + "{\"a\":1}";
  CHECK(detect_artifact_format("model.bin", safetensors_head) == "safetensors");
  CHECK(detect_artifact_format("x", std::string("\xff\xff\xff\xff\xff\xff\xff\xff{", 9)) == "");
  CHECK(detect_artifact_format("m.gguf", "GGUF\x03\x00") == "gguf");
  CHECK(detect_artifact_format("m.pt", std::string("PK\x03\x04rest", 8)) == "pytorch");
  CHECK(detect_artifact_format("pytorch_model.BIN", std::string("PK\x03\x04", 4)) == "pytorch");
  CHECK(detect_artifact_format("archive.zip", std::string("PK\x03\x04", 4)) == "");
  CHECK(detect_artifact_format("legacy.pth", "\x80\x02rest") == "pytorch");
  CHECK(detect_artifact_format("model.onnx", "\x08\x07") == "onnx");
  CHECK(detect_artifact_format("m.pkl", "\x80\x04\x95") == "pickle");
  CHECK(detect_artifact_format("m.joblib", "\x80\x04\x95") == "pickle");
  CHECK(detect_artifact_format("m.pkl", "not a pickle") == "");
  CHECK(detect_artifact_format("a.npy", std::string("\x93NUMPY\x01\x00", 8)) == "numpy");
  CHECK(detect_artifact_format("a.h5", "\x89HDF\r\n\x1a\n") == "hdf5");
  CHECK(detect_artifact_format("dir/config.json", "{}") == "json");
  CHECK(detect_artifact_format("model.xgb", "") == "xgboost");
  CHECK(detect_artifact_format("model.ubj", "{") == "xgboost");
  CHECK(detect_artifact_format("README.md", "# hi") == "text");
  CHECK(detect_artifact_format("notes.txt", "") == "text");
  CHECK(detect_artifact_format("m.tflite", "") == "tflite");
  CHECK(detect_artifact_format("saved_model.pb", "") == "tensorflow");
  CHECK(detect_artifact_format("weights", "random bytes") == "");
  CHECK(detect_artifact_format(".json", "") == "");
  CHECK(detect_artifact_format("dir.json/file", "") == "");
  CHECK(detect_artifact_format("", "") == "");
}
