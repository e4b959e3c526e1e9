#!/usr/bin/env bash
# Reading commands: list, show (every REF form), versions.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# fraud: 0.1.0 and 0.2.0; churn: 1.0.0.
two_models() {
  new_registry
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --owner risk@example.com --metric auc=0.91
  random_file model.bin 8192
  run_ok mreg register fraud model.bin --metric auc=0.94 -m "better data"
  random_file churn.onnx 2048
  run_ok mreg register churn churn.onnx --version 1.0.0
}

test_list_on_an_empty_registry() {
  new_registry
  run_ok mreg list
  assert_contains "$OUT" "no models"
  run_ok mreg list --json
  assert_json "$OUT" 'd == []'
}

test_list_shows_latest_and_counts() {
  two_models
  run_ok mreg list
  local lines
  lines=$(printf '%s\n' "$OUT" | wc -l)
  assert_eq "3" "$lines" "a header and one line per model"
  assert_matches "$OUT" '^NAME +LATEST +VERSIONS +DEPRECATED( |$)'
  assert_matches "$OUT" '^churn +1\.0\.0 +1 +0( |$)'
  assert_matches "$OUT" '^fraud +0\.2\.0 +2 +0( |$)'
  assert_eq "churn" "$(printf '%s\n' "$OUT" | sed -n 2p | cut -d' ' -f1)" "sorted by name"
}

test_show_prints_the_key_facts_and_metadata() {
  two_models
  run_ok mreg show fraud
  assert_contains "$OUT" "fraud v0.2.0"
  assert_contains "$OUT" "fraud@v0.2.0"
  assert_contains "$OUT" "$(git rev-parse 'fraud@v0.2.0^{commit}')"
  assert_contains "$OUT" "Test User <test@example.com>"
  assert_contains "$OUT" "better data"
  assert_contains "$OUT" "risk@example.com"
  assert_contains "$OUT" "auc: 0.94"
  assert_matches "$OUT" 'registered: +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'
  assert_contains "$OUT" "1 file, 8.0 KiB"
}

test_show_files_lists_the_artifacts() {
  two_models
  run_ok mreg show fraud@0.1.0 --files
  assert_matches "$OUT" '^PATH +SIZE +BYTES +DIGEST +FORMAT$'
  assert_matches "$OUT" '^model\.bin +4\.0 KiB +4096 +xxh128:[0-9a-f]{32} '
  run_ok mreg show fraud --files
  local digest
  digest=$(xxh128_of model.bin)
  if [ -n "$digest" ]; then
    assert_contains "$OUT" "$digest" "digest computed by xxhsum -H2"
  else
    note "xxhsum not installed: digest not cross-checked"
  fi
}

test_every_ref_form_resolves() {
  two_models
  local ref expected
  for ref in fraud fraud@latest fraud@0.2.0 fraud@v0.2.0 fraud@0.1.0 fraud@v0.1.0 churn@v1.0.0; do
    case "$ref" in
      fraud | fraud@latest | fraud@0.2.0 | fraud@v0.2.0) expected=0.2.0 ;;
      churn@v1.0.0) expected=1.0.0 ;;
      *) expected=0.1.0 ;;
    esac
    run_ok mreg show "$ref" --json
    assert_json "$OUT" "d[\"version\"] == \"$expected\""
  done
}

test_stage_ref_gives_a_clear_error() {
  two_models
  assert_fails 1 mreg show 'fraud#staging'
  assert_contains "$ERR" "mreg: error:"
  assert_contains "$ERR" "staging"
  assert_fails 1 mreg get 'fraud#production' -o out
  assert_contains "$ERR" "production"
  assert_no_file out
}

test_unknown_model_and_version_are_errors() {
  two_models
  assert_fails 1 mreg show nosuch
  assert_contains "$ERR" "nosuch"
  assert_fails 1 mreg show fraud@9.9.9
  assert_contains "$ERR" "9.9.9"
  assert_fails 1 mreg versions nosuch
  assert_contains "$ERR" "nosuch"
}

test_malformed_refs_are_errors() {
  two_models
  local ref
  for ref in 'fraud@' 'fraud@1.2' 'fraud@v1.x.0' 'Fraud' 'fraud#'; do
    assert_fails 1 mreg show "$ref"
    assert_contains "$ERR" "mreg: error:"
  done
}

test_versions_newest_first() {
  two_models
  run_ok mreg register fraud --version 0.1.1
  run_ok mreg versions fraud
  assert_matches "$OUT" '^VERSION +REGISTERED +AUTHOR +COMMIT'
  assert_eq "0.2.0 0.1.1 0.1.0" "$(printf '%s\n' "$OUT" | sed 1d | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" \
    "versions newest first"
  assert_contains "$OUT" "Test User <test@example.com>"
  assert_contains "$OUT" "$(git rev-parse --short=7 'fraud@v0.2.0^{commit}')"
  run_ok mreg versions fraud --json
  assert_json "$OUT" '[v["version"] for v in d] == ["0.2.0", "0.1.1", "0.1.0"]'
}

test_commands_work_from_a_subdirectory_and_with_C() {
  two_models
  mkdir -p deep/inside
  (cd deep/inside && run_ok mreg list && assert_contains "$OUT" "fraud")
  cd ..
  run_ok mreg -C repo show fraud
  assert_contains "$OUT" "fraud v0.2.0"
}

test_outside_a_registry_says_to_run_init() {
  assert_fails 1 mreg list
  assert_contains "$ERR" "mreg init"
  git init -q plain
  cd plain
  assert_fails 1 mreg list
  assert_contains "$ERR" "mreg init"
}

run_tests "$@"
