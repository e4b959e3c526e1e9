#!/usr/bin/env bash
# mreg validate: file:line:col diagnostics, exit 1 when there are any.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_a_fresh_registry_is_valid() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin --metric auc=0.9
  run_ok mreg validate
  assert_contains "$OUT" "no problems"
  run_ok mreg validate --json
  assert_json "$OUT" 'd["ok"] is True and d["diagnostics"] == []'
}

test_unknown_key_is_reported_with_its_position() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin
  echo "ownr: alice@example.com" >>models/fraud/model.yaml
  local line
  line=$(wc -l <models/fraud/model.yaml | tr -d ' ')
  assert_fails 1 mreg validate
  assert_contains "$OUT" "models/fraud/model.yaml:$line:1: "
  assert_contains "$OUT" "ownr"
  assert_contains "$ERR" "mreg: error:"
  assert_fails 1 mreg validate models/fraud/model.yaml
  assert_contains "$OUT" "models/fraud/model.yaml:$line:1: "
}

test_wrong_type_is_reported_with_its_position() {
  new_registry
  mkdir -p models/bar
  cat >models/bar/model.yaml <<'YAML'
schema: 1
name: bar
version: 0.1.0
metrics:
  auc: high
artifacts:
  - path: model.bin
    size: 3
    digest: xxh128:00000000000000000000000000000000
YAML
  assert_fails 1 mreg validate models/bar/model.yaml
  assert_matches "$OUT" '^models/bar/model\.yaml:5:[0-9]+: .*auc'
  assert_contains "$OUT" "high"
}

test_validate_json_lists_diagnostics() {
  new_registry
  mkdir -p models/bar
  printf 'schema: 1\nname: bar\ncolour: red\n' >models/bar/model.yaml
  assert_fails 1 mreg validate --json models/bar/model.yaml
  assert_json "$OUT" \
    'has_keys(d, ["ok", "diagnostics"])' \
    'd["ok"] is False' \
    'len(d["diagnostics"]) >= 1' \
    'all(has_keys(x, ["file", "line", "column", "message"]) for x in d["diagnostics"])' \
    'any(x["line"] == 3 and x["column"] == 1 and "colour" in x["message"] for x in d["diagnostics"])' \
    'all(x["file"].endswith("models/bar/model.yaml") for x in d["diagnostics"])'
}

test_name_must_match_the_directory() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin
  sed -i 's/^name: fraud$/name: fruad/' models/fraud/model.yaml
  assert_fails 1 mreg validate
  assert_contains "$OUT" "models/fraud/model.yaml:"
  assert_contains "$OUT" "fruad"
}

test_broken_mreg_yaml_is_reported_with_its_position() {
  new_registry
  echo "colour: red" >>mreg.yaml
  local line
  line=$(wc -l <mreg.yaml | tr -d ' ')
  assert_fails 1 mreg validate mreg.yaml
  assert_contains "$OUT$ERR" "mreg.yaml:$line:1"
  assert_contains "$OUT$ERR" "colour"
}

run_tests "$@"
