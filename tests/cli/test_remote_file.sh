#!/usr/bin/env bash
# Blob remotes on a filesystem: push, fetch and get through a second clone,
# resuming, damaged and missing remote objects, parallel gets.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

MIB=1048576

# A registry with a small and a chunked (70 MiB) file in fraud@0.1.0, a second
# version sharing the large file, the remote "shared" at $BASE/store as its
# default, everything committed.
registry_with_remote() {
  BASE=$PWD
  new_registry origin
  random_file in/small.bin 5000
  random_file in/large.bin $((70 * MIB))
  run_ok mreg register fraud in/small.bin in/large.bin
  random_file in/small.bin 6000
  run_ok mreg register fraud in/small.bin in/large.bin
  run_ok mreg remote add shared "$BASE/store"
  git commit -qm "remote shared" mreg.yaml
}

remote_files() { find "$BASE/store/objects" "$BASE/store/manifests" -type f 2>/dev/null | wc -l | tr -d ' '; }

test_push_then_a_fresh_clone_gets_every_version_byte_for_byte() {
  registry_with_remote
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] > 4' 'd["objects_skipped"] == 0' 'd["files"] == 3'
  assert_eq 1 "$(find "$BASE/store/manifests" -type f | wc -l | tr -d ' ')" "one manifest on the remote"
  assert_eq "" "$(find "$BASE/store/tmp" -type f 2>/dev/null)" "temp files left on the remote"
  # Pushing again sends nothing.
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] == 0' 'd["objects_skipped"] > 4'

  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  assert_eq 0 "$(count_objects)" "objects in the fresh clone"
  run_ok mreg get fraud@0.1.0 -o v1
  run_ok mreg get fraud -o v2
  assert_file_eq "$BASE/origin/in/large.bin" v1/large.bin
  assert_file_eq "$BASE/origin/in/small.bin" v2/small.bin
  run_ok mreg verify
}

test_fetch_by_url_without_configuration() {
  registry_with_remote
  run_ok mreg push fraud@0.1.0
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  run_ok mreg fetch fraud@0.1.0 --remote "file://$BASE/store" --json
  assert_json "$OUT" 'd["objects_sent"] > 2'
  run_ok mreg verify fraud@0.1.0
  # fraud@0.2.0's small file was never pushed.
  assert_fails 1 mreg fetch fraud@0.2.0
  assert_contains "$ERR" "is not on the remote"
  assert_contains "$ERR" "mreg push"
}

test_an_interrupted_push_resumes() {
  registry_with_remote
  run_ok mreg push fraud@0.1.0 --json
  local first
  first=$(remote_files)
  # Lose a third of what was sent, as if the push had stopped early.
  find "$BASE/store/objects" -type f | sort | awk 'NR % 3 == 0' | xargs rm -f
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] > 0' 'd["objects_skipped"] > 0'
  [ "$(remote_files)" -ge "$first" ] || fail "the second push did not restore the lost objects"
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  run_ok mreg fetch
  run_ok mreg verify
}

test_damaged_remote_object_is_refused_and_nothing_is_stored() {
  registry_with_remote
  run_ok mreg push
  run_ok mreg show fraud@0.1.0 --json
  local hex object
  hex=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([a["digest"] for a in d["metadata"]["artifacts"] if a["path"] == "small.bin"][0][7:])' <<<"$OUT")
  object="$BASE/store/objects/${hex:0:2}/${hex:2}"
  chmod u+w "$object"
  printf 'X' | dd of="$object" bs=1 seek=3 conv=notrunc status=none
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  assert_fails 1 mreg get fraud@0.1.0 -o out
  assert_contains "$ERR" "hash to"
  assert_no_file out/small.bin
  assert_eq "" "$(find .git/mreg/objects -type f -size -10k 2>/dev/null)" "small objects stored from the damaged remote"
  assert_eq "" "$(find .git/mreg/tmp -type f 2>/dev/null)" "downloads left in tmp/"
}

test_verify_remote_tells_truncated_objects_from_missing_ones() {
  registry_with_remote
  run_ok mreg push
  run_ok mreg verify --remote shared --json
  assert_json "$OUT" 'd["ok"] is True' 'd["files_checked"] == 3'
  # Cut one chunk of the large file short, delete another, and cut the
  # small file's object short, as an interrupted copy outside mreg might.
  local chunks small
  chunks=$(find "$BASE/store/objects" -type f -size +1M | sort)
  small=$(find "$BASE/store/objects" -type f -size -10k | sort | head -n 1)
  chmod u+w "$BASE"/store/objects/*/*
  truncate -s 1000 "$(sed -n 1p <<<"$chunks")"
  truncate -s 10 "$small"
  assert_fails 1 mreg verify --remote shared --json
  assert_json "$OUT" \
    'any(a["status"] == "corrupt" and "bytes, not" in a["problem"] and a["path"] == "large.bin" for v in d["versions"] for a in v["artifacts"])' \
    'any(a["status"] == "corrupt" and a["path"] == "small.bin" for v in d["versions"] for a in v["artifacts"])'
  rm "$(sed -n 1p <<<"$chunks")"
  assert_fails 1 mreg verify --remote shared --json
  assert_json "$OUT" \
    'any(a["status"] == "missing" and "is not on" in a["problem"] and a["path"] == "large.bin" for v in d["versions"] for a in v["artifacts"])'
  # A push sends again what is missing and what has the wrong size.
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] == 2'
  run_ok mreg verify --remote shared
}

test_missing_remote_reports_how_to_fix() {
  registry_with_remote
  assert_fails 1 mreg push --remote nowhere
  assert_contains "$ERR" "nowhere"
  git config mreg.remote.shared.url "$BASE/elsewhere"
  run_ok mreg push --json
  assert_file_exists "$BASE/elsewhere/manifests"
}

test_twenty_parallel_gets_of_one_version() {
  registry_with_remote
  run_ok mreg push
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  parallel_gets 20 fraud large.bin "$BASE/origin/in/large.bin"
  for i in $(seq 1 20); do assert_file_eq "$BASE/origin/in/small.bin" "out-$i/small.bin"; done
  run_ok mreg verify fraud
}

run_tests "$@"
