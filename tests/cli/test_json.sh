#!/usr/bin/env bash
# --json output: valid JSON with exactly the documented keys, for scripts.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

ISO_8601='__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", {})'

registry_with_two_versions() {
  new_registry
  random_file model.bin 1234
  run_ok mreg register fraud model.bin --owner risk@example.com --metric auc=0.9 -m "first cut"
  random_file model.bin 2345
  run_ok mreg register fraud model.bin --metric auc=0.95
}

test_list_json() {
  registry_with_two_versions
  run_ok mreg list --json
  assert_json "$OUT" \
    'isinstance(d, list) and len(d) == 1' \
    'has_keys(d[0], ["name", "latest", "versions", "deprecated"])' \
    'd[0]["name"] == "fraud" and d[0]["latest"] == "0.2.0"' \
    'd[0]["versions"] == 2 and d[0]["deprecated"] == 0'
}

test_show_json() {
  registry_with_two_versions
  run_ok mreg show fraud@0.1.0 --json
  assert_json "$OUT" \
    'has_keys(d, ["name", "version", "tag", "commit", "registered_at", "registered_by", "message", "deprecated", "deprecation_reason", "metadata"])' \
    'd["name"] == "fraud" and d["version"] == "0.1.0" and d["tag"] == "fraud@v0.1.0"' \
    "d[\"commit\"] == \"$(git rev-parse 'fraud@v0.1.0^{commit}')\"" \
    "${ISO_8601//\{\}/d[\"registered_at\"]}" \
    'd["registered_by"] == {"name": "Test User", "email": "test@example.com"}' \
    '"first cut" in d["message"]' \
    'd["deprecated"] is False and d["deprecation_reason"] is None' \
    'd["metadata"]["name"] == "fraud" and d["metadata"]["version"] == "0.1.0"' \
    'd["metadata"]["owner"] == "risk@example.com"' \
    'd["metadata"]["metrics"] == {"auc": 0.9}' \
    'd["metadata"]["artifacts"][0]["path"] == "model.bin" and d["metadata"]["artifacts"][0]["size"] == 1234'
  # --files changes the text form only
  local plain=$OUT
  run_ok mreg show fraud@0.1.0 --json --files
  assert_eq "$plain" "$OUT" "show --json with and without --files"
}

test_versions_json() {
  registry_with_two_versions
  run_ok mreg versions fraud --json
  assert_json "$OUT" \
    'isinstance(d, list) and len(d) == 2' \
    'all(has_keys(v, ["version", "tag", "commit", "registered_at", "author", "email", "deprecated"]) for v in d)' \
    '[v["version"] for v in d] == ["0.2.0", "0.1.0"]' \
    '[v["tag"] for v in d] == ["fraud@v0.2.0", "fraud@v0.1.0"]' \
    'all(v["author"] == "Test User" and v["email"] == "test@example.com" for v in d)' \
    'all(v["deprecated"] is False for v in d)' \
    "all(${ISO_8601//\{\}/v[\"registered_at\"]} for v in d)" \
    "d[0][\"commit\"] == \"$(git rev-parse 'fraud@v0.2.0^{commit}')\""
}

test_json_time_uses_the_taggers_offset() {
  new_registry
  random_file model.bin 100
  run_ok env TZ=IST-5:30 "$MREG" register fraud model.bin
  run_ok mreg versions fraud --json
  local tagger_date
  tagger_date=$(git tag -l --format='%(taggerdate:iso-strict)' fraud@v0.1.0)
  assert_json "$OUT" "d[0][\"registered_at\"] == \"$tagger_date\""
  assert_contains "$tagger_date" "+05:30" "the tag was made in the +05:30 zone"
}

test_json_is_printed_even_with_quiet() {
  registry_with_two_versions
  run_ok mreg -q list --json
  assert_json "$OUT" 'len(d) == 1'
}

run_tests "$@"
