#include <catch2/catch.hpp>

#include "core/metadata_diff.hpp"

using namespace mreg;
using json = nlohmann::ordered_json;

namespace {

Gate gate(std::string field, std::string op, double threshold) {
  Gate g;
  g.field = std::move(field);
  g.op = std::move(op);
  g.threshold = threshold;
  g.text = g.op + " " + std::to_string(threshold);
  return g;
}

RegistryConfig config_with_gates() {
  RegistryConfig config = RegistryConfig::with_stages();
  config.stages[1].require = {gate("metrics.auc", ">=", 0.9), gate("metrics.loss", "<=", 0.5),
                              gate("metrics.acc", "==", 1)};
  return config;
}

Artifact artifact(std::string path, std::uint64_t size, std::string_view content) {
  Artifact a;
  a.path = std::move(path);
  a.size = size;
  a.digest = digest_of(content);
  return a;
}

ModelMetadata base() {
  ModelMetadata m;
  m.name = "fraud";
  m.version = Version::parse("1.2.0");
  m.owner = "risk@example.com";
  m.tags = {"fraud"};
  m.params = json{{"eta", 0.1}, {"optimizer", {{"name", "adam"}, {"lr", 0.01}}}};
  m.metrics = {{"auc", 0.91}, {"loss", 0.40}, {"acc", 0.8}, {"f1", 0.7}};
  m.artifacts = {artifact("model.json", 100, "a"), artifact("old.bin", 5, "b"), artifact("README.md", 7, "c")};
  return m;
}

const FieldChange* field(const DiffReport& report, std::string_view name) {
  for (const auto& change : report.fields) {
    if (change.field == name) return &change;
  }
  return nullptr;
}

const MetricChange* metric(const DiffReport& report, std::string_view name) {
  for (const auto& change : report.metrics) {
    if (change.name == name) return &change;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("identical versions differ in nothing but their refs", "[core][diff]") {
  const auto report = compare_metadata(config_with_gates(), "fraud@1.2.0", base(), "fraud@1.2.0", base());
  CHECK(report.fields.empty());
  CHECK(report.metrics.size() == 4);
  for (const auto& m : report.metrics) CHECK_FALSE(m.improved);
  for (const auto& a : report.artifacts) CHECK(a.kind == ArtifactChange::Kind::unchanged);
}

TEST_CASE("fields are compared one by one, maps by dotted key, version left out", "[core][diff]") {
  ModelMetadata after = base();
  after.version = Version::parse("1.3.0");
  after.owner = "ml@example.com";
  after.license = "apache-2.0";
  after.tags = {"fraud", "payments"};
  after.params["optimizer"]["lr"] = 0.005;
  after.params.erase("eta");
  after.params["depth"] = 8;
  after.custom["team"] = "risk";
  const auto report = compare_metadata(config_with_gates(), "fraud@1.2.0", base(), "fraud@1.3.0", after);
  REQUIRE(field(report, "owner"));
  CHECK(field(report, "owner")->before == "risk@example.com");
  CHECK(field(report, "owner")->after == "ml@example.com");
  REQUIRE(field(report, "license"));
  CHECK(field(report, "license")->before.is_null());
  CHECK(field(report, "tags")->after == json::array({"fraud", "payments"}));
  CHECK(field(report, "params.optimizer.lr")->after == 0.005);
  CHECK_FALSE(field(report, "params.optimizer.name"));
  CHECK(field(report, "params.eta")->after.is_null());
  CHECK(field(report, "params.depth")->before.is_null());
  CHECK(field(report, "custom.team")->after == "risk");
  CHECK_FALSE(field(report, "custom"));
  CHECK_FALSE(field(report, "version"));
  CHECK(report.fields.front().field == "owner");  // model.yaml's order
}

TEST_CASE("metrics get a direction only from a gate that has one", "[core][diff]") {
  ModelMetadata after = base();
  after.metrics = {{"auc", 0.94}, {"loss", 0.45}, {"acc", 0.9}, {"recall", 0.6}};
  const auto report = compare_metadata(config_with_gates(), "a", base(), "b", after);
  CHECK(metric(report, "auc")->improved == true);    // >= gate, went up
  CHECK(metric(report, "loss")->improved == false);  // <= gate, went up
  CHECK_FALSE(metric(report, "acc")->improved);      // == has no direction
  CHECK_FALSE(metric(report, "recall")->before);     // new
  CHECK(metric(report, "f1")->before == 0.7);        // removed, listed last
  CHECK_FALSE(metric(report, "f1")->after);
  CHECK(report.metrics.back().name == "f1");
}

TEST_CASE("artifacts are matched by path and sorted by it", "[core][diff]") {
  ModelMetadata after = base();
  after.artifacts = {artifact("model.json", 100, "changed"), artifact("README.md", 7, "c"),
                     artifact("vocab.txt", 9, "d")};
  const auto report = compare_metadata(config_with_gates(), "a", base(), "b", after);
  REQUIRE(report.artifacts.size() == 4);
  CHECK(report.artifacts[0].path == "README.md");
  CHECK(report.artifacts[0].kind == ArtifactChange::Kind::unchanged);
  CHECK(report.artifacts[1].path == "model.json");
  CHECK(report.artifacts[1].kind == ArtifactChange::Kind::changed);
  CHECK(report.artifacts[1].digest_before != report.artifacts[1].digest_after);
  CHECK(report.artifacts[2].path == "old.bin");
  CHECK(report.artifacts[2].kind == ArtifactChange::Kind::removed);
  CHECK(report.artifacts[2].size_before == 5u);
  CHECK_FALSE(report.artifacts[2].size_after);
  CHECK(report.artifacts[3].path == "vocab.txt");
  CHECK(report.artifacts[3].kind == ArtifactChange::Kind::added);
  CHECK(report.artifacts[3].size_after == 9u);
}
