#!/usr/bin/env bash
# Several mreg processes on one repository at once: registrations of one
# model, promotions to one stage, gc beside add, and gets into one directory.
# Each process succeeds or fails cleanly (exit 1 with "mreg: error:"), and
# afterwards the refs, the store and the files are intact.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

MIB=1048576

# Starts CMD in the background with its output in LOG, appending its pid to PIDS.
start() {  # LOG CMD...
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
}

# Waits for every pid of PIDS (started with logs LOGS), sets STATUSES, and
# fails on any exit but 0, or 1 with "mreg: error:" in the log. Sets
# SUCCEEDED to the number that exited 0.
wait_all() {
  local i status
  STATUSES=()
  SUCCEEDED=0
  for i in "${!PIDS[@]}"; do
    status=0
    wait "${PIDS[$i]}" || status=$?
    STATUSES+=("$status")
    if [ "$status" -eq 0 ]; then
      SUCCEEDED=$((SUCCEEDED + 1))
    elif [ "$status" -ne 1 ] || ! grep -q '^mreg: error:' "${LOGS[$i]}"; then
      fail "process $i (${LOGS[$i]}) did not fail cleanly: exit status $status" "$(cat "${LOGS[$i]}")"
    fi
  done
  PIDS=()
}

assert_fsck_clean() {
  assert_eq "" "$(git fsck --no-progress --no-dangling 2>&1)" "git fsck"
}

# Every file under .git/mreg/objects hashes to its name and every manifest
# under .git/mreg/manifests starts with "mreg-manifest 1" and names its file.
assert_store_intact() {
  local root=.git/mreg bad manifest
  [ -d "$root/objects" ] || return 0
  bad=$(find "$root/objects" -type f -print0 | xargs -0 -r xxhsum -H2 2>/dev/null | awk '{
      n = split($2, parts, "/")
      if (NF != 2 || $1 != parts[n - 1] parts[n]) print
    }')
  assert_eq "" "$bad" "objects that do not hash to their names"
  for manifest in "$root"/manifests/*; do
    [ -e "$manifest" ] || continue
    assert_eq "mreg-manifest 1" "$(head -1 "$manifest")" "first line of $manifest"
    assert_eq "file xxh128:$(basename "$manifest")" "$(sed -n 2p "$manifest" | cut -d' ' -f1,2)" \
      "second line of $manifest"
  done
}

# The version that BRANCH's tip holds of NAME (empty when none).
stage_version() {  # BRANCH NAME
  git show "$1:models/$2/model.yaml" 2>/dev/null | sed -n 's/^version: //p'
}

test_eight_processes_register_versions_of_one_model() {
  new_registry
  local i
  for i in 0 1 2 3 4 5 6 7; do random_file "in/file-$i" $((100000 + i)); done
  PIDS=() LOGS=()
  for i in 0 1 2 3 4 5 6 7; do
    LOGS+=("log-$i")
    start "log-$i" "$MREG" register fraud "in/file-$i" --version "1.$i.0"
  done
  local failed=0
  for i in "${!PIDS[@]}"; do
    wait "${PIDS[$i]}" || { failed=$((failed + 1)); echo "register 1.$i.0 failed:" >&2; cat "log-$i" >&2; }
  done
  PIDS=()
  assert_eq 0 "$failed" "registrations that failed"

  assert_eq 8 "$(git log --format=%s | grep -c '^register fraud v1\.[0-7]\.0$')" "registration commits"
  assert_eq 8 "$(git tag -l 'fraud@v*' | wc -l | tr -d ' ')" "version tags"
  assert_eq 8 "$(git log --format=%H -- models/fraud | wc -l | tr -d ' ')" "commits that change models/fraud"
  assert_fsck_clean
  for i in 0 1 2 3 4 5 6 7; do
    assert_eq "version: 1.$i.0" "$(git show "fraud@v1.$i.0^{commit}:models/fraud/model.yaml" | grep '^version:')" \
      "model.yaml at tag fraud@v1.$i.0"
    run_ok mreg get "fraud@1.$i.0" -o "out-$i"
    assert_file_eq "in/file-$i" "out-$i/file-$i"
    assert_eq "file-$i" "$(ls "out-$i")" "files of fraud@1.$i.0"
  done
  run_ok mreg versions fraud --json
  assert_json "$OUT" 'len(d["versions"] if isinstance(d, dict) else d) == 8'
  run_ok mreg verify
  # The index and the work tree hold the registered model.yaml of the tip, so
  # a plain `git commit` afterwards changes nothing.
  assert_eq "$(git rev-parse HEAD:models/fraud/model.yaml)" "$(git rev-parse :models/fraud/model.yaml)" \
    "the index's models/fraud/model.yaml is HEAD's ($(git show :models/fraud/model.yaml | grep '^version:') staged, HEAD has $(git show HEAD:models/fraud/model.yaml | grep '^version:'))"
  assert_eq "" "$(git status --porcelain -- models)" "models/ left modified"
}

test_eight_processes_promoting_versions_to_one_stage() {
  new_registry
  local i
  for i in 0 1 2 3 4 5 6 7; do
    random_file in/model.bin $((1000 + i))
    run_ok mreg register fraud in/model.bin --version "1.$i.0"
  done
  random_file in/other.bin 3000
  run_ok mreg register churn in/other.bin --version 1.0.0
  run_ok mreg promote churn@1.0.0 staging
  local round held
  for round in 1 2 3; do
    PIDS=() LOGS=()
    for i in 0 1 2 3 4 5 6 7; do
      LOGS+=("log-$round-$i")
      start "log-$round-$i" "$MREG" promote "fraud@1.$i.0" staging
    done
    wait_all
    [ "$SUCCEEDED" -ge 1 ] || fail "no promotion of round $round succeeded"
    assert_fsck_clean
    run_ok mreg stages --json
    assert_eq "churn fraud " "$(git ls-tree --name-only stage/staging:models | tr '\n' ' ')" \
      "models on stage/staging"
    held=$(stage_version stage/staging fraud)
    assert_matches "$held" '^1\.[0-7]\.0$' "the version stage/staging holds"
    assert_eq "$(git rev-parse "fraud@v$held^{commit}:models/fraud")" \
      "$(git rev-parse stage/staging:models/fraud)" "stage/staging's models/fraud is the tagged subtree"
    # The version held is one whose promotion succeeded.
    i=${held#1.}
    i=${i%.0}
    assert_eq 0 "${STATUSES[$i]}" "exit status of the promotion of the held version $held"
    run_ok mreg show 'fraud#staging' --json
    assert_json "$OUT" 'd["verified"] is True' "d[\"version\"] == \"$held\""
  done
  # Every commit on the stage is a promotion that names a registered version.
  local commit tagname
  for commit in $(git rev-list stage/staging); do
    tagname=$(git log -1 --format='%(trailers:key=Mreg-Tag,valueonly)' "$commit" | sed '/^$/d')
    git rev-parse -q --verify "refs/tags/$tagname" >/dev/null ||
      fail "commit $commit names tag '$tagname', which does not exist"
  done
}

# A registry and the inputs of ROUNDS rounds of two adds, in/a-ROUND-{0,1}.bin.
prepare_adds_beside_gc() {  # ROUNDS
  local r p
  new_registry
  random_file in/base.bin 50000
  run_ok mreg register base in/base.bin --version 1.0.0
  for r in $(seq 1 "$1"); do
    for p in 0 1; do random_file "in/a-$r-$p.bin" $((200000 + r * 10 + p)); done
  done
}

# Stores FILE in a draft that is then thrown away and makes its object old, so
# that gc wants to delete exactly what the next add of FILE reuses.
# (With --grace 0 gc may delete the object at once, or make the add fail cleanly.)
old_garbage_of() {  # FILE
  local hex status=0
  "$MREG" add thrown "$1" >thrown.log 2>&1 || status=$?
  [ "$status" -eq 0 ] || { [ "$status" -eq 1 ] && grep -q '^mreg: error:' thrown.log; } ||
    fail "add of $1 did not fail cleanly: exit $status" "$(cat thrown.log)"
  git rm -rq --cached --ignore-unmatch models/thrown
  rm -rf models/thrown
  hex=$(xxhsum -H2 "$1" 2>/dev/null | cut -d' ' -f1)
  touch -c -d '3 days ago' ".git/mreg/objects/${hex:0:2}/${hex:2}" 2>/dev/null || true
}

# Runs `mreg gc GC_ARGS` in a loop until the file stop-gc exists; each run must
# succeed or fail cleanly. Sets GC_PID.
start_gc_loop() {  # GC_ARGS...
  local test_pid=$BASHPID
  # A failing assertion ends the test: the loop must end with it.
  trap 'touch "$PWD/stop-gc"' EXIT
  (
    runs=0
    while [ ! -e stop-gc ] && kill -0 "$test_pid" 2>/dev/null; do
      status=0
      "$MREG" gc "$@" >gc-last.log 2>&1 || status=$?
      runs=$((runs + 1))
      if [ "$status" -ne 0 ]; then
        if [ "$status" -ne 1 ] || ! grep -q '^mreg: error:' gc-last.log; then
          echo "gc exit $status" >>gc-unclean.log
          cat gc-last.log >>gc-unclean.log
        else
          cat gc-last.log >>gc-failed.log
        fi
      fi
    done
    echo "$runs" >gc-runs
  ) </dev/null >/dev/null 2>&1 &
  GC_PID=$!
}

stop_gc_loop() {
  touch stop-gc
  wait "$GC_PID"
  trap - EXIT
  rm -f stop-gc
  [ ! -s gc-unclean.log ] || fail "gc did not fail cleanly" "$(cat gc-unclean.log)"
  local failed=0
  [ ! -e gc-failed.log ] || failed=$(grep -c '^mreg: error:' gc-failed.log)
  note "gc ran $(cat gc-runs) times beside the adds; $failed failed cleanly"
  [ "$failed" -eq 0 ] || note "first gc failure: $(grep -m1 '^mreg: error:' gc-failed.log)"
}

# Runs ROUNDS rounds of two parallel adds (different models), the first of a
# file that was just made old garbage. Sets ADDED to the names whose add
# succeeded.
add_rounds() {  # ROUNDS
  local r p
  ADDED=()
  for r in $(seq 1 "$1"); do
    old_garbage_of "in/a-$r-0.bin"
    PIDS=() LOGS=()
    for p in 0 1; do
      LOGS+=("add-$r-$p.log")
      start "add-$r-$p.log" "$MREG" add "m-$r-$p" "in/a-$r-$p.bin"
    done
    wait_all
    for p in 0 1; do
      if [ "${STATUSES[$p]}" -eq 0 ]; then ADDED+=("m-$r-$p"); fi
    done
  done
}

test_gc_beside_adds_loses_nothing_an_add_wrote() {
  local rounds=12 name r p
  prepare_adds_beside_gc "$rounds"
  start_gc_loop
  add_rounds "$rounds"
  # Register every added draft while gc still runs.
  for name in "${ADDED[@]}"; do
    run_ok mreg register "$name" --version 1.0.0
  done
  stop_gc_loop
  [ "${#ADDED[@]}" -ge "$rounds" ] || fail "only ${#ADDED[@]} of $((rounds * 2)) adds succeeded"
  for name in "${ADDED[@]}"; do
    run_ok mreg verify "$name@1.0.0"
    r=${name#m-}
    p=${r#*-}
    r=${r%-*}
    run_ok mreg get "$name@1.0.0" -o "out-$name"
    assert_file_eq "in/a-$r-$p.bin" "out-$name/a-$r-$p.bin"
  done
  assert_store_intact
  assert_fsck_clean
  run_ok mreg verify
}

test_gc_grace_0_beside_adds_corrupts_nothing() {
  local rounds=6 name status
  prepare_adds_beside_gc "$rounds"
  start_gc_loop --grace 0
  add_rounds "$rounds"
  for name in "${ADDED[@]}"; do
    # With --grace 0 gc may delete what an add just stored: registering may
    # then be refused, but cleanly.
    status=0
    "$MREG" register "$name" --version 1.0.0 >reg.log 2>&1 || status=$?
    [ "$status" -eq 0 ] || { [ "$status" -eq 1 ] && grep -q '^mreg: error:' reg.log; } ||
      fail "register $name did not fail cleanly: exit $status" "$(cat reg.log)"
  done
  stop_gc_loop
  assert_store_intact
  assert_fsck_clean
  status=0
  "$MREG" verify >verify.log 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    assert_eq 1 "$status" "mreg verify's exit status"
    assert_matches "$(cat verify.log)" '^  missing ' "verify names what is missing"
    note "with --grace 0, verify reports objects deleted beside add (allowed): $(grep -c '^  missing' verify.log)"
  fi
}

# Eight gets of one version into one directory, from the local store and then
# from a fresh clone that downloads from a file remote: each succeeds or fails
# cleanly, and the files are byte for byte the registered ones.
test_eight_parallel_gets_into_one_directory() {
  origin_with_shared_remote large.bin 70
  run_ok mreg push

  local where i
  git clone -q "$BASE/origin" "$BASE/clone"
  for where in origin clone; do
    cd "$BASE/$where"
    PIDS=() LOGS=()
    for i in 0 1 2 3 4 5 6 7; do
      LOGS+=("$BASE/get-$where-$i.log")
      start "$BASE/get-$where-$i.log" "$MREG" get fraud@1.0.0 -o "$BASE/out-$where"
    done
    wait_all
    [ "$SUCCEEDED" -ge 1 ] || fail "no get into out-$where succeeded"
    note "$SUCCEEDED of 8 gets into one directory succeeded ($where)"
    assert_file_eq "$BASE/origin/in/small.bin" "$BASE/out-$where/small.bin"
    assert_file_eq "$BASE/origin/in/large.bin" "$BASE/out-$where/large.bin"
    assert_eq "large.bin small.bin" "$(find "$BASE/out-$where" -mindepth 1 -printf '%P\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
      "files in out-$where (temp files left?)"
    assert_store_intact
    assert_eq "" "$(find .git/mreg/tmp -type f 2>/dev/null)" "temp files left in the store"
    run_ok mreg verify fraud@1.0.0
  done
}

run_tests "$@"
