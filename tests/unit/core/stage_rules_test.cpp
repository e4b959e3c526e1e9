#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/stage_rules.hpp"
#include "mreg/error.hpp"

using namespace mreg;

namespace {

Gate gate(std::string field, std::string op, double threshold) {
  Gate g;
  g.field = std::move(field);
  g.op = std::move(op);
  g.threshold = threshold;
  g.text = g.op + " " + std::to_string(threshold).substr(0, 4);
  return g;
}

ModelMetadata model(std::string version, std::vector<std::pair<std::string, double>> metrics) {
  ModelMetadata m;
  m.name = "fraud";
  m.version = Version::parse(version);
  m.metrics = std::move(metrics);
  return m;
}

StageEntry entry(std::string version, StageEntry::Status status = StageEntry::Status::verified) {
  StageEntry e;
  e.name = "fraud";
  e.version = Version::parse(version);
  e.status = status;
  return e;
}

StageConfig production() {
  StageConfig stage;
  stage.name = "production";
  stage.from = {"staging", "canary"};
  stage.require = {gate("metrics.auc", ">=", 0.90), gate("metrics.latency_ms", "<", 50)};
  return stage;
}

}  // namespace

TEST_CASE("a gate passes on the version's metric and fails on a missing one", "[core][stage_rules]") {
  const Gate auc = gate("metrics.auc", ">=", 0.90);
  SECTION("passing") {
    const RuleCheck check = check_gate(auc, model("1.0.0", {{"auc", 0.94}}));
    CHECK(check.passed);
    CHECK(check.rule == "require: metrics.auc >= 0.90");
    CHECK(check.detail == "auc is 0.94");
  }
  SECTION("on the threshold") { CHECK(check_gate(auc, model("1.0.0", {{"auc", 0.90}})).passed); }
  SECTION("failing") {
    const RuleCheck check = check_gate(auc, model("1.0.0", {{"auc", 0.87}}));
    CHECK_FALSE(check.passed);
    CHECK(check.detail == "auc is 0.87");
  }
  SECTION("missing") {
    const RuleCheck check = check_gate(auc, model("1.0.0", {{"f1", 0.99}}));
    CHECK_FALSE(check.passed);
    CHECK(check.detail == "fraud has no metric auc");
  }
  SECTION("not a number") {
    CHECK_FALSE(check_gate(auc, model("1.0.0", {{"auc", std::numeric_limits<double>::quiet_NaN()}})).passed);
  }
  SECTION("lower is better") {
    const Gate latency = gate("metrics.latency_ms", "<", 50);
    CHECK(check_gate(latency, model("1.0.0", {{"latency_ms", 12}})).passed);
    CHECK_FALSE(check_gate(latency, model("1.0.0", {{"latency_ms", 50}})).passed);
  }
}

TEST_CASE("the from: rule needs the exact version, verified, in one of the stages", "[core][stage_rules]") {
  const StageConfig stage = production();
  const Version version = *Version::parse("1.3.0");
  SECTION("held by the second stage") {
    const RuleCheck check =
        check_from_rule(stage, "fraud", version, {{"staging", entry("1.2.0")}, {"canary", entry("1.3.0")}});
    CHECK(check.passed);
    CHECK(check.rule == "from: [staging, canary]");
    CHECK(check.detail == "fraud v1.3.0 is in canary");
  }
  SECTION("another version") {
    const RuleCheck check = check_from_rule(stage, "fraud", version, {{"staging", entry("1.2.0")}, {"canary", {}}});
    CHECK_FALSE(check.passed);
    CHECK(check.detail ==
          "fraud v1.3.0 is not in staging or canary (staging holds fraud v1.2.0; canary does not hold fraud)");
  }
  SECTION("a copy edited by hand does not count") {
    const RuleCheck check = check_from_rule(
        stage, "fraud", version, {{"staging", entry("1.3.0", StageEntry::Status::modified)}, {"canary", {}}});
    CHECK_FALSE(check.passed);
    CHECK_THAT(check.detail, Catch::Contains("staging holds fraud v1.3.0, modified"));
  }
  SECTION("an unverified copy does not count") {
    CHECK_FALSE(check_from_rule(stage, "fraud", version,
                                {{"staging", entry("1.3.0", StageEntry::Status::unverified)}, {"canary", {}}})
                    .passed);
  }
}

TEST_CASE("check_stage_rules checks from: first, then every gate", "[core][stage_rules]") {
  const StageConfig stage = production();
  const auto checks =
      check_stage_rules(stage, model("1.3.0", {{"auc", 0.95}}), {{"staging", entry("1.3.0")}, {"canary", {}}});
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].rule == "from: [staging, canary]");
  CHECK(checks[0].passed);
  CHECK(checks[1].passed);
  CHECK(checks[2].rule.starts_with("require: metrics.latency_ms <"));
  CHECK_FALSE(checks[2].passed);

  StageConfig open;
  open.name = "staging";
  CHECK(check_stage_rules(open, model("1.3.0", {}), {}).empty());
}

TEST_CASE("a refusal names each broken rule and the fixes", "[core][stage_rules]") {
  const StageConfig stage = production();
  const auto checks =
      check_stage_rules(stage, model("1.3.0", {{"auc", 0.87}, {"latency_ms", 10}}), {{"staging", {}}, {"canary", {}}});
  try {
    throw_rule_failures(stage, "fraud", *Version::parse("1.3.0"), checks);
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid);
    const std::string message = e.what();
    CHECK_THAT(message, Catch::StartsWith("cannot promote fraud v1.3.0 to production"));
    CHECK_THAT(message, Catch::Contains("from: [staging, canary]: fraud v1.3.0 is not in staging or canary"));
    CHECK_THAT(message, Catch::Contains("require: metrics.auc >= 0.90: auc is 0.87"));
    CHECK_THAT(message, !Catch::Contains("latency_ms"));
    CHECK_THAT(e.hint(), Catch::Contains("mreg promote fraud@1.3.0 staging"));
    CHECK_THAT(e.hint(), Catch::Contains("--force"));
  }
}
