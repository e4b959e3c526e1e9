#!/usr/bin/env bash
# mreg history: registrations and deprecations from tags, promotions and
# demotions from the stage branches, oldest first, as text and JSON.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# "event name version stage previous" per line, from `mreg history [NAME] --json`.
events() {
  run_ok mreg history "$@" --json
  printf '%s' "$OUT" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["event"], e["name"], e["version"], e["stage"], e["previous"])'
}

# A second between steps, so that their timestamps (whole seconds) order them.
step() {
  sleep 1
  run_ok "$@"
}

# fraud: registered 0.1.0 and 0.2.0, through staging to production, 0.1.0
# deprecated, then demoted from staging; churn registered and promoted.
a_lifetime() {
  new_registry
  random_file model.bin 2048
  run_ok mreg register fraud model.bin --metric auc=0.95
  random_file churn.bin 2048
  step mreg register churn churn.bin --version 1.0.0
  step mreg promote fraud@0.1.0 staging
  step mreg promote fraud@0.1.0 production -m "first release"
  random_file model.bin 2048
  step mreg register fraud model.bin --metric auc=0.97
  step mreg promote fraud@0.2.0 staging
  step mreg promote churn@1.0.0 staging
  step mreg promote fraud@0.2.0 production
  step mreg deprecate fraud@0.1.0 -m "label leak"
  step mreg demote fraud staging
}

test_every_event_in_time_order() {
  a_lifetime
  local expected
  expected="registered fraud 0.1.0 None None
registered churn 1.0.0 None None
promoted fraud 0.1.0 staging None
promoted fraud 0.1.0 production None
registered fraud 0.2.0 None None
promoted fraud 0.2.0 staging 0.1.0
promoted churn 1.0.0 staging None
promoted fraud 0.2.0 production 0.1.0
deprecated fraud 0.1.0 None None
demoted fraud 0.2.0 staging None"
  assert_eq "$expected" "$(events)"
}

test_history_of_one_model() {
  a_lifetime
  local expected
  expected="registered churn 1.0.0 None None
promoted churn 1.0.0 staging None"
  assert_eq "$expected" "$(events churn)"
  assert_eq "10" "$(events | wc -l | tr -d ' ')"
  assert_eq "8" "$(events fraud | wc -l | tr -d ' ')"
}

test_json_keys_and_values() {
  a_lifetime
  run_ok mreg history fraud --json
  assert_json "$OUT" \
    'all(list(e.keys()) == ["timestamp", "event", "name", "version", "stage", "previous", "author", "commit", "ref", "message"] for e in d)' \
    'all(e["author"] == "Test User <test@example.com>" for e in d)' \
    '__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", d[0]["timestamp"])' \
    'd[0]["ref"] == "fraud@v0.1.0" and d[0]["message"] == "register fraud v0.1.0"' \
    "d[0][\"commit\"] == \"$(git rev-parse 'fraud@v0.1.0^{commit}')\"" \
    'd[2]["ref"] == "stage/production" and d[2]["message"] == "promote fraud v0.1.0 to production"' \
    "d[2][\"commit\"] == \"$(git rev-list --reverse stage/production | head -1)\"" \
    'd[-2]["event"] == "deprecated" and d[-2]["ref"] == "fraud@v0.1.0!" and d[-2]["message"] == "label leak"' \
    "d[-2][\"commit\"] == \"$(git rev-parse 'fraud@v0.1.0^{commit}')\"" \
    'd[-1]["event"] == "demoted" and d[-1]["message"] == "demote fraud v0.2.0 from staging"' \
    "d[-1][\"commit\"] == \"$(git rev-parse stage/staging)\""
}

test_text_output() {
  a_lifetime
  run_ok mreg history fraud
  assert_matches "$OUT" '^TIME +EVENT +MODEL +VERSION +STAGE +PREVIOUS +BY +COMMIT +MESSAGE$'
  assert_matches "$OUT" ' promoted +fraud +0\.2\.0 +production +0\.1\.0 +Test User <test@example.com> +[0-9a-f]{7} +promote fraud v0\.2\.0 to production$'
  assert_matches "$OUT" ' deprecated +fraud +0\.1\.0 +- +- .* label leak$'
  assert_eq "9" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "a header and 8 events"
}

test_empty_and_unknown() {
  new_registry
  run_ok mreg history
  assert_contains "$OUT" "no history yet"
  run_ok mreg history --json
  assert_json "$OUT" 'd == []'
  run_ok mreg history nosuch --json
  assert_json "$OUT" 'd == []'
  assert_fails 1 mreg history 'Bad Name'
  assert_contains "$ERR" "invalid"
}

test_namespaced_models_and_several_per_commit() {
  new_registry
  random_file a.bin 1024
  run_ok mreg register vision/resnet a.bin --version 1.0.0
  random_file b.bin 1024
  run_ok mreg register vision/vit b.bin --version 2.0.0
  run_ok mreg promote vision/resnet@1.0.0 staging
  run_ok mreg promote vision/vit@2.0.0 staging --branch both
  # A hand-made commit that changes two models at once is read as two events.
  git worktree add -q ../wt stage/staging
  (
    cd ../wt
    git rm -q -r models/vision/resnet
    git checkout -q both -- models/vision/vit
    git commit -q -m "swap resnet for vit"
  )
  git worktree remove --force ../wt
  assert_eq "demoted vision/resnet 1.0.0 staging None
promoted vision/vit 2.0.0 staging None" "$(events | grep -v registered | tail -2 | sort)"
  assert_eq "promoted vision/vit 2.0.0 staging None" "$(events vision/vit | grep promoted)"
}

test_history_of_a_deploy_clone_stops_at_its_depth() {
  a_lifetime
  cd ..
  git clone -q --depth 1 --branch stage/production "file://$PWD/repo" deploy
  cd deploy
  run_ok mreg history --json
  assert_json "$OUT" 'd == []'
  cd ..
  git clone -q --depth 2 --branch stage/production "file://$PWD/repo" deploy2
  cd deploy2
  assert_eq "promoted fraud 0.1.0 production None
promoted fraud 0.2.0 production 0.1.0" "$(events)" "production's two commits, without registrations (no tags)"
}

run_tests "$@"
