#!/usr/bin/env bash
# Concurrent promotions to one stage from several processes: each succeeds
# (retrying on the new tip) or fails cleanly, and the branch stays a linear
# history of valid promotion commits.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# Checks that every commit of BRANCH's history is a promotion or demotion by
# mreg with at most one parent, whose tree differs from its parent's only in
# the models/NAME directory its trailers name.
assert_linear_promotions() {  # BRANCH
  local commit parents model changed
  for commit in $(git rev-list "$1"); do
    parents=$(git log -1 --format=%P "$commit" | wc -w | tr -d ' ')
    [ "$parents" -le 1 ] || fail "commit $commit has $parents parents"
    model=$(git log -1 --format='%(trailers:key=Mreg-Model,valueonly)' "$commit" | sed '/^$/d')
    [ -n "$model" ] || fail "commit $commit has no Mreg-Model trailer" "$(git log -1 --format=%B "$commit")"
    if [ "$parents" -eq 1 ]; then
      changed=$(git diff --name-only "$commit^" "$commit" | cut -d/ -f2 | sort -u)
    else
      changed=$(git ls-tree -r --name-only "$commit" | cut -d/ -f2 | sort -u)
    fi
    assert_eq "$model" "$changed" "commit $commit changes only models/$model"
  done
}

test_many_processes_promoting_different_models() {
  new_registry
  local i pids=()
  for i in 0 1 2 3 4 5 6 7; do
    random_file "m$i.bin" 1024
    run_ok mreg register "model-$i" "m$i.bin" --version 1.0.0
  done
  for i in 0 1 2 3 4 5 6 7; do
    mreg promote "model-$i@1.0.0" staging >"out-$i.txt" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=1; cat "out-$i.txt" >&2; }
  done
  assert_eq "0" "$failed" "every promotion succeeded"
  assert_eq "8" "$(git rev-list --count stage/staging)" "one commit per promotion"
  assert_eq "8" "$(git ls-tree --name-only stage/staging:models | wc -l | tr -d ' ')" "no promotion was lost"
  assert_linear_promotions stage/staging
  assert_eq "" "$(git fsck --no-progress --no-dangling 2>&1)" "git fsck"
  run_ok mreg stages --json
  assert_json "$OUT" 'all(m["status"] == "verified" for m in d[0]["models"]) and len(d[0]["models"]) == 8'
}

test_processes_racing_to_promote_versions_of_one_model() {
  new_registry
  local v pids=()
  for v in 1 2 3 4 5 6; do
    random_file model.bin 1024
    run_ok mreg register fraud model.bin --version "1.$v.0"
  done
  for v in 1 2 3 4 5 6; do
    mreg promote "fraud@1.$v.0" staging >"out-$v.txt" 2>&1 &
    pids+=($!)
  done
  local i status=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || status=$?
    # Success, or a clean refusal that says why.
    if [ "$status" -ne 0 ]; then
      assert_contains "$(cat "out-$((i + 1)).txt")" "mreg: error:"
      status=0
    fi
  done
  assert_linear_promotions stage/staging
  assert_eq "" "$(git fsck --no-progress --no-dangling 2>&1)" "git fsck"
  # Each commit's Mreg-Previous is what its parent held.
  local commit previous parent_version
  for commit in $(git rev-list stage/staging); do
    previous=$(git log -1 --format='%(trailers:key=Mreg-Previous,valueonly)' "$commit" | sed '/^$/d')
    if git rev-parse -q --verify "$commit^" >/dev/null; then
      parent_version=$(git show "$commit^:models/fraud/model.yaml" | sed -n 's/^version: //p')
      assert_eq "$parent_version" "$previous" "Mreg-Previous of $commit"
    else
      assert_eq "" "$previous" "the first promotion has no Mreg-Previous"
    fi
  done
  run_ok mreg show 'fraud#staging' --json
  assert_json "$OUT" 'd["verified"] is True'
}

test_promotions_and_registrations_at_once() {
  new_registry
  random_file model.bin 1024
  run_ok mreg register fraud model.bin --version 1.0.0
  local head
  head=$(git rev-parse HEAD)
  mreg promote fraud@1.0.0 staging >promote.txt 2>&1 &
  local promote_pid=$!
  random_file other.bin 1024
  mreg register churn other.bin --version 1.0.0 >register.txt 2>&1 &
  local register_pid=$!
  wait "$promote_pid" || fail "promote failed" "$(cat promote.txt)"
  wait "$register_pid" || fail "register failed" "$(cat register.txt)"
  assert_eq "$head" "$(git rev-parse HEAD~1)" "register committed on main only"
  assert_eq "fraud" "$(git ls-tree --name-only stage/staging:models)" "the promotion is on the stage only"
  assert_eq "" "$(git fsck --no-progress --no-dangling 2>&1)" "git fsck"
}

run_tests "$@"
