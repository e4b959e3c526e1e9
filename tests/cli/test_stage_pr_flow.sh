#!/usr/bin/env bash
# Promotion by pull request: `mreg promote --branch NEW`, then the merge done
# with the git CLI (--ff-only, --no-ff, --squash) and rollbacks with
# `git revert`, each read back by `mreg show NAME#STAGE` and `mreg history`.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# fraud 0.1.0 in staging and production, 0.2.0 in staging; the current
# directory is the registry. Steps are a second apart so that history's
# time order is the order they were made in.
production_with_a_candidate() {
  new_registry
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.95
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.97
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok mreg promote fraud@0.2.0 staging
  sleep 1
}

# Runs git in a scratch worktree that has the stage branch checked out, as a
# reviewer merging a pull request would; the worktree is removed afterwards.
on_stage_branch() {  # STAGE GIT_ARGS...
  local stage=$1
  shift
  git worktree add -q ../merge-wt "stage/$stage"
  git -C ../merge-wt "$@" >/dev/null
  git worktree remove --force ../merge-wt
}

production_version() {
  run_ok mreg show 'fraud#production' --json
  printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'
}

# The production events of `mreg history fraud --json` as "event version previous message" lines.
production_events() {
  run_ok mreg history fraud --json
  printf '%s' "$OUT" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["stage"] == "production":
        print(e["event"], e["version"], e["previous"], e["message"], sep="|")'
}

test_branch_writes_the_promotion_on_a_new_branch_only() {
  production_with_a_candidate
  local tip
  tip=$(git rev-parse stage/production)
  run_ok mreg promote fraud@0.2.0 production --branch pr-1 -m "A/B test won"
  assert_contains "$OUT" "on pr-1"
  assert_contains "$OUT" "git push origin pr-1"
  assert_contains "$OUT" "open a pull request from pr-1 into stage/production"
  assert_eq "$tip" "$(git rev-parse stage/production)" "the stage branch is untouched"
  assert_eq "$tip" "$(git log -1 --format=%P pr-1)" "the branch starts from the stage's tip"
  assert_eq "$(git rev-parse 'fraud@v0.2.0^{commit}:models/fraud')" "$(git rev-parse pr-1:models/fraud)"
  assert_contains "$(git log -1 --format=%B pr-1)" "Mreg-Previous: 0.1.0"
  assert_eq "0.1.0" "$(production_version)" "production still holds 0.1.0 until the merge"
  assert_fails 1 mreg promote fraud@0.2.0 production --branch pr-1
  assert_contains "$ERR" "branch pr-1 already exists"
  assert_fails 1 mreg promote fraud@0.2.0 production --branch 'bad..name'
  assert_contains "$ERR" "not a valid git branch name"
  # The rules are checked for a pull request too.
  random_file model.bin 4096
  run_ok mreg register fraud model.bin
  assert_fails 1 mreg promote fraud@0.3.0 production --branch pr-2
  assert_contains "$ERR" "from: [staging]: fraud v0.3.0 is not in staging"
  assert_fails 1 git rev-parse --verify -q pr-2
  run_ok mreg promote fraud@0.1.0 production --branch pr-3
  assert_contains "$OUT" "production already holds fraud v0.1.0"
  assert_fails 1 git rev-parse --verify -q pr-3
}

test_merge_ff_only() {
  production_with_a_candidate
  run_ok mreg promote fraud@0.2.0 production --branch pr-1
  on_stage_branch production merge -q --ff-only pr-1
  assert_eq "$(git rev-parse pr-1)" "$(git rev-parse stage/production)"
  assert_eq "0.2.0" "$(production_version)"
  local events
  events=$(production_events)
  assert_eq "promoted|0.1.0|None|promote fraud v0.1.0 to production
promoted|0.2.0|0.1.0|promote fraud v0.2.0 to production" "$events"
}

test_merge_no_ff() {
  production_with_a_candidate
  run_ok mreg promote fraud@0.2.0 production --branch pr-1
  on_stage_branch production merge -q --no-ff -m "Merge pull request #1 from pr-1" pr-1
  assert_eq "2" "$(git log -1 --format=%P stage/production | wc -w | tr -d ' ')" "a merge commit"
  assert_eq "0.2.0" "$(production_version)"
  assert_eq "promoted|0.1.0|None|promote fraud v0.1.0 to production
promoted|0.2.0|0.1.0|Merge pull request #1 from pr-1" "$(production_events)" "the merge commit is the promotion"
  run_ok mreg history fraud --json
  assert_json "$OUT" "[e['commit'] for e in d if e['stage'] == 'production'][-1] == '$(git rev-parse stage/production)'" \
    "[e['ref'] for e in d if e['stage'] == 'production'][-1] == 'stage/production'"
}

test_merge_squash() {
  production_with_a_candidate
  run_ok mreg promote fraud@0.2.0 production --branch pr-1
  git worktree add -q ../merge-wt stage/production
  git -C ../merge-wt merge -q --squash pr-1 >/dev/null
  git -C ../merge-wt commit -q -m "Promote fraud 0.2.0 (#1)"
  git worktree remove --force ../merge-wt
  assert_eq "1" "$(git log -1 --format=%P stage/production | wc -w | tr -d ' ')" "a squash commit has one parent"
  assert_eq "0.2.0" "$(production_version)"
  assert_eq "promoted|0.1.0|None|promote fraud v0.1.0 to production
promoted|0.2.0|0.1.0|Promote fraud 0.2.0 (#1)" "$(production_events)"
}

test_revert_rolls_back_and_is_read_as_such() {
  production_with_a_candidate
  run_ok mreg promote 'fraud#staging' production
  sleep 1
  on_stage_branch production revert --no-edit HEAD
  assert_eq "0.1.0" "$(production_version)" "the revert puts 0.1.0 back"
  local events
  events=$(production_events)
  assert_eq "promoted|0.1.0|None|promote fraud v0.1.0 to production
promoted|0.2.0|0.1.0|promote fraud v0.2.0 to production
promoted|0.1.0|0.2.0|Revert \"promote fraud v0.2.0 to production\"" "$events"
  # Reverting the first promotion too empties the stage: a demotion.
  sleep 1
  on_stage_branch production revert --no-edit HEAD~2
  assert_fails 1 mreg show 'fraud#production'
  assert_contains "$ERR" "does not hold fraud"
  assert_eq "demoted|0.1.0|None|Revert \"promote fraud v0.1.0 to production\"" "$(production_events | tail -1)"
}

test_merged_pull_request_from_a_clone() {
  production_with_a_candidate
  git init -q --bare ../remote.git
  git remote add origin ../remote.git
  git push -q origin main stage/staging stage/production --tags
  run_ok mreg promote fraud@0.2.0 production --branch pr-1 --push
  assert_contains "$OUT" "open a pull request from pr-1 into stage/production"
  assert_not_contains "$OUT" "git push origin pr-1" "already pushed"
  # The git host merges the pull request.
  git clone -q ../remote.git ../host
  git -C ../host checkout -q stage/production
  git -C ../host merge -q --no-ff -m "Merge pull request #1" origin/pr-1
  git -C ../host push -q origin stage/production
  git fetch -q origin
  git branch -q -f stage/production origin/stage/production
  assert_eq "0.2.0" "$(production_version)"
}

test_history_reads_a_demotion_by_pull_request() {
  production_with_a_candidate
  run_ok mreg demote fraud production --branch pr-demote
  assert_contains "$OUT" "open a pull request from pr-demote into stage/production"
  on_stage_branch production merge -q --no-ff -m "Merge demotion" pr-demote
  assert_fails 1 mreg show 'fraud#production'
  assert_eq "demoted|0.1.0|None|Merge demotion" "$(production_events | tail -1)"
}

run_tests "$@"
