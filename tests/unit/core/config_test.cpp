#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mreg/config.hpp"
#include "mreg/error.hpp"

using mreg::Diagnostic;
using mreg::Gate;
using mreg::RegistryConfig;

namespace {

const std::string documented = R"(registry: 1                      # format version; refuse unknown majors
models_dir: models
stages:                          # allowed stages, in promotion order
  - name: staging
  - name: production
    from: [staging]              # a version must be in staging to be promoted here
    require:                     # promotion gates on metrics
      metrics.auc: ">= 0.90"
require: [owner, license]        # extra required model.yaml fields
integrity: xxh128                # or sha256: also record and check SHA-256 per file
remotes:                         # blob remotes; credentials never live here
  origin: s3://ml-models/registry?endpoint=https://s3.example.com&region=eu-west-1
default_remote: origin
)";

RegistryConfig parse_ok(const std::string& yaml) {
  auto parsed = mreg::parse_registry_config(yaml, "mreg.yaml");
  std::string all;
  for (const auto& d : parsed.diagnostics) all += d.str() + "\n";
  INFO(yaml << "\n---\n" << all);
  REQUIRE(parsed.config);
  CHECK(parsed.diagnostics.empty());
  return *parsed.config;
}

std::vector<Diagnostic> problems(const std::string& yaml) {
  auto parsed = mreg::parse_registry_config(yaml, "mreg.yaml");
  CHECK_FALSE(parsed.config);
  CHECK_FALSE(parsed.diagnostics.empty());
  return parsed.diagnostics;
}

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

Gate gate(const char* op, double threshold) {
  Gate g;
  g.field = "metrics.auc";
  g.op = op;
  g.threshold = threshold;
  return g;
}

void check_round_trip(const RegistryConfig& config) {
  const auto text = mreg::emit_registry_config(config);
  const auto again = parse_ok(text);
  CHECK(mreg::emit_registry_config(again) == text);
}

}  // namespace

TEST_CASE("the documented mreg.yaml parses", "[config]") {
  const auto config = parse_ok(documented);
  CHECK(config.registry == 1);
  CHECK(config.models_dir == "models");
  CHECK(config.stage_branch_prefix == "stage/");
  REQUIRE(config.stages.size() == 2);
  CHECK(config.stages[0].name == "staging");
  CHECK(config.stages[0].from.empty());
  CHECK(config.stages[1].name == "production");
  CHECK(config.stages[1].from == std::vector<std::string>{"staging"});
  REQUIRE(config.stages[1].require.size() == 1);
  const auto& g = config.stages[1].require[0];
  CHECK(g.field == "metrics.auc");
  CHECK(g.op == ">=");
  CHECK(g.threshold == 0.90);
  CHECK(g.text == ">= 0.90");
  CHECK(config.require == std::vector<std::string>{"owner", "license"});
  CHECK(config.integrity == mreg::Integrity::xxh128);
  REQUIRE(config.remotes.size() == 1);
  CHECK(config.remotes[0].first == "origin");
  CHECK(config.remotes[0].second == "s3://ml-models/registry?endpoint=https://s3.example.com&region=eu-west-1");
  CHECK(config.default_remote == "origin");
  CHECK(config.find_stage("production") == &config.stages[1]);
  CHECK(config.find_stage("dev") == nullptr);
}

TEST_CASE("a minimal mreg.yaml takes the defaults", "[config]") {
  const auto config = parse_ok("registry: 1\n");
  CHECK(config.models_dir == "models");
  CHECK(config.stage_branch_prefix == "stage/");
  CHECK(config.stages.empty());
  CHECK(config.require.empty());
  CHECK(config.integrity == mreg::Integrity::xxh128);
  CHECK(config.remotes.empty());
  CHECK_FALSE(config.default_remote);
  CHECK(parse_ok("registry: 1\nintegrity: sha256\n").integrity == mreg::Integrity::sha256);
  CHECK(parse_ok("registry: 1\nstages:\n  - name: a\n  - name: b\n    from: a\n").stages[1].from ==
        std::vector<std::string>{"a"});
}

TEST_CASE("only registry format 1 is read", "[config]") {
  auto d = find(problems("registry: 2\n"), "registry: this mreg reads registry format 1, found 2");
  CHECK(d.line == 1);
  CHECK(d.column == 11);
  find(problems("models_dir: models\n"), "registry: missing");
  find(problems("registry: \"1\"\n"), "registry: expected an integer");
  find(problems("registry: 1.5\n"), "registry: expected an integer, found the number 1.5");
  find(problems(""), "expected a map of settings");
  find(problems("- registry\n"), "found a list");
}

TEST_CASE("unknown settings are errors with a suggestion", "[config]") {
  auto d = find(problems("registry: 1\nstage:\n  - name: a\n"), "unknown key \"stage\"; did you mean \"stages\"?");
  CHECK(d.line == 2);
  CHECK(d.column == 1);
  d = find(problems("registry: 1\nstages:\n  - name: a\n    form: [b]\n"), "stages[0]: unknown key \"form\"; did you mean \"from\"?");
  CHECK(d.line == 4);
  CHECK(d.column == 5);
}

TEST_CASE("models_dir and stage_branch_prefix are checked", "[config]") {
  CHECK(parse_ok("registry: 1\nmodels_dir: ml/models\nstage_branch_prefix: env/\n").stage_branch_prefix == "env/");
  for (const char* dir : {"/abs", "../up", "a//b", "", ".git", "a/./b"}) {
    INFO(dir);
    find(problems(std::string("registry: 1\nmodels_dir: \"") + dir + "\"\n"), "models_dir: expected a relative path");
  }
  for (const char* prefix : {"stage", "", "/stage/", "a b/", "a..b/", "a//", ".x/", "x.lock/", "a~/", "a^/", "a:/",
                             "a?/", "a*/", "a[/", "a\\\\/", "a@{/"}) {
    INFO(prefix);
    find(problems(std::string("registry: 1\nstage_branch_prefix: \"") + prefix + "\"\n"), "stage_branch_prefix: ");
  }
  CHECK(parse_ok("registry: 1\nstage_branch_prefix: deploy/stage/\n").stage_branch_prefix == "deploy/stage/");
}

TEST_CASE("stages have valid unique names and from: names other stages", "[config]") {
  find(problems("registry: 1\nstages:\n  - name: Prod\n"), "stages[0].name: invalid stage name \"Prod\"");
  auto d = find(problems("registry: 1\nstages:\n  - name: a\n  - name: a\n"), "stage \"a\" is configured twice");
  CHECK(d.line == 4);
  find(problems("registry: 1\nstages:\n  - from: [a]\n"), "stages[0]: missing \"name\"");
  find(problems("registry: 1\nstages:\n  - prod\n"), "stages[0]: expected a map");
  find(problems("registry: 1\nstages: prod\n"), "stages: expected a list");
  d = find(problems("registry: 1\nstages:\n  - name: prod\n    from: [staging]\n"),
           "\"staging\" is not a configured stage (stages: prod)");
  CHECK(d.line == 4);
  CHECK(d.column == 12);
  find(problems("registry: 1\nstages:\n  - name: prod\n    from: prod\n"), "stage \"prod\" cannot come from itself");
  d = find(problems("registry: 1\nstages:\n  - name: a\n    from: [c]\n  - name: b\n    from: [a]\n  - name: c\n    from: [b]\n"),
           "form a cycle (a <- c <- b <- a)");
  CHECK(d.line == 3);
  parse_ok("registry: 1\nstages:\n  - name: prod\n    from: [staging, canary]\n  - name: staging\n  - name: canary\n"
           "    from: [staging]\n");
}

TEST_CASE("thousands of chained stages are checked without deep recursion", "[config][hostile]") {
  std::string yaml = "registry: 1\nstages:\n  - {name: s0, from: [s9999]}\n";
  for (int i = 1; i < 10000; ++i) {
    yaml += "  - {name: s" + std::to_string(i) + ", from: [s" + std::to_string(i - 1) + "]}\n";
  }
  const auto d = find(problems(yaml), "form a cycle (s0 <- s9999 <- s9998");
  CHECK(d.line == 3);
  find(problems("registry: 1\nstages:\n" + yaml.substr(yaml.find("  - {name: s1,")) + "  - {name: x, from: [nope]}\n"),
       "\"nope\" is not a configured stage (stages: s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, "
       "s16, s17, s18, s19, s20, ... (10000 in all))");
}

TEST_CASE("promotion gates compare a metric with a number", "[config]") {
  const auto config = parse_ok(
      "registry: 1\nstages:\n  - name: p\n    require:\n      metrics.auc: \">= 0.9\"\n      metrics.loss: \"<0.2\"\n"
      "      metrics.a: '> 1'\n      metrics.b: '<= -1e3'\n      metrics.c: '== 3'\n      metrics.d: '!= 0'\n");
  const auto& gates = config.stages[0].require;
  REQUIRE(gates.size() == 6);
  CHECK(gates[1].op == "<");
  CHECK(gates[1].threshold == 0.2);
  CHECK(gates[1].text == "<0.2");
  CHECK(gates[3].threshold == -1000.0);
  CHECK(gates[4].op == "==");
  CHECK(gates[5].op == "!=");

  for (const char* bad : {"0.9", "\">= high\"", "\"=> 0.9\"", "\">=\"", "\">= 0.9 extra\"", "\">= .nan\"", "\"~ 1\"",
                          "\">= 1e999\""}) {
    INFO(bad);
    find(problems(std::string("registry: 1\nstages:\n  - name: p\n    require:\n      metrics.auc: ") + bad + "\n"),
         "stages[0].require.metrics.auc: expected a comparison such as \">= 0.90\"");
  }
  find(problems("registry: 1\nstages:\n  - name: p\n    require:\n      metrics.auc: [1]\n"),
       "stages[0].require.metrics.auc: expected text, found a list");
  auto d = find(problems("registry: 1\nstages:\n  - name: p\n    require:\n      auc: \">= 1\"\n"),
                "gates are on metrics; expected a key like metrics.auc, found \"auc\"");
  CHECK(d.line == 5);
  CHECK(d.column == 7);
  find(problems("registry: 1\nstages:\n  - name: p\n    require:\n      metrics.: \">= 1\"\n"), "gates are on metrics");
  find(problems("registry: 1\nstages:\n  - name: p\n    require: [metrics.auc]\n"), "require: expected a map");
}

TEST_CASE("gates pass or fail, and know which way is better", "[config]") {
  CHECK(gate(">=", 0.9).passes(0.9));
  CHECK_FALSE(gate(">=", 0.9).passes(0.89));
  CHECK_FALSE(gate(">", 0.9).passes(0.9));
  CHECK(gate("<=", 0.2).passes(0.2));
  CHECK_FALSE(gate("<", 0.2).passes(0.2));
  CHECK(gate("==", 3).passes(3));
  CHECK(gate("!=", 0).passes(1));
  CHECK_FALSE(gate("!=", 0).passes(0));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const char* op : {">=", ">", "<=", "<", "==", "!="}) {
    INFO(op);
    CHECK_FALSE(gate(op, 0).passes(nan));
  }
  CHECK(gate(">=", 0).higher_is_better() == true);
  CHECK(gate(">", 0).higher_is_better() == true);
  CHECK(gate("<=", 0).higher_is_better() == false);
  CHECK(gate("<", 0).higher_is_better() == false);
  CHECK_FALSE(gate("==", 0).higher_is_better());
  CHECK_FALSE(gate("!=", 0).higher_is_better());
}

TEST_CASE("require names model.yaml fields", "[config]") {
  CHECK(parse_ok("registry: 1\nrequire: [owner, license, metrics, description]\n").require.size() == 4);
  auto d = find(problems("registry: 1\nrequire: [owner, licence]\n"), "\"licence\" is not a model.yaml field; did you mean \"license\"?");
  CHECK(d.line == 2);
  CHECK(d.column == 18);
  find(problems("registry: 1\nrequire: owner\n"), "require: expected a list");
}

TEST_CASE("integrity is xxh128 or sha256", "[config]") {
  find(problems("registry: 1\nintegrity: md5\n"), "integrity: expected xxh128 or sha256, found \"md5\"");
}

TEST_CASE("remotes have valid names and supported URLs", "[config]") {
  const auto config = parse_ok(
      "registry: 1\nremotes:\n  shared: file:///mnt/models\n  local: ../blobs\n  abs: /srv/blobs\n  web: "
      "https://models.example.com/store\n  plain: http://host:8080/x\ndefault_remote: web\n");
  REQUIRE(config.remotes.size() == 5);
  CHECK(config.remotes[1] == std::pair<std::string, std::string>{"local", "../blobs"});
  CHECK(config.default_remote == "web");

  find(problems("registry: 1\nremotes:\n  Origin: s3://b\n"), "remotes: invalid remote name \"Origin\"");
  find(problems("registry: 1\nremotes:\n  origin: gs://bucket\n"), "unsupported scheme \"gs://\"");
  find(problems("registry: 1\nremotes:\n  origin: s3://\n"), "names no location after \"s3://\"");
  find(problems("registry: 1\nremotes:\n  origin: \"\"\n"), "remotes.origin: expected a URL");
  find(problems("registry: 1\nremotes:\n  origin: \"a\\tb\"\n"), "control character");
  find(problems("registry: 1\nremotes: [a]\n"), "remotes: expected a map");
  auto d = find(problems("registry: 1\nremotes:\n  a: /x\ndefault_remote: b\n"),
                "default_remote: \"b\" is not a configured remote (remotes: a)");
  CHECK(d.line == 4);
  CHECK(d.column == 17);
  find(problems("registry: 1\ndefault_remote: origin\n"), "is not a configured remote");
}

TEST_CASE("every problem in the file is reported at once", "[config]") {
  const auto diagnostics = problems("registry: 3\nmodels_dir: /abs\nintegrity: md5\nstages:\n  - name: X\n");
  CHECK(diagnostics.size() == 4);
  try {
    mreg::load_registry_config("registry: 3\n", "repo/mreg.yaml");
    FAIL("no exception");
  } catch (const mreg::Error& e) {
    CHECK(e.code() == mreg::ErrorCode::invalid);
    CHECK_THAT(e.what(), Catch::StartsWith("repo/mreg.yaml:1:11: registry: this mreg reads registry format 1"));
  }
}

TEST_CASE("with_stages chains stages in order", "[config]") {
  const auto defaults = RegistryConfig::with_stages();
  REQUIRE(defaults.stages.size() == 2);
  CHECK(defaults.stages[0].name == "staging");
  CHECK(defaults.stages[0].from.empty());
  CHECK(defaults.stages[1].name == "production");
  CHECK(defaults.stages[1].from == std::vector<std::string>{"staging"});

  const auto custom = RegistryConfig::with_stages({"dev", "qa", "prod"});
  REQUIRE(custom.stages.size() == 3);
  CHECK(custom.stages[2].from == std::vector<std::string>{"qa"});
  CHECK(custom.registry == 1);
  CHECK(custom.models_dir == "models");
}

TEST_CASE("emitted config writes defaults only where required, and round-trips", "[config]") {
  CHECK(mreg::emit_registry_config(RegistryConfig::with_stages()) ==
        "registry: 1\nmodels_dir: models\nstages:\n  - name: staging\n  - name: production\n    from: [staging]\n");
  CHECK(mreg::emit_registry_config(RegistryConfig{}) == "registry: 1\nmodels_dir: models\nstages: []\n");
  check_round_trip(RegistryConfig::with_stages());
  check_round_trip(RegistryConfig{});

  const auto documented_config = parse_ok(documented);
  CHECK(mreg::emit_registry_config(documented_config) == R"(registry: 1
models_dir: models
stages:
  - name: staging
  - name: production
    from: [staging]
    require:
      metrics.auc: ">= 0.90"
require: [owner, license]
remotes:
  origin: "s3://ml-models/registry?endpoint=https://s3.example.com&region=eu-west-1"
default_remote: origin
)");
  check_round_trip(documented_config);

  auto everything = RegistryConfig::with_stages({"a", "b"});
  everything.models_dir = "ml/1.0";
  everything.stage_branch_prefix = "env/";
  everything.integrity = mreg::Integrity::sha256;
  everything.require = {"owner"};
  everything.stages[1].require.push_back(gate("<", 0.25));
  everything.remotes = {{"true", "/srv/x y"}, {"null", "file:///a"}};
  everything.default_remote = "null";
  const auto text = mreg::emit_registry_config(everything);
  CHECK_THAT(text, Catch::Contains("      metrics.auc: \"< 0.25\"\n"));
  CHECK_THAT(text, Catch::Contains("integrity: sha256\n"));
  CHECK_THAT(text, Catch::Contains("stage_branch_prefix: env/\n"));
  CHECK_THAT(text, Catch::Contains("models_dir: \"ml/1.0\"\n") || Catch::Contains("models_dir: ml/1.0\n"));
  check_round_trip(everything);
  const auto again = parse_ok(text);
  CHECK(again.models_dir == "ml/1.0");
  CHECK(again.remotes == everything.remotes);
  CHECK(again.default_remote == "null");
  CHECK(again.stages[1].require[0].threshold == 0.25);
}
