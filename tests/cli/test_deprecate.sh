#!/usr/bin/env bash
# mreg deprecate: the "NAME@vX.Y.Z!" tag, latest skipping it, promote refusing it.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# fraud 0.1.0 and 0.2.0.
two_versions() {
  new_registry
  random_file model.bin 4096
  cp model.bin v1.bin
  run_ok mreg register fraud model.bin --metric auc=0.95
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.97
}

test_deprecation_is_an_annotated_tag_with_the_reason() {
  two_versions
  run_ok mreg deprecate fraud@0.2.0 -m "trained on leaked labels"
  assert_contains "$OUT" "deprecated fraud v0.2.0 (tag fraud@v0.2.0!)"
  assert_eq "tag" "$(git cat-file -t 'fraud@v0.2.0!')" "an annotated tag"
  assert_eq "$(git rev-parse 'fraud@v0.2.0^{commit}')" "$(git rev-parse 'fraud@v0.2.0!^{commit}')" \
    "at the version tag's commit"
  assert_eq "trained on leaked labels" "$(git tag -l --format='%(contents)' 'fraud@v0.2.0!' | sed '/^$/d')"
  assert_eq "Test User" "$(git tag -l --format='%(taggername)' 'fraud@v0.2.0!')"
}

test_latest_skips_a_deprecated_version() {
  two_versions
  run_ok mreg deprecate fraud -m "regression in recall"
  assert_contains "$OUT" "fraud v0.2.0"
  run_ok mreg show fraud --json
  assert_json "$OUT" 'd["version"] == "0.1.0"'
  run_ok mreg list --json
  assert_json "$OUT" 'd[0]["latest"] == "0.1.0" and d[0]["deprecated"] == 1'
  run_ok mreg versions fraud
  assert_matches "$OUT" '^0\.2\.0 .*deprecated$'
  # Still readable and fetchable by version.
  run_ok mreg show fraud@0.2.0 --json
  assert_json "$OUT" 'd["deprecated"] is True and d["deprecation_reason"] == "regression in recall"'
  run_ok mreg get fraud@0.2.0 -o out
  assert_file_eq model.bin out/model.bin
  # Deprecating every version leaves no latest.
  run_ok mreg deprecate fraud@0.1.0 -m "superseded"
  assert_fails 1 mreg show fraud
  assert_contains "$ERR" "every version of fraud is deprecated"
}

test_promote_refuses_a_deprecated_version_even_forced() {
  two_versions
  run_ok mreg deprecate fraud@0.2.0 -m "label leak"
  assert_fails 1 mreg promote fraud@0.2.0 staging
  assert_contains "$ERR" "cannot promote fraud v0.2.0 to staging: it is deprecated (label leak)"
  assert_fails 1 mreg promote fraud@0.2.0 staging --force
  assert_contains "$ERR" "deprecated"
  assert_fails 1 git rev-parse --verify -q stage/staging
  run_ok mreg promote fraud staging --json
  assert_json "$OUT" 'd["version"] == "0.1.0"'
}

test_deprecating_twice_or_without_a_reason_is_refused() {
  two_versions
  run_ok mreg deprecate fraud@0.1.0 -m "old"
  assert_fails 1 mreg deprecate fraud@0.1.0 -m "again"
  assert_contains "$ERR" "fraud v0.1.0 is already deprecated: old"
  assert_eq "old" "$(git tag -l --format='%(contents)' 'fraud@v0.1.0!' | sed '/^$/d')" "the tag did not move"
  assert_fails 2 mreg deprecate fraud@0.2.0
  assert_fails 2 mreg deprecate fraud@0.2.0 -m "   "
  assert_contains "$ERR" "needs a reason"
  assert_fails 1 mreg deprecate fraud@9.9.9 -m "nope"
  assert_contains "$ERR" "no version 9.9.9"
  assert_eq "fraud@v0.1.0!" "$(git tag -l '*!')" "only the first deprecation made a tag"
}

test_deprecating_a_version_in_a_stage_warns() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg deprecate 'fraud#staging' -m "label leak"
  assert_contains "$ERR" "warning: fraud v0.1.0 is still in staging"
  run_ok mreg stages --json
  assert_json "$OUT" 'd[0]["models"][0]["deprecated"] is True'
  run_ok mreg deprecate fraud@0.2.0 -m "x" --json
  assert_json "$OUT" 'd["tag"] == "fraud@v0.2.0!" and d["stages"] == [] and d["pushed"] is False'
}

test_push_sends_the_deprecation_tag() {
  two_versions
  git init -q --bare ../remote.git
  git remote add origin ../remote.git
  run_ok mreg deprecate fraud@0.1.0 -m "old" --push
  assert_eq "$(git rev-parse 'fraud@v0.1.0!')" "$(git --git-dir=../remote.git rev-parse 'fraud@v0.1.0!')"
}

run_tests "$@"
