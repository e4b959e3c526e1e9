// render() for DiffReport and ReviewReport in text, markdown and JSON, and
// parse_report_format, and the counts of a ReviewReport that they summarize.
//
// The three formats are built from the same pieces (value_text, delta_text,
// mark_text, human_bytes) so that they always say the same thing. Markdown is
// GitHub flavoured and meant to be posted as a pull-request comment: values
// from model.yaml go into code spans (so that "@someone" in a tag never
// mentions anyone and "*" never turns into emphasis), other text is escaped.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/tensor_render.hpp"
#include "util/byte_size.hpp"
#include "mreg/diff.hpp"
#include "mreg/error.hpp"

namespace mreg {
namespace {

using json = nlohmann::ordered_json;

// A review's markdown starts with this, so that CI can find and update its
// earlier comment instead of adding one per push (examples/ci/ does).
constexpr std::string_view review_marker = "<!-- mreg-review -->";
constexpr std::size_t max_value_chars = 120;
// Text and markdown list this many changed tensors per file; JSON lists all.
constexpr std::size_t max_tensor_rows = 50;

// --- pieces shared by the formats ---------------------------------------------

std::string number_text(double value) { return fmt::format("{}", value); }

// after - before without the noise of binary fractions: 0.94 - 0.91 is
// 0.03, not 0.029999999999999916.
double rounded_delta(double before, double after) {
  const double delta = after - before;
  return std::stod(fmt::format("{:.12g}", delta));
}

std::string delta_text(double delta) { return fmt::format("{:+.12g}", delta); }

std::optional<double> metric_delta(const MetricChange& metric) {
  if (!metric.before || !metric.after) return std::nullopt;
  return rounded_delta(*metric.before, *metric.after);
}

// "▲ better" / "▼ worse" where a gate says which direction is good.
std::string mark_text(const MetricChange& metric) {
  if (!metric.improved) return {};
  return *metric.improved ? "▲ better" : "▼ worse";
}

// What happened to a metric, in words: "+0.03 ▲ better", "new", "removed", "unchanged".
std::string metric_change_text(const MetricChange& metric) {
  if (!metric.before) return "new";
  if (!metric.after) return "removed";
  const double delta = *metric_delta(metric);
  if (delta == 0) return "unchanged";
  const std::string mark = mark_text(metric);
  return mark.empty() ? delta_text(delta) : fmt::format("{} {}", delta_text(delta), mark);
}

// Cuts at a UTF-8 character boundary.
std::string shortened(std::string text) {
  for (auto& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() <= max_value_chars) return text;
  std::size_t cut = max_value_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "…";
}

// A metadata value as a person reads it: strings bare, lists as [a, b].
std::string value_text(const json& value) {
  if (value.is_string()) return shortened(value.get<std::string>());
  if (value.is_array()) {
    std::string text = "[";
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) text += ", ";
      text += value[i].is_string() ? value[i].get<std::string>() : value[i].dump();
    }
    return shortened(text + "]");
  }
  return shortened(value.dump());
}

const char* kind_name(ArtifactChange::Kind kind) {
  switch (kind) {
    case ArtifactChange::Kind::added: return "added";
    case ArtifactChange::Kind::removed: return "removed";
    case ArtifactChange::Kind::changed: return "changed";
    case ArtifactChange::Kind::unchanged: return "unchanged";
  }
  return "unchanged";
}

std::string optional_human_bytes(const std::optional<std::uint64_t>& size) {
  return size ? human_bytes(*size) : std::string();
}

struct UnchangedFiles {
  std::size_t count = 0;
  std::uint64_t bytes = 0;
};

UnchangedFiles unchanged_files(const DiffReport& report) {
  UnchangedFiles result;
  for (const auto& artifact : report.artifacts) {
    if (artifact.kind != ArtifactChange::Kind::unchanged) continue;
    ++result.count;
    result.bytes += artifact.size_after.value_or(0);
  }
  return result;
}

std::string unchanged_files_text(const UnchangedFiles& unchanged) {
  return fmt::format("{} unchanged file{} ({})", unchanged.count, unchanged.count == 1 ? "" : "s",
                     human_bytes(unchanged.bytes));
}

bool has_changes(const DiffReport& report) {
  const auto metric_changed = [](const MetricChange& m) { return metric_change_text(m) != "unchanged"; };
  const auto artifact_changed = [](const ArtifactChange& a) { return a.kind != ArtifactChange::Kind::unchanged; };
  return !report.fields.empty() || std::any_of(report.metrics.begin(), report.metrics.end(), metric_changed) ||
         std::any_of(report.artifacts.begin(), report.artifacts.end(), artifact_changed);
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

enum class ItemKind { promotion, demotion, problem };

ItemKind item_kind(const ReviewItem& item) {
  if (!item.problem.empty()) return ItemKind::problem;
  return item.after ? ItemKind::promotion : ItemKind::demotion;
}

const char* item_kind_name(ItemKind kind) {
  switch (kind) {
    case ItemKind::promotion: return "promotion";
    case ItemKind::demotion: return "demotion";
    case ItemKind::problem: return "problem";
  }
  return "problem";
}

bool item_failed(const ReviewItem& item) {
  return !item.problem.empty() ||
         std::any_of(item.checks.begin(), item.checks.end(), [](const RuleCheck& c) { return !c.passed; });
}

std::string version_text(const std::optional<Version>& version) {
  return version ? "v" + version->str() : std::string("(no version)");
}

// "promote fraud v1.2.0 -> v1.3.0", "demote fraud v1.2.0" (arrow given).
std::string change_text(const ReviewItem& item, std::string_view arrow) {
  switch (item_kind(item)) {
    case ItemKind::promotion:
      if (!item.before) return fmt::format("promote {} {}", item.name, version_text(item.after));
      return fmt::format("promote {} {} {} {}", item.name, version_text(item.before), arrow, version_text(item.after));
    case ItemKind::demotion: return fmt::format("demote {} {}", item.name, version_text(item.before));
    case ItemKind::problem: break;
  }
  return fmt::format("problem with {}", item.name);
}

// "1 promotion, 1 demotion"; problems are left to verdict_text.
std::string review_summary(const ReviewReport& report) {
  std::size_t promotions = 0, demotions = 0;
  for (const auto& item : report.items) {
    const auto kind = item_kind(item);
    if (kind == ItemKind::promotion) ++promotions;
    if (kind == ItemKind::demotion) ++demotions;
  }
  if (report.items.empty()) return "no model changes";
  if (!promotions && !demotions) return "no promotions or demotions";
  if (!demotions) return plural(promotions, "promotion", "promotions");
  if (!promotions) return plural(demotions, "demotion", "demotions");
  return plural(promotions, "promotion", "promotions") + ", " + plural(demotions, "demotion", "demotions");
}

std::string verdict_text(const ReviewReport& report) {
  if (report.ok()) return "all rules pass";
  std::vector<std::string> parts;
  if (report.failed_checks()) parts.push_back(plural(report.failed_checks(), "rule failed", "rules failed"));
  if (report.problems()) parts.push_back(plural(report.problems(), "problem", "problems"));
  return parts.size() == 1 ? parts.front() : parts.front() + ", " + parts.back();
}

// --- text ------------------------------------------------------------------------

// Columns aligned on display width (UTF-8 continuation bytes do not count).
class Columns {
 public:
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  void print(std::string& out, std::string_view indent) const {
    std::vector<std::size_t> widths;
    for (const auto& row : m_rows) {
      if (widths.size() < row.size()) widths.resize(row.size(), 0);
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
    }
    for (const auto& row : m_rows) {
      std::string line(indent);
      for (std::size_t c = 0; c < row.size(); ++c) {
        line += row[c];
        if (c + 1 < row.size()) line.append(widths[c] - width(row[c]) + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
  }

 private:
  static std::size_t width(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  std::vector<std::vector<std::string>> m_rows;
};

// The body of a diff (without its title line), each line prefixed by `indent`.
// "model.safetensors: 8 tensors changed, 72 unchanged" and the tensors.
void tensors_text(const ArtifactChange& artifact, std::string& out, const std::string& indent) {
  if (!artifact.tensors_note.empty()) out += fmt::format("{}{}: {}\n", indent, artifact.path, artifact.tensors_note);
  if (!artifact.tensors) return;
  out += fmt::format("{}{}: {}\n", indent, artifact.path, tensor_counts_text(*artifact.tensors));
  Columns columns;
  const auto rows = tensor_rows(*artifact.tensors);
  for (std::size_t i = 0; i < rows.size() && i < max_tensor_rows; ++i) columns.add({rows[i].begin(), rows[i].end()});
  columns.print(out, indent + "  ");
  if (rows.size() > max_tensor_rows) out += fmt::format("{}  ... and {} more\n", indent, rows.size() - max_tensor_rows);
}

void diff_text_body(const DiffReport& report, std::string& out, std::string_view indent) {
  if (!has_changes(report)) {
    out += fmt::format("{}no differences\n", indent);
    return;
  }
  const std::string nested = std::string(indent) + "  ";
  if (!report.metrics.empty()) {
    out += fmt::format("{}metrics:\n", indent);
    Columns columns;
    for (const auto& metric : report.metrics) {
      columns.add({metric.name, metric.before ? number_text(*metric.before) : "-", "->",
                   metric.after ? number_text(*metric.after) : "-", metric_change_text(metric)});
    }
    columns.print(out, nested);
  }
  if (!report.fields.empty()) {
    out += fmt::format("{}metadata:\n", indent);
    Columns columns;
    for (const auto& field : report.fields) {
      columns.add({field.field, field.before.is_null() ? "(none)" : value_text(field.before), "->",
                   field.after.is_null() ? "(none)" : value_text(field.after)});
    }
    columns.print(out, nested);
  }
  const auto unchanged = unchanged_files(report);
  if (unchanged.count < report.artifacts.size()) {
    out += fmt::format("{}artifacts:\n", indent);
    Columns columns;
    for (const auto& artifact : report.artifacts) {
      switch (artifact.kind) {
        case ArtifactChange::Kind::unchanged: continue;
        case ArtifactChange::Kind::added: columns.add({"added", artifact.path, optional_human_bytes(artifact.size_after)}); break;
        case ArtifactChange::Kind::removed:
          columns.add({"removed", artifact.path, optional_human_bytes(artifact.size_before)});
          break;
        case ArtifactChange::Kind::changed:
          columns.add({"changed", artifact.path,
                       fmt::format("{} -> {}", optional_human_bytes(artifact.size_before),
                                   optional_human_bytes(artifact.size_after))});
          break;
      }
    }
    columns.print(out, nested);
    if (unchanged.count) out += fmt::format("{}{}\n", nested, unchanged_files_text(unchanged));
    for (const auto& artifact : report.artifacts) tensors_text(artifact, out, nested);
  } else if (unchanged.count) {
    out += fmt::format("{}artifacts: {}\n", indent, unchanged_files_text(unchanged));
  }
}

std::string diff_text(const DiffReport& report) {
  std::string out = fmt::format("diff {} -> {}\n", report.ref_a, report.ref_b);
  diff_text_body(report, out, "");
  return out;
}

std::string review_text(const ReviewReport& report) {
  std::string out = fmt::format("review of stage {}: {} ({}) -> {} ({})\n", report.stage, report.base,
                                report.base_commit.substr(0, 7), report.head, report.head_commit.substr(0, 7));
  for (const auto& item : report.items) {
    out += '\n';
    if (item_kind(item) == ItemKind::problem) {
      out += fmt::format("PROBLEM {}: {}\n", item.name, item.problem);
      continue;
    }
    out += change_text(item, "->") + '\n';
    Columns checks;
    for (const auto& check : item.checks) checks.add({check.passed ? "pass" : "FAIL", check.rule, check.detail});
    checks.print(out, "  ");
    if (item.diff) diff_text_body(*item.diff, out, "  ");
  }
  out += fmt::format("\n{}: {}\n", review_summary(report), verdict_text(report));
  return out;
}

// --- markdown -------------------------------------------------------------------

// Plain text in a table cell or paragraph: markdown punctuation escaped.
std::string md_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '|': case '~':
        out += '\\';
        out += c;
        break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out;
}

// A code span that is safe in a table cell (GFM splits cells on '|' even in code).
std::string md_code(std::string_view text) {
  std::string body;
  for (char c : text) {
    if (c == '\n') {
      body += ' ';
    } else if (c == '|') {
      body += "\\|";
    } else {
      body += c;
    }
  }
  if (body.empty()) return {};
  if (body.find('`') == std::string::npos) return fmt::format("`{}`", body);
  return fmt::format("`` {} ``", body);
}

std::string md_value(const json& value) { return value.is_null() ? "—" : md_code(value_text(value)); }

std::string md_metric_change(const MetricChange& metric) {
  const std::string text = metric_change_text(metric);
  if (!metric.improved) return text;
  return fmt::format("**{}**", text);
}

// The sections of a diff, each headed at `level` ("###").
// A collapsed table of the changed tensors of one file.
void tensors_markdown(const ArtifactChange& artifact, std::string& out) {
  if (!artifact.tensors_note.empty()) out += fmt::format("{}: {}.\n\n", md_code(artifact.path), md_text(artifact.tensors_note));
  if (!artifact.tensors) return;
  out += fmt::format("<details><summary>{}: {}</summary>\n\n", md_code(artifact.path),
                     md_text(tensor_counts_text(*artifact.tensors)));
  const auto rows = tensor_rows(*artifact.tensors);
  if (!rows.empty()) out += "| Tensor | Change | Type |\n|:--|:--|:--|\n";
  for (std::size_t i = 0; i < rows.size() && i < max_tensor_rows; ++i) {
    out += fmt::format("| {} | {} | {} |\n", md_code(rows[i][1]), rows[i][0], md_code(rows[i][2]));
  }
  if (rows.size() > max_tensor_rows) out += fmt::format("\n… and {} more\n", rows.size() - max_tensor_rows);
  out += "\n</details>\n\n";
}

void diff_markdown_body(const DiffReport& report, std::string& out, std::string_view level) {
  if (!has_changes(report)) {
    out += "No differences.\n";
    return;
  }
  if (!report.metrics.empty()) {
    out += fmt::format("{} Metrics\n\n| Metric | Before | After | Change |\n|:--|--:|--:|:--|\n", level);
    for (const auto& metric : report.metrics) {
      out += fmt::format("| {} | {} | {} | {} |\n", md_code(metric.name),
                         metric.before ? number_text(*metric.before) : "—",
                         metric.after ? number_text(*metric.after) : "—", md_metric_change(metric));
    }
    out += '\n';
  }
  if (!report.fields.empty()) {
    out += fmt::format("{} Metadata\n\n| Field | Before | After |\n|:--|:--|:--|\n", level);
    for (const auto& field : report.fields) {
      out += fmt::format("| {} | {} | {} |\n", md_code(field.field), md_value(field.before), md_value(field.after));
    }
    out += '\n';
  }
  const auto unchanged = unchanged_files(report);
  if (!report.artifacts.empty()) out += fmt::format("{} Artifacts\n\n", level);
  if (unchanged.count < report.artifacts.size()) {
    out += "| File | Change | Size before | Size after |\n|:--|:--|--:|--:|\n";
    for (const auto& artifact : report.artifacts) {
      if (artifact.kind == ArtifactChange::Kind::unchanged) continue;
      const auto before = optional_human_bytes(artifact.size_before);
      const auto after = optional_human_bytes(artifact.size_after);
      out += fmt::format("| {} | {} | {} | {} |\n", md_code(artifact.path), kind_name(artifact.kind),
                         before.empty() ? "—" : before, after.empty() ? "—" : after);
    }
    out += '\n';
  }
  if (unchanged.count) out += fmt::format("{}.\n\n", md_text(unchanged_files_text(unchanged)));
  for (const auto& artifact : report.artifacts) tensors_markdown(artifact, out);
}

std::string diff_markdown(const DiffReport& report) {
  std::string out = fmt::format("## mreg diff: {} → {}\n\n", md_code(report.ref_a), md_code(report.ref_b));
  diff_markdown_body(report, out, "###");
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::string md_checks(const ReviewItem& item) {
  if (item_kind(item) == ItemKind::problem) return md_text(item.problem);
  if (item_kind(item) == ItemKind::demotion) return "—";
  if (item.checks.empty()) return "no rules";
  std::string cell;
  for (const auto& check : item.checks) {
    if (!cell.empty()) cell += "<br>";
    cell += fmt::format("{} {} {}", check.passed ? "✅" : "❌", md_code(check.rule), md_text(check.detail));
  }
  return cell;
}

std::string md_change(const ReviewItem& item) {
  switch (item_kind(item)) {
    case ItemKind::promotion:
      if (!item.before) return fmt::format("promote **{}**", version_text(item.after));
      return fmt::format("promote {} → **{}**", version_text(item.before), version_text(item.after));
    case ItemKind::demotion: return fmt::format("demote {}", version_text(item.before));
    case ItemKind::problem: break;
  }
  return "**problem**";
}

std::string md_mark(const ReviewItem& item) {
  if (item_failed(item)) return "❌";
  return item_kind(item) == ItemKind::demotion ? "➖" : "✅";
}

std::string review_markdown(const ReviewReport& report) {
  std::string out(review_marker);
  out += fmt::format("\n## {} mreg review: stage {}\n\n", report.ok() ? "✅" : "❌", md_code(report.stage));
  out += fmt::format("{} ({}) → {} ({}): {}; **{}**.\n\n", md_code(report.base),
                     md_code(report.base_commit.substr(0, 7)), md_code(report.head),
                     md_code(report.head_commit.substr(0, 7)), review_summary(report), verdict_text(report));
  if (!report.items.empty()) {
    out += "| | Model | Change | Rules |\n|:-:|:--|:--|:--|\n";
    for (const auto& item : report.items) {
      out += fmt::format("| {} | {} | {} | {} |\n", md_mark(item), md_code(item.name), md_change(item),
                         md_checks(item));
    }
    out += '\n';
  }
  for (const auto& item : report.items) {
    if (!item.diff) continue;
    out += fmt::format("<details>\n<summary>{} {} → {}: what changed</summary>\n\n", md_text(item.name),
                       version_text(item.before), version_text(item.after));
    diff_markdown_body(*item.diff, out, "####");
    while (out.ends_with("\n\n")) out.pop_back();
    out += "\n</details>\n\n";
  }
  if (!report.ok()) {
    out += fmt::format(
        "Merging this would put on {} what its rules in `mreg.yaml` do not allow; "
        "a server with mreg's hooks (`mreg install-hooks --server`) refuses such a push.\n",
        md_code(report.stage));
  }
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

// --- json -------------------------------------------------------------------------

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json optional_size(const std::optional<std::uint64_t>& value) { return value ? json(*value) : json(nullptr); }

json optional_string(const std::string& value) { return value.empty() ? json(nullptr) : json(value); }

json optional_version(const std::optional<Version>& version) {
  return version ? json(version->str()) : json(nullptr);
}

json diff_json(const DiffReport& report) {
  json out;
  out["ref_a"] = report.ref_a;
  out["ref_b"] = report.ref_b;
  out["fields"] = json::array();
  for (const auto& field : report.fields) {
    out["fields"].push_back({{"field", field.field}, {"before", field.before}, {"after", field.after}});
  }
  out["metrics"] = json::array();
  for (const auto& metric : report.metrics) {
    const auto delta = metric_delta(metric);
    out["metrics"].push_back({{"name", metric.name},
                              {"before", optional_number(metric.before)},
                              {"after", optional_number(metric.after)},
                              {"delta", optional_number(delta)},
                              {"improved", metric.improved ? json(*metric.improved) : json(nullptr)}});
  }
  out["artifacts"] = json::array();
  for (const auto& artifact : report.artifacts) {
    json item = {{"path", artifact.path},
                 {"change", kind_name(artifact.kind)},
                 {"size_before", optional_size(artifact.size_before)},
                 {"size_after", optional_size(artifact.size_after)},
                 {"digest_before", optional_string(artifact.digest_before)},
                 {"digest_after", optional_string(artifact.digest_after)}};
    if (artifact.tensors) item["tensors"] = tensors_json(*artifact.tensors);
    if (!artifact.tensors_note.empty()) item["tensors_note"] = artifact.tensors_note;
    out["artifacts"].push_back(std::move(item));
  }
  return out;
}

json review_json(const ReviewReport& report) {
  json out;
  out["base"] = report.base;
  out["head"] = report.head;
  out["base_commit"] = report.base_commit;
  out["head_commit"] = report.head_commit;
  out["stage"] = report.stage;
  out["ok"] = report.ok();
  out["failed_checks"] = report.failed_checks();
  out["problems"] = report.problems();
  out["items"] = json::array();
  for (const auto& item : report.items) {
    json entry;
    entry["name"] = item.name;
    entry["stage"] = item.stage;
    entry["change"] = item_kind_name(item_kind(item));
    entry["before"] = optional_version(item.before);
    entry["after"] = optional_version(item.after);
    entry["checks"] = json::array();
    for (const auto& check : item.checks) {
      entry["checks"].push_back({{"rule", check.rule}, {"passed", check.passed}, {"detail", check.detail}});
    }
    entry["problem"] = optional_string(item.problem);
    entry["diff"] = item.diff ? diff_json(*item.diff) : json(nullptr);
    out["items"].push_back(std::move(entry));
  }
  return out;
}

std::string dumped(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

std::string with_newline(std::string text) {
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

bool ReviewReport::ok() const { return failed_checks() == 0 && problems() == 0; }

std::size_t ReviewReport::failed_checks() const {
  std::size_t count = 0;
  for (const auto& item : items) {
    count += static_cast<std::size_t>(
        std::count_if(item.checks.begin(), item.checks.end(), [](const RuleCheck& check) { return !check.passed; }));
  }
  return count;
}

std::size_t ReviewReport::problems() const {
  return static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [](const ReviewItem& item) { return !item.problem.empty(); }));
}

ReportFormat parse_report_format(std::string_view text) {
  if (text == "text") return ReportFormat::text;
  if (text == "markdown" || text == "md") return ReportFormat::markdown;
  if (text == "json") return ReportFormat::json;
  throw Error(ErrorCode::usage, fmt::format("unknown report format {:?}: expected text, markdown or json", text));
}

std::string render(const DiffReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::text: return with_newline(diff_text(report));
    case ReportFormat::markdown: return with_newline(diff_markdown(report));
    case ReportFormat::json: break;
  }
  return dumped(diff_json(report));
}

std::string render(const ReviewReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::text: return with_newline(review_text(report));
    case ReportFormat::markdown: return with_newline(review_markdown(report));
    case ReportFormat::json: break;
  }
  return dumped(review_json(report));
}

}  // namespace mreg
