#!/usr/bin/env bash
# mreg diff: metadata, metrics with deltas, artifacts with sizes, in text, markdown and JSON.
# shellcheck source=lib.sh
# shellcheck disable=SC2016  # backticks are markdown code spans, matched literally
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# A registry whose production stage gates auc (higher is better) and
# latency_ms (lower is better).
gated_registry() {
  new_registry
  cat >mreg.yaml <<'EOF'
registry: 1
models_dir: models
stages:
  - name: staging
  - name: production
    from: [staging]
    require:
      metrics.auc: ">= 0.90"
      metrics.latency_ms: "<= 50"
EOF
  git commit -qam "gates"
}

# fraud 0.1.0 and 0.2.0: other owner, tags, param, metrics and files.
two_versions() {
  gated_registry
  random_file model.bin 4096
  random_file README.md 300
  run_ok mreg register fraud model.bin README.md --owner risk@example.com --tag fraud \
    --metric auc=0.91 --metric latency_ms=30 --metric recall=0.5 --param eta=0.1 --set team=risk
  random_file model.bin 8192
  random_file vocab.txt 1536
  run_ok mreg register fraud model.bin README.md vocab.txt --owner ml@example.com --tag fraud --tag payments \
    --metric auc=0.94 --metric latency_ms=45 --metric recall=0.6 --metric f1=0.81 --param eta=0.05 --set team=ml
}

# Runs of spaces (column padding) squeezed to one, to match lines of a table.
squeeze() { printf '%s\n' "$1" | tr -s ' '; }

test_text_shows_each_change_with_delta_and_sizes() {
  two_versions
  run_ok mreg diff fraud@0.1.0 fraud@v0.2.0
  local out
  out=$(squeeze "$OUT")
  assert_contains "$out" "diff fraud@0.1.0 -> fraud@0.2.0"
  assert_contains "$out" "auc 0.91 -> 0.94 +0.03 ▲ better"
  assert_contains "$out" "latency_ms 30 -> 45 +15 ▼ worse"
  assert_contains "$out" "recall 0.5 -> 0.6 +0.1"
  assert_not_contains "$out" "+0.1 ▲" "no gate names recall: no direction"
  assert_contains "$out" "f1 - -> 0.81 new"
  assert_contains "$out" "owner risk@example.com -> ml@example.com"
  assert_contains "$out" "tags [fraud] -> [fraud, payments]"
  assert_contains "$out" "params.eta 0.1 -> 0.05"
  assert_contains "$out" "custom.team risk -> ml"
  assert_contains "$out" "changed model.bin 4.0 KiB -> 8.0 KiB"
  assert_contains "$out" "added vocab.txt 1.5 KiB"
  assert_contains "$out" "1 unchanged file (300 B)"
  assert_not_contains "$out" "version" "the version is in the title, not a field"
}

test_reversed_diff_swaps_the_signs_and_the_marks() {
  two_versions
  run_ok mreg diff fraud@0.2.0 fraud@0.1.0
  local out
  out=$(squeeze "$OUT")
  assert_contains "$out" "auc 0.94 -> 0.91 -0.03 ▼ worse"
  assert_contains "$out" "latency_ms 45 -> 30 -15 ▲ better"
  assert_contains "$out" "f1 0.81 -> - removed"
  assert_contains "$out" "removed vocab.txt 1.5 KiB"
}

test_markdown_has_tables_with_deltas_and_sizes() {
  two_versions
  run_ok mreg diff fraud@0.1.0 fraud@0.2.0 --format markdown
  assert_contains "$OUT" '## mreg diff: `fraud@0.1.0` → `fraud@0.2.0`'
  assert_contains "$OUT" '| `auc` | 0.91 | 0.94 | **+0.03 ▲ better** |'
  assert_contains "$OUT" '| `latency_ms` | 30 | 45 | **+15 ▼ worse** |'
  assert_contains "$OUT" '| `f1` | — | 0.81 | new |'
  assert_contains "$OUT" '| `owner` | `risk@example.com` | `ml@example.com` |'
  assert_contains "$OUT" '| `model.bin` | changed | 4.0 KiB | 8.0 KiB |'
  assert_contains "$OUT" '| `vocab.txt` | added | — | 1.5 KiB |'
  assert_contains "$OUT" '1 unchanged file (300 B).'
}

test_json_has_the_documented_keys() {
  two_versions
  run_ok mreg diff fraud@0.1.0 fraud@0.2.0 --format json
  assert_json "$OUT" \
    'd["ref_a"] == "fraud@0.1.0" and d["ref_b"] == "fraud@0.2.0"' \
    'sorted(d) == ["artifacts", "fields", "metrics", "ref_a", "ref_b"]' \
    '{f["field"]: (f["before"], f["after"]) for f in d["fields"]}["owner"] == ("risk@example.com", "ml@example.com")' \
    '{f["field"]: f["after"] for f in d["fields"]}["custom.team"] == "ml"' \
    '{m["name"]: m for m in d["metrics"]}["auc"] == {"name": "auc", "before": 0.91, "after": 0.94, "delta": 0.03, "improved": True}' \
    '{m["name"]: m for m in d["metrics"]}["latency_ms"]["improved"] is False' \
    '{m["name"]: m for m in d["metrics"]}["recall"]["improved"] is None' \
    '{m["name"]: m for m in d["metrics"]}["f1"]["delta"] is None' \
    '[(a["path"], a["change"]) for a in d["artifacts"]] == [("README.md", "unchanged"), ("model.bin", "changed"), ("vocab.txt", "added")]' \
    '{a["path"]: a for a in d["artifacts"]}["model.bin"]["size_before"] == 4096' \
    '{a["path"]: a for a in d["artifacts"]}["model.bin"]["size_after"] == 8192' \
    '{a["path"]: a for a in d["artifacts"]}["vocab.txt"]["digest_before"] is None'
  local digest
  digest=$(xxh128_of vocab.txt)
  if [ -n "$digest" ]; then
    assert_json "$OUT" "{a[\"path\"]: a for a in d[\"artifacts\"]}[\"vocab.txt\"][\"digest_after\"] == \"$digest\""
  fi
  run_ok mreg diff fraud@0.1.0 fraud@0.2.0 --json
  assert_json "$OUT" 'd["ref_b"] == "fraud@0.2.0"'
}

test_refs_resolve_like_everywhere_else() {
  two_versions
  run_ok mreg diff fraud@0.1.0 fraud --json
  assert_json "$OUT" 'd["ref_b"] == "fraud@0.2.0"' # NAME is the latest version
}

test_same_version_has_no_differences() {
  two_versions
  run_ok mreg diff fraud@0.2.0 fraud@latest
  assert_contains "$OUT" "no differences"
  run_ok mreg diff fraud@0.2.0 fraud@latest --format markdown
  assert_contains "$OUT" "No differences."
}

test_two_models_can_be_compared() {
  two_versions
  random_file churn.onnx 100
  run_ok mreg register churn churn.onnx --version 1.0.0
  run_ok mreg diff fraud churn@1.0.0 --json
  assert_json "$OUT" '{f["field"]: f["after"] for f in d["fields"]}["name"] == "churn"' \
    '{a["path"]: a["change"] for a in d["artifacts"]}["churn.onnx"] == "added"'
}

test_bad_usage_and_unknown_refs() {
  two_versions
  assert_fails 2 mreg diff fraud@0.1.0 fraud@0.2.0 --format html
  assert_fails 2 mreg diff fraud@0.1.0 fraud@0.2.0 --json --format text
  assert_fails 2 mreg diff fraud@0.1.0
  assert_fails 1 mreg diff fraud@0.1.0 fraud@9.9.9
  assert_contains "$ERR" "9.9.9"
  assert_fails 1 mreg diff fraud@0.1.0 nosuch
  assert_contains "$ERR" "nosuch"
}

test_stage_refs_compare_what_stages_hold() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg diff 'fraud#production' 'fraud#staging' --json
  assert_json "$OUT" 'd["ref_a"] == "fraud@0.1.0" and d["ref_b"] == "fraud@0.2.0"'
}

run_tests "$@"
