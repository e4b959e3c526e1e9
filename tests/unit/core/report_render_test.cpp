#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "mreg/diff.hpp"
#include "mreg/error.hpp"

using namespace mreg;
using Catch::Matchers::Contains;

namespace {

// fraud 1.2.0 -> 1.3.0: auc up (gated, higher is better), latency up (gated,
// lower is better), f1 new, owner and a param changed, one file of each kind.
DiffReport fraud_diff() {
  DiffReport report;
  report.ref_a = "fraud@1.2.0";
  report.ref_b = "fraud@1.3.0";
  report.fields = {{"owner", "risk@example.com", "ml@example.com"},
                   {"params.eta", 0.1, 0.05},
                   {"tags", nlohmann::ordered_json::array({"fraud"}), nlohmann::ordered_json::array({"fraud", "payments"})},
                   {"license", nullptr, "apache-2.0"}};
  report.metrics = {{"auc", 0.91, 0.94, true},
                    {"latency_ms", 20, 35, false},
                    {"recall", 0.5, 0.6, std::nullopt},
                    {"f1", std::nullopt, 0.81, std::nullopt}};
  ArtifactChange changed{"model.json", ArtifactChange::Kind::changed, 4096, 8192, "xxh128:aa", "xxh128:bb"};
  ArtifactChange added{"vocab.txt", ArtifactChange::Kind::added, std::nullopt, 1536, "", "xxh128:cc"};
  ArtifactChange removed{"old.bin", ArtifactChange::Kind::removed, 12, std::nullopt, "xxh128:dd", ""};
  ArtifactChange same{"README.md", ArtifactChange::Kind::unchanged, 3 * 1024 * 1024, 3 * 1024 * 1024, "xxh128:ee",
                      "xxh128:ee"};
  report.artifacts = {same, changed, removed, added};
  return report;
}

RuleCheck check(std::string rule, bool passed, std::string detail) { return {std::move(rule), passed, std::move(detail)}; }

// production: fraud 1.2.0 -> 1.3.0 passing, churn 2.0.0 new and failing its
// gate, spam demoted.
ReviewReport production_review() {
  ReviewReport report;
  report.base = "origin/stage/production";
  report.head = "HEAD";
  report.base_commit = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  report.head_commit = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  report.stage = "production";
  ReviewItem churn{"production", "churn", std::nullopt, Version::parse("2.0.0"),
                   {check("from: [staging]", true, "churn v2.0.0 is in staging"),
                    check("require: metrics.auc >= 0.90", false, "auc is 0.87")},
                   "", std::nullopt};
  ReviewItem fraud{"production", "fraud", Version::parse("1.2.0"), Version::parse("1.3.0"),
                   {check("from: [staging]", true, "fraud v1.3.0 is in staging"),
                    check("require: metrics.auc >= 0.90", true, "auc is 0.94")},
                   "", fraud_diff()};
  ReviewItem spam{"production", "spam", Version::parse("0.4.0"), std::nullopt, {}, "", std::nullopt};
  report.items = {churn, fraud, spam};
  return report;
}

std::string line_with(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return {};
  const auto start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return text.substr(start, text.find('\n', at) - start);
}

// Runs of spaces (column padding) as one.
std::string squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("report formats parse by name and refuse others as usage errors", "[core][report_render]") {
  CHECK(parse_report_format("text") == ReportFormat::text);
  CHECK(parse_report_format("markdown") == ReportFormat::markdown);
  CHECK(parse_report_format("md") == ReportFormat::markdown);
  CHECK(parse_report_format("json") == ReportFormat::json);
  try {
    parse_report_format("html");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::usage);
    CHECK_THAT(e.what(), Contains("html") && Contains("text, markdown or json"));
  }
}

TEST_CASE("a diff in text shows each change with deltas, marks and sizes", "[core][report_render]") {
  const std::string text = render(fraud_diff(), ReportFormat::text);
  CHECK(text.starts_with("diff fraud@1.2.0 -> fraud@1.3.0\n"));
  CHECK_THAT(line_with(text, "auc"), Contains("0.91") && Contains("0.94") && Contains("+0.03 ▲ better"));
  CHECK_THAT(line_with(text, "latency_ms"), Contains("+15 ▼ worse"));
  CHECK(line_with(text, "recall").ends_with("+0.1"));  // no gate: no direction
  CHECK_THAT(line_with(text, "f1"), Contains("new"));
  CHECK_THAT(squeezed(line_with(text, "owner")), Contains("risk@example.com -> ml@example.com"));
  CHECK_THAT(squeezed(line_with(text, "tags")), Contains("[fraud] -> [fraud, payments]"));
  CHECK_THAT(squeezed(line_with(text, "license")), Contains("(none) -> apache-2.0"));
  CHECK_THAT(squeezed(line_with(text, "model.json")), Contains("changed") && Contains("4.0 KiB -> 8.0 KiB"));
  CHECK_THAT(line_with(text, "vocab.txt"), Contains("added") && Contains("1.5 KiB"));
  CHECK_THAT(line_with(text, "old.bin"), Contains("removed") && Contains("12 B"));
  CHECK_THAT(text, Contains("1 unchanged file (3.0 MiB)"));
  CHECK(line_with(text, "README.md").empty());
  CHECK(text.ends_with("\n"));
}

TEST_CASE("a diff in markdown has tables with deltas, marks and human sizes", "[core][report_render]") {
  const std::string md = render(fraud_diff(), ReportFormat::markdown);
  CHECK(md.starts_with("## mreg diff: `fraud@1.2.0` → `fraud@1.3.0`\n"));
  CHECK_THAT(md, Contains("| Metric | Before | After | Change |"));
  CHECK_THAT(md, Contains("| `auc` | 0.91 | 0.94 | **+0.03 ▲ better** |"));
  CHECK_THAT(md, Contains("| `latency_ms` | 20 | 35 | **+15 ▼ worse** |"));
  CHECK_THAT(md, Contains("| `recall` | 0.5 | 0.6 | +0.1 |"));
  CHECK_THAT(md, Contains("| `f1` | — | 0.81 | new |"));
  CHECK_THAT(md, Contains("| `owner` | `risk@example.com` | `ml@example.com` |"));
  CHECK_THAT(md, Contains("| `license` | — | `apache-2.0` |"));
  CHECK_THAT(md, Contains("| `model.json` | changed | 4.0 KiB | 8.0 KiB |"));
  CHECK_THAT(md, Contains("| `vocab.txt` | added | — | 1.5 KiB |"));
  CHECK_THAT(md, Contains("| `old.bin` | removed | 12 B | — |"));
  CHECK_THAT(md, Contains("1 unchanged file (3.0 MiB)."));
}

TEST_CASE("markdown keeps model.yaml values from breaking the table or mentioning people", "[core][report_render]") {
  DiffReport report;
  report.ref_a = "m@1.0.0";
  report.ref_b = "m@1.1.0";
  report.fields = {{"description", "a | b\nsecond line", "uses `x` @alice"}};
  const std::string md = render(report, ReportFormat::markdown);
  CHECK_THAT(md, Contains("| `description` | `a \\| b second line` | `` uses `x` @alice `` |"));
}

TEST_CASE("a diff in JSON has stable keys, rounded deltas and nulls for what is absent", "[core][report_render]") {
  const auto doc = nlohmann::json::parse(render(fraud_diff(), ReportFormat::json));
  CHECK(doc["ref_a"] == "fraud@1.2.0");
  CHECK(doc["ref_b"] == "fraud@1.3.0");
  CHECK(doc["fields"][0] == nlohmann::json({{"field", "owner"}, {"before", "risk@example.com"}, {"after", "ml@example.com"}}));
  CHECK(doc["fields"][3]["before"].is_null());
  const auto& auc = doc["metrics"][0];
  CHECK(auc["name"] == "auc");
  CHECK(auc["delta"].get<double>() == 0.03);
  CHECK(auc["improved"] == true);
  CHECK(doc["metrics"][1]["improved"] == false);
  CHECK(doc["metrics"][2]["improved"].is_null());
  CHECK(doc["metrics"][3]["before"].is_null());
  CHECK(doc["metrics"][3]["delta"].is_null());
  const auto& model = doc["artifacts"][1];
  CHECK(model["path"] == "model.json");
  CHECK(model["change"] == "changed");
  CHECK(model["size_before"] == 4096);
  CHECK(model["size_after"] == 8192);
  CHECK(model["digest_after"] == "xxh128:bb");
  CHECK(doc["artifacts"][3]["digest_before"].is_null());
  CHECK(doc["artifacts"][0]["change"] == "unchanged");
}

TEST_CASE("a diff without changes says so", "[core][report_render]") {
  DiffReport report;
  report.ref_a = "m@1.0.0";
  report.ref_b = "m@1.0.1";
  report.metrics = {{"auc", 0.9, 0.9, std::nullopt}};
  report.artifacts = {{"w.bin", ArtifactChange::Kind::unchanged, 10, 10, "xxh128:aa", "xxh128:aa"}};
  CHECK_THAT(render(report, ReportFormat::text), Contains("no differences"));
  CHECK_THAT(render(report, ReportFormat::markdown), Contains("No differences."));
}

TEST_CASE("a review in markdown is a PR comment: heading, table of changes with ✅/❌ per rule, diffs", "[core][report_render]") {
  const std::string md = render(production_review(), ReportFormat::markdown);
  CHECK(md.starts_with("<!-- mreg-review -->\n## ❌ mreg review: stage `production`\n"));
  CHECK_THAT(md, Contains("`origin/stage/production` (`1111111`) → `HEAD` (`2222222`): 2 promotions, 1 demotion; "
                          "**1 rule failed**."));
  CHECK_THAT(md, Contains("| | Model | Change | Rules |"));
  CHECK_THAT(md, Contains("| ❌ | `churn` | promote **v2.0.0** | ✅ `from: [staging]` churn v2.0.0 is in staging<br>"
                          "❌ `require: metrics.auc >= 0.90` auc is 0.87 |"));
  CHECK_THAT(md, Contains("| ✅ | `fraud` | promote v1.2.0 → **v1.3.0** | ✅ `from: [staging]`"));
  CHECK_THAT(md, Contains("| ➖ | `spam` | demote v0.4.0 | — |"));
  CHECK_THAT(md, Contains("<details>\n<summary>fraud v1.2.0 → v1.3.0: what changed</summary>\n\n#### Metrics\n"));
  CHECK_THAT(md, Contains("| `auc` | 0.91 | 0.94 | **+0.03 ▲ better** |"));
  CHECK_THAT(md, Contains("</details>"));
}

TEST_CASE("a passing review says all rules pass", "[core][report_render]") {
  auto report = production_review();
  report.items.erase(report.items.begin());  // churn, the failing one
  REQUIRE(report.ok());
  const std::string md = render(report, ReportFormat::markdown);
  CHECK_THAT(md, Contains("## ✅ mreg review: stage `production`"));
  CHECK_THAT(md, Contains("1 promotion, 1 demotion; **all rules pass**."));
  CHECK_THAT(md, !Contains("❌"));
}

TEST_CASE("a problem in a review fails it and is shown with its explanation", "[core][report_render]") {
  ReviewReport report = production_review();
  report.items = {{"production", "fraud", Version::parse("1.2.0"), Version::parse("1.2.0"), {},
                   "models/fraud/ on HEAD is not the registered fraud@v1.2.0: edited by hand", std::nullopt}};
  CHECK_FALSE(report.ok());
  CHECK(report.problems() == 1);
  const std::string md = render(report, ReportFormat::markdown);
  CHECK_THAT(md, Contains("| ❌ | `fraud` | **problem** | models/fraud/ on HEAD is not the registered fraud@v1.2.0: "
                          "edited by hand |"));
  CHECK_THAT(md, Contains("1 problem"));
  const std::string text = render(report, ReportFormat::text);
  CHECK_THAT(text, Contains("PROBLEM fraud: models/fraud/ on HEAD is not the registered"));
  const auto doc = nlohmann::json::parse(render(report, ReportFormat::json));
  CHECK(doc["items"][0]["change"] == "problem");
  CHECK(doc["ok"] == false);
}

TEST_CASE("a review in text lists each change, its rules and its diff", "[core][report_render]") {
  const std::string text = render(production_review(), ReportFormat::text);
  CHECK(text.starts_with("review of stage production: origin/stage/production (1111111) -> HEAD (2222222)\n"));
  CHECK_THAT(text, Contains("promote churn v2.0.0\n"));
  CHECK_THAT(line_with(text, "auc is 0.87"), Contains("FAIL") && Contains("require: metrics.auc >= 0.90"));
  CHECK_THAT(text, Contains("promote fraud v1.2.0 -> v1.3.0\n"));
  CHECK_THAT(line_with(text, "0.91"), Contains("+0.03 ▲ better"));
  CHECK_THAT(text, Contains("demote spam v0.4.0\n"));
  CHECK(text.ends_with("2 promotions, 1 demotion: 1 rule failed\n"));
}

TEST_CASE("a review in JSON has stable keys and the diff of each promotion", "[core][report_render]") {
  const auto doc = nlohmann::json::parse(render(production_review(), ReportFormat::json));
  CHECK(doc["stage"] == "production");
  CHECK(doc["base"] == "origin/stage/production");
  CHECK(doc["head_commit"] == "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  CHECK(doc["ok"] == false);
  CHECK(doc["failed_checks"] == 1);
  CHECK(doc["problems"] == 0);
  REQUIRE(doc["items"].size() == 3);
  const auto& churn = doc["items"][0];
  CHECK(churn["change"] == "promotion");
  CHECK(churn["before"].is_null());
  CHECK(churn["after"] == "2.0.0");
  CHECK(churn["checks"][1] == nlohmann::json({{"rule", "require: metrics.auc >= 0.90"}, {"passed", false},
                                              {"detail", "auc is 0.87"}}));
  CHECK(churn["diff"].is_null());
  CHECK(churn["problem"].is_null());
  CHECK(doc["items"][1]["diff"]["metrics"][0]["improved"] == true);
  CHECK(doc["items"][2]["change"] == "demotion");
  CHECK(doc["items"][2]["after"].is_null());
}

TEST_CASE("a review without changes passes", "[core][report_render]") {
  ReviewReport report = production_review();
  report.items.clear();
  CHECK(report.ok());
  CHECK_THAT(render(report, ReportFormat::markdown), Contains("no model changes; **all rules pass**."));
  CHECK_THAT(render(report, ReportFormat::text), Contains("no model changes: all rules pass"));
}
