#!/usr/bin/env bash
# mreg add: stores files and writes the draft model.yaml, staged, without
# committing or tagging; register then picks the draft up.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_add_writes_a_staged_draft_without_a_version() {
  new_registry
  random_file model.bin 4000
  local head
  head=$(git rev-parse HEAD)
  run_ok mreg add fraud model.bin --owner risk@example.com
  assert_contains "$OUT" "models/fraud/model.yaml"
  assert_eq "models/fraud/model.yaml" "$(git diff --cached --name-only)" "the draft is staged"
  local draft
  draft=$(cat models/fraud/model.yaml)
  assert_not_contains "$draft" "version:" "a draft has no version"
  assert_contains "$draft" "path: model.bin"
  assert_contains "$draft" "owner: risk@example.com"
  assert_eq "$head" "$(git rev-parse HEAD)" "add does not commit"
  assert_eq "" "$(git tag -l)" "add does not tag"
  [ "$(count_objects)" -ge 1 ] || fail "add stored no object"
  run_ok mreg validate
}

test_register_after_add_uses_the_draft() {
  new_registry
  random_file model.bin 4000
  run_ok mreg add fraud model.bin --metric auc=0.9
  run_ok mreg register fraud
  local yaml
  yaml=$(git show fraud@v0.1.0:models/fraud/model.yaml)
  assert_contains "$yaml" "path: model.bin"
  assert_contains "$yaml" "version: 0.1.0"
  assert_contains "$yaml" "auc: 0.9"
  assert_eq "" "$(git status --porcelain -- models)" "nothing left staged under models/"
}

test_add_json_has_the_documented_keys() {
  new_registry
  random_file model.bin 4000
  run_ok mreg add fraud model.bin --json
  assert_json "$OUT" \
    'has_keys(d, ["name", "metadata_file", "bytes_total", "bytes_new", "bytes_hashed", "warnings", "artifacts"])' \
    'd["name"] == "fraud"' \
    'd["metadata_file"].endswith("models/fraud/model.yaml")' \
    'd["bytes_total"] == 4000 and d["bytes_new"] == 4000' \
    'len(d["artifacts"]) == 1 and d["artifacts"][0]["path"] == "model.bin"' \
    'd["artifacts"][0]["size"] == 4000' \
    'd["artifacts"][0]["digest"].startswith("xxh128:")'
}

test_add_missing_file_writes_no_draft() {
  new_registry
  assert_fails 1 mreg add fraud missing.bin
  assert_contains "$ERR" "missing.bin"
  assert_no_file models/fraud/model.yaml
  assert_eq "" "$(git diff --cached --name-only)"
}

run_tests "$@"
