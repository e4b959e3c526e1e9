#!/usr/bin/env bash
# Crash safety: register, promote, get, push and gc are killed with SIGKILL at
# random points of their run, many times over. After every kill the store
# (local, and the remote after a push) holds only whole objects, every ref
# points at something valid, verify passes or names what to redo, and running
# the command again completes.
#
# Each test measures a normal run of its command first, then kills runs at
# delays spread from ~1 ms to that duration (stratified, so every part of the
# run is hit). Violations are counted rather than ending the test at the first
# one, so that a run reports all it found; the counts are summed up on stderr.
# CRASH_RUNS sets the number of kills per command (default 20).
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

MIB=1048576
RUNS=${CRASH_RUNS:-20}
SUMMARY_FILE="$SCRIPT_TMP/summary"

# Prints the totals of every test before the library's cleanup runs.
print_summary() {
  if [ -s "$SUMMARY_FILE" ]; then
    awk '{ kills += $2; mid += $3; violations += $4 }
      END { printf "crash safety: %d kills (%d mid-run), %d violations\n", kills, mid, violations }' \
      "$SUMMARY_FILE" >&2
  fi
  cleanup
}
trap print_summary EXIT

# --- counting -------------------------------------------------------------

KILLS=0        # runs sent SIGKILL
MID_RUN=0      # of those, runs that the signal ended (not finished before it)
VIOLATIONS=0
CONTEXT=""     # what the current run did, for violation messages

violation() {
  VIOLATIONS=$((VIOLATIONS + 1))
  echo "  violation ($TEST_NAME, $CONTEXT): $1" >&2
  shift
  local line
  for line in "$@"; do printf '%s\n' "$line" | sed -e 's/^/    /' >&2; done
}

# Records this test's counts for the summary and fails it on any violation.
finish_counts() {  # COMMAND
  printf '%s %d %d %d\n' "$1" "$KILLS" "$MID_RUN" "$VIOLATIONS" >>"$SUMMARY_FILE"
  echo "  crash safety ($1): $KILLS kills, $MID_RUN mid-run, $VIOLATIONS violations" >&2
  [ "$VIOLATIONS" -eq 0 ] || fail "$VIOLATIONS crash-safety violation(s) for $1 (listed above)"
}

# --- killing --------------------------------------------------------------

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Runs CMD to completion (it must succeed) and prints how long it took, in ms.
measure_ms() {  # CMD...
  local start end
  start=$(now_ms)
  "$@" >"$TEST_DIR/.measure.out" 2>&1 || fail "command failed: $*" "$(cat "$TEST_DIR/.measure.out")"
  end=$(now_ms)
  echo $((end - start))
}

# The least of several measured durations: the run least slowed by other load.
least() {  # MS...
  printf '%s\n' "$@" | sort -n | head -1
}

# The delay before the kill of run I of N: a random point of the I-th of N
# equal slices of 1 ms .. DURATION ms.
pick_delay_ms() {  # I N DURATION_MS
  local span=$(($3 + 1))
  echo $((1 + (($1 - 1) * span + RANDOM % (span + 1)) / $2))
}

# Starts CMD in the background (the binary itself, so the signal reaches it),
# sends it SIGKILL after MS milliseconds, and waits. Counts it in MID_RUN when
# the signal ended it; a run that had finished first must have succeeded.
kill_after() {  # MS CMD...
  local ms=$1 pid status=0
  shift
  "$@" >"$TEST_DIR/.killed.out" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || status=$?
  KILLS=$((KILLS + 1))
  if [ "$status" -eq 137 ]; then
    MID_RUN=$((MID_RUN + 1))
  else
    [ "$status" -eq 0 ] || violation "the run finished before the kill, with exit status $status" \
      "$(cat "$TEST_DIR/.killed.out")"
  fi
}

# Runs CMD, which must succeed; a failure is a violation. Output in $OUT/$ERR.
rerun_ok() {  # CMD...
  local status=0
  OUT=$("$@" 2>"$TEST_DIR/.stderr") || status=$?
  ERR=$(cat "$TEST_DIR/.stderr")
  if [ "$status" -ne 0 ]; then
    violation "after the kill, '$*' failed with exit status $status" "stdout:" "$(show "$OUT")" \
      "stderr:" "$(show "$ERR")"
    return 1
  fi
}

# Writes to OUT a copy of the random file POOL with one byte in every MiB set
# from SEED: new content in every chunk, much faster than fresh random data.
variant_of() {  # POOL OUT SEED
  python3 - "$@" <<'PY'
import sys
pool, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(pool, "rb").read())
for k, offset in enumerate(range(0, len(data), 1 << 20)):
    data[offset] = (data[offset] + seed + k + 1) % 256
open(out, "wb").write(data)
PY
}

# --- checks ---------------------------------------------------------------

# Checks a store (the local .git/mreg or a remote's directory): every file
# under objects/ hashes to its name, and every manifest parses, is named after
# the file it describes, and lists chunks that exist and add up to its size.
# Objects are immutable, so files already checked (same path, inode, mtime)
# are not hashed again.
check_store() {  # ROOT
  local root key seen now fresh bad
  [ -d "$1" ] || return 0
  root=$(cd "$1" && pwd)
  key=$(printf '%s' "$root" | tr '/' '_')
  seen="$TEST_DIR/.checked$key"
  now="$TEST_DIR/.now$key"
  fresh="$TEST_DIR/.fresh$key"
  touch "$seen"
  { find "$root/objects" -type f -printf '%p %i %T@\n' 2>/dev/null || true; } | sort >"$now"
  comm -13 "$seen" "$now" | cut -d' ' -f1 >"$fresh"
  if [ -s "$fresh" ]; then
    bad=$(xargs -d '\n' xxhsum -H2 <"$fresh" 2>/dev/null | awk -v expected="$(wc -l <"$fresh")" '{
        n = split($2, parts, "/")
        if (NF != 2 || $1 != parts[n - 1] parts[n]) print
      }
      END { if (NR != expected) print "hashed " NR " of " expected " files" }')
    [ -z "$bad" ] || violation "objects in $root that do not hash to their names" "$bad"
  fi
  sort -m "$seen" "$now" | sort -u >"$seen.new" && mv "$seen.new" "$seen"

  local manifest problems
  for manifest in "$root"/manifests/*; do
    [ -e "$manifest" ] || continue
    problems=$(awk -v name="$(basename "$manifest")" -v root="$root" '
      NR == 1 { if ($0 != "mreg-manifest 1") print "first line is not \"mreg-manifest 1\": " $0; next }
      NR == 2 {
        if ($1 != "file" || $2 != "xxh128:" name) print "second line does not name the file: " $0
        size = $3; next
      }
      $1 == "chunk" {
        hex = substr($2, 8); total += $3
        path = root "/objects/" substr(hex, 1, 2) "/" substr(hex, 3)
        if ((getline line < path) < 0) print "chunk missing: " $2
        close(path); next
      }
      { print "unexpected line " NR ": " $0 }
      END { if (NR < 3) print "no chunks"; else if (total != size) print "chunk sizes add up to " total ", not " size }
    ' "$manifest")
    [ -z "$problems" ] || violation "manifest $manifest" "$problems"
  done
}

# Checks every ref: git fsck is clean, list and stages read the registry,
# every version tag's commit has models/NAME/model.yaml with its version and
# `mreg show` reads it, and every stage branch holds exactly the subtrees of
# registered versions. Tags already checked (same object) are skipped.
check_refs() {
  local out status=0
  out=$(git fsck --no-progress --no-dangling 2>&1) || status=$?
  if [ "$status" -ne 0 ] || [ -n "$out" ]; then violation "git fsck (exit $status)" "$out"; fi
  status=0
  out=$("$MREG" list 2>&1) || status=$?
  [ "$status" -eq 0 ] || violation "mreg list failed" "$out"
  status=0
  out=$("$MREG" stages 2>&1) || status=$?
  [ "$status" -eq 0 ] || violation "mreg stages failed" "$out"

  local seen="$TEST_DIR/.tags" line tag object name version
  touch "$seen"
  while read -r tag object; do
    case "$tag" in *@v*!) continue ;; *@v*) ;; *) continue ;; esac
    line="$tag $object"
    grep -qxF -- "$line" "$seen" && continue
    name=${tag%@v*}
    version=${tag##*@v}
    if ! git show "$tag^{commit}:models/$name/model.yaml" 2>/dev/null | grep -qx "version: $version"; then
      violation "tag $tag: its commit has no models/$name/model.yaml with version $version"
    fi
    status=0
    out=$("$MREG" show "$name@$version" 2>&1) || status=$?
    [ "$status" -eq 0 ] || violation "mreg show $name@$version failed" "$out"
    echo "$line" >>"$seen"
  done < <(git for-each-ref refs/tags --format='%(refname:strip=2) %(objectname)')

  local branch model model_version
  while read -r branch; do
    while read -r model; do
      model_version=$(git show "$branch:models/$model/model.yaml" 2>/dev/null | sed -n 's/^version: //p')
      if [ -z "$model_version" ]; then
        violation "$branch: models/$model has no model.yaml with a version"
        continue
      fi
      if [ "$(git rev-parse -q --verify "$branch:models/$model")" != \
        "$(git rev-parse -q --verify "$model@v$model_version^{commit}:models/$model")" ]; then
        violation "$branch: models/$model is not the subtree of tag $model@v$model_version"
      fi
    done < <(git ls-tree --name-only "$branch:models" 2>/dev/null)
  done < <(git for-each-ref refs/heads/stage --format='%(refname:strip=2)')
}

# mreg verify REFS (all versions when none): passes, or fails naming what is
# missing or corrupt, with a hint on what to redo. Returns 1 when it failed.
check_verify() {  # [REF...]
  local out status=0
  out=$("$MREG" verify "$@" 2>&1) || status=$?
  [ "$status" -eq 0 ] && return 0
  if [ "$status" -eq 1 ] && printf '%s\n' "$out" | grep -Eq '^  (missing|corrupt) ' &&
    printf '%s\n' "$out" | grep -q 'hint:'; then
    return 1
  fi
  violation "mreg verify $* failed without naming what to redo (exit $status)" "$out"
  return 1
}

# Every file of DIR is a complete, correct copy of its source under SRC_DIR,
# or a get's temp file (.NAME.mreg-tmp-*); never a partial file under its name.
check_materialized() {  # DIR SRC_DIR
  local file base
  [ -d "$1" ] || return 0
  while read -r file; do
    base=$(basename "$file")
    case "$base" in
      .*.mreg-tmp-*) continue ;;
    esac
    if [ ! -f "$2/$base" ]; then
      violation "get left a file that is no artifact: $file"
    elif ! cmp -s "$2/$base" "$file"; then
      violation "get left a partial or wrong $file ($(wc -c <"$file") of $(wc -c <"$2/$base") bytes)"
    fi
  done < <(find "$1" -type f)
}

# --- tests ----------------------------------------------------------------

test_killed_register_leaves_whole_objects_and_valid_tags() {
  new_registry
  random_file in/small.bin 5000
  random_file "$TEST_DIR/pool.bin" $((80 * MIB))
  local duration i version times=()
  for i in 0 1 2; do
    variant_of "$TEST_DIR/pool.bin" in/big.bin $((100 + i))
    times+=("$(measure_ms "$MREG" register fraud in/big.bin in/small.bin --version "1.$i.0")")
  done
  duration=$(least "${times[@]}")
  note "a normal register of 80 MiB takes $duration ms (runs: ${times[*]})"
  for i in $(seq 1 "$RUNS"); do
    version="2.$i.0"
    variant_of "$TEST_DIR/pool.bin" in/big.bin "$i"
    random_file in/small.bin $((4000 + i))
    CONTEXT="register run $i"
    kill_after "$(pick_delay_ms "$i" "$RUNS" "$duration")" \
      "$MREG" register fraud in/big.bin in/small.bin --version "$version"
    check_store .git/mreg
    check_refs
    if git rev-parse -q --verify "refs/tags/fraud@v$version" >/dev/null; then
      # The kill came after the tag: the version is complete.
      check_verify "fraud@$version" || violation "fraud@$version is tagged but its objects are not all stored"
    else
      rerun_ok "$MREG" register fraud in/big.bin in/small.bin --version "$version" || continue
      check_verify "fraud@$version" || violation "the rerun registered fraud@$version without its objects"
    fi
    check_store .git/mreg
    check_refs
  done
  check_verify || violation "mreg verify of every version failed after the runs"
  run_ok mreg get "fraud@2.$RUNS.0" -o last
  assert_file_eq in/big.bin last/big.bin
  assert_eq "$((RUNS + 3))" "$(git tag -l 'fraud@v*' | wc -l | tr -d ' ')" "version tags"
  finish_counts register
}

test_killed_promote_leaves_the_stage_branch_valid() {
  new_registry
  local v
  for v in 1 2 3 4 5 6; do
    random_file in/model.bin $((1000 + v))
    run_ok mreg register fraud in/model.bin --version "1.$v.0"
  done
  random_file in/other.bin 3000
  run_ok mreg register churn in/other.bin --version 1.0.0
  run_ok mreg promote churn@1.0.0 staging
  local duration i version held times=()
  for v in 1 2 3; do times+=("$(measure_ms "$MREG" promote "fraud@1.$v.0" staging)"); done
  duration=$(least "${times[@]}")
  note "a normal promote takes $duration ms (runs: ${times[*]})"
  for i in $(seq 1 "$RUNS"); do
    version="1.$((i % 6 + 1)).0"
    CONTEXT="promote run $i (fraud@$version)"
    kill_after "$(pick_delay_ms "$i" "$RUNS" "$duration")" "$MREG" promote "fraud@$version" staging
    check_refs
    held=$(git show stage/staging:models/fraud/model.yaml 2>/dev/null | sed -n 's/^version: //p')
    case "$held" in
      1.[1-6].0) ;;
      *) violation "stage/staging holds fraud version '$held', not a registered one" ;;
    esac
    [ "$(git ls-tree --name-only stage/staging:models | tr '\n' ' ')" = "churn fraud " ] ||
      violation "stage/staging lost or gained a model" "$(git ls-tree --name-only stage/staging:models)"
    rerun_ok "$MREG" promote "fraud@$version" staging || continue
    held=$(git show stage/staging:models/fraud/model.yaml | sed -n 's/^version: //p')
    [ "$held" = "$version" ] || violation "after the rerun stage/staging holds $held, not $version"
    check_refs
  done
  run_ok mreg show 'fraud#staging' --json
  assert_json "$OUT" 'd["verified"] is True'
  finish_counts promote
}

test_killed_get_leaves_no_partial_file_and_a_rerun_completes() {
  origin_with_shared_remote big.bin 80
  run_ok mreg push
  git clone -q "$BASE/origin" "$BASE/clone"
  # Odd runs materialize from the full local store of origin; even runs from
  # the clone with an empty store, so the kill may also hit the download.
  local local_ms fetch_ms i dir local_times=() fetch_times=()
  for i in 1 2 3; do
    local_times+=("$(measure_ms "$MREG" get fraud@1.0.0 -o "$BASE/measure-$i")")
    fetch_times+=("$(cd "$BASE/clone" && rm -rf .git/mreg/objects .git/mreg/manifests &&
      measure_ms "$MREG" get fraud@1.0.0 -o "$BASE/measure-fetch-$i")")
    rm -rf "$BASE/measure-$i" "$BASE/measure-fetch-$i"
  done
  local_ms=$(least "${local_times[@]}")
  fetch_ms=$(least "${fetch_times[@]}")
  note "a normal get takes $local_ms ms from the local store (runs: ${local_times[*]}), $fetch_ms ms with the download (runs: ${fetch_times[*]})"
  for i in $(seq 1 "$RUNS"); do
    dir="$BASE/out-$i"
    if [ $((i % 2)) -eq 1 ]; then
      cd "$BASE/origin"
      CONTEXT="get run $i (local store)"
      kill_after "$(pick_delay_ms $(((i + 1) / 2)) $(((RUNS + 1) / 2)) "$local_ms")" \
        "$MREG" get fraud@1.0.0 -o "$dir"
    else
      cd "$BASE/clone"
      rm -rf .git/mreg/objects .git/mreg/manifests "$TEST_DIR/.checked"*clone_.git_mreg
      CONTEXT="get run $i (download from the remote)"
      kill_after "$(pick_delay_ms $((i / 2)) $((RUNS / 2)) "$fetch_ms")" \
        "$MREG" get fraud@1.0.0 -o "$dir"
    fi
    check_store .git/mreg
    check_materialized "$dir" "$BASE/origin/in"
    if rerun_ok "$MREG" get fraud@1.0.0 -o "$dir"; then
      if ! cmp -s "$BASE/origin/in/big.bin" "$dir/big.bin" || ! cmp -s "$BASE/origin/in/small.bin" "$dir/small.bin"; then
        violation "the rerun of get did not write the files byte for byte"
      fi
    fi
    check_store .git/mreg
    rm -rf "$dir"
  done
  cd "$BASE/clone"
  check_verify || violation "mreg verify failed in the clone after the runs"
  cd "$BASE/origin"
  check_verify || violation "mreg verify failed in origin after the runs"
  finish_counts get
}

test_killed_push_leaves_whole_remote_objects_and_a_rerun_completes() {
  origin_with_shared_remote big.bin 80
  local duration i store times=()
  for i in 1 2 3; do
    git config mreg.remote.shared.url "$BASE/measure-$i"
    times+=("$(measure_ms "$MREG" push)")
    rm -rf "$BASE/measure-$i"
  done
  duration=$(least "${times[@]}")
  note "a normal push of 80 MiB takes $duration ms (runs: ${times[*]})"
  for i in $(seq 1 "$RUNS"); do
    # A fresh remote each run, so every push has everything to send.
    store="$BASE/store-$i"
    git config mreg.remote.shared.url "$store"
    CONTEXT="push run $i"
    kill_after "$(pick_delay_ms "$i" "$RUNS" "$duration")" "$MREG" push
    check_store "$store"
    check_store .git/mreg
    rerun_ok "$MREG" push || continue
    check_store "$store"
    rerun_ok "$MREG" verify --remote shared || continue
    # A fresh clone gets the files (every fourth run, for time).
    [ $((i % 4)) -eq 0 ] || [ "$i" -eq "$RUNS" ] || { rm -rf "$store"; continue; }
    git clone -q "$BASE/origin" "$BASE/clone-$i"
    cd "$BASE/clone-$i"
    git config mreg.remote.shared.url "$store"
    if rerun_ok "$MREG" get fraud@1.0.0 -o out; then
      if ! cmp -s "$BASE/origin/in/big.bin" out/big.bin || ! cmp -s "$BASE/origin/in/small.bin" out/small.bin; then
        violation "a fresh clone did not get the pushed files byte for byte"
      fi
    fi
    cd "$BASE/origin"
    rm -rf "$store" "$BASE/clone-$i" "$TEST_DIR/.checked"*"store-$i"
  done
  finish_counts push
}

test_killed_gc_keeps_every_reachable_version() {
  new_registry
  random_file in/small.bin 5000
  random_file in/big.bin $((70 * MIB))
  run_ok mreg register fraud in/big.bin in/small.bin --version 1.0.0
  run_ok mreg promote fraud@1.0.0 staging
  random_file "$TEST_DIR/pool.bin" $((70 * MIB))
  variant_of "$TEST_DIR/pool.bin" in/big.bin 1000
  run_ok mreg register fraud in/big.bin --version 1.1.0
  local i duration=0
  for i in $(seq 0 "$RUNS"); do
    # Garbage for this run: a chunked file and 150 small ones in a draft that
    # is thrown away before gc runs.
    mkdir -p junk
    variant_of "$TEST_DIR/pool.bin" "junk/big-$i.bin" "$i"
    mkdir -p "junk/small-$i"
    head -c 15000 /dev/urandom | split -b 100 - "junk/small-$i/part-"
    run_ok mreg add junk "junk/big-$i.bin" "junk/small-$i"
    git rm -rq --cached models/junk
    rm -rf models/junk
    if [ "$i" -eq 0 ]; then
      # The first run is the measured, normal one.
      duration=$(measure_ms "$MREG" gc --grace 0)
      note "a normal gc deleting ~170 objects takes $duration ms"
      rm -rf "junk/big-$i.bin" "junk/small-$i"
      continue
    fi
    CONTEXT="gc run $i"
    kill_after "$(pick_delay_ms "$i" "$RUNS" "$duration")" "$MREG" gc --grace 0
    check_store .git/mreg
    check_refs
    check_verify fraud@1.0.0 fraud@1.1.0 || violation "a reachable version lost objects to a killed gc"
    # The thrown-away draft's files come back: what gc deleted of them must be
    # stored again, not taken as present.
    if [ $((i % 3)) -eq 0 ]; then
      rerun_ok "$MREG" register revived "junk/big-$i.bin" --version "1.$i.0" &&
        { check_verify "revived@1.$i.0" || violation "re-adding after a killed gc stored an incomplete file"; }
    fi
    rerun_ok "$MREG" gc --grace 0 || true
    check_store .git/mreg
    check_verify fraud@1.0.0 fraud@1.1.0 || violation "a reachable version lost objects to gc after the rerun"
    rm -rf "junk/big-$i.bin" "junk/small-$i"
  done
  check_verify || violation "mreg verify of every version failed after the runs"
  run_ok mreg gc --grace 0 --dry-run --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
  run_ok mreg get fraud@1.0.0 -o out
  assert_file_eq in/small.bin out/small.bin
  finish_counts gc
}

run_tests "$@"
