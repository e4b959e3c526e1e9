#!/usr/bin/env bash
# Blob remotes against real servers on 127.0.0.1, started and stopped here
# (tests/servers): Ceph's RADOS Gateway for s3:// (SigV4 checked) and nginx
# WebDAV for http://. Push, a fresh clone's get of every version byte for
# byte, verify --remote, wrong credentials, a missing bucket, a server that
# goes down mid-push, a remote that returns damaged bytes, parallel gets.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

MIB=1048576
# Retries back off from 10 ms instead of 250 ms, so failing cases stay quick.
export MREG_RETRY_BASE_MS=10

# Two versions (a small file each, one 70 MiB chunked file shared), the
# remote "team" at URL as the default, committed.
registry_pushing_to() {  # URL
  BASE=$PWD
  new_registry origin
  random_file in/small.bin 5000
  random_file in/large.bin $((70 * MIB))
  run_ok mreg register fraud in/small.bin in/large.bin
  cp in/small.bin "$BASE/small-0.1.0.bin"
  random_file in/small.bin 6000
  run_ok mreg register fraud in/small.bin in/large.bin
  run_ok mreg remote add team "$1"
  git commit -qm "remote team" mreg.yaml
}

clone_and_get_everything() {
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  run_ok mreg get fraud@0.1.0 -o v1
  run_ok mreg get fraud@0.2.0 -o v2
  assert_file_eq "$BASE/small-0.1.0.bin" v1/small.bin
  assert_file_eq "$BASE/origin/in/large.bin" v1/large.bin
  assert_file_eq "$BASE/origin/in/small.bin" v2/small.bin
  run_ok mreg verify
}

round_trip() {  # URL
  registry_pushing_to "$1"
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] >= 7' 'd["objects_skipped"] == 0' 'd["files"] == 3'
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] == 0' 'd["objects_skipped"] >= 7'
  run_ok mreg verify --remote team --json
  assert_json "$OUT" 'd["ok"] is True' 'd["files_checked"] == 3'
  clone_and_get_everything
}

test_s3_round_trip_through_ceph() {
  start_test_server ceph-rgw
  round_trip "$MREG_TEST_S3_REMOTE"
}

test_s3_virtual_host_addressing_and_a_prefix() {
  start_test_server ceph-rgw
  round_trip "${MREG_TEST_S3_REMOTE_VIRTUAL/mreg-test?/mreg-test/teams/risk?}"
}

test_http_round_trip_through_nginx_webdav() {
  start_test_server nginx-webdav
  round_trip "$MREG_TEST_HTTP_URL"
  assert_file_exists "$MREG_TEST_HTTP_ROOT/store/manifests"
}

test_http_bearer_token() {
  start_test_server nginx-webdav
  registry_pushing_to "$MREG_TEST_HTTP_TOKEN_URL"
  MREG_HTTP_TOKEN=wrong assert_fails 1 mreg push
  assert_contains "$ERR" "401"
  assert_contains "$ERR" "MREG_HTTP_TOKEN"
  MREG_HTTP_TOKEN=$MREG_TEST_HTTP_TOKEN run_ok mreg push
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  MREG_HTTP_TOKEN=$MREG_TEST_HTTP_TOKEN run_ok mreg get fraud -o out
  assert_file_eq "$BASE/origin/in/large.bin" out/large.bin
}

test_s3_wrong_credentials_are_refused_without_printing_them() {
  start_test_server ceph-rgw
  registry_pushing_to "$MREG_TEST_S3_REMOTE"
  AWS_SECRET_ACCESS_KEY=notTheRightSecretKey0123456789abcdefghij assert_fails 1 mreg push
  assert_contains "$ERR" "403"
  assert_contains "$ERR" "AWS_SECRET_ACCESS_KEY"
  assert_not_contains "$ERR" "notTheRightSecretKey"
  assert_not_contains "$ERR" "$AWS_ACCESS_KEY_ID"
  (unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; HOME=$BASE assert_fails 1 mreg push)
}

test_s3_missing_bucket() {
  start_test_server ceph-rgw
  registry_pushing_to "${MREG_TEST_S3_REMOTE/mreg-test?/no-such-bucket?}"
  assert_fails 1 mreg push
  assert_contains "$ERR" "NoSuchBucket"
  assert_contains "$ERR" "create the bucket"
}

# Every file under DIR/objects is named by the hash of its bytes: nothing
# half-written is there for a reader to take for a whole object.
assert_objects_whole() {  # DIR
  local file name
  while read -r file; do
    name="$(basename "$(dirname "$file")")$(basename "$file")"
    assert_eq "$name" "$(xxhsum -H2 "$file" | cut -d' ' -f1)" "object $file"
  done < <(find "$1/objects" -type f 2>/dev/null)
}

test_http_server_down_mid_push_then_the_next_push_completes() {
  command -v xxhsum >/dev/null || fail "xxhsum is not installed: run scripts/install-deps"
  start_test_server nginx-webdav
  local first_dir=$SERVER_DIR first_root=$MREG_TEST_HTTP_ROOT
  registry_pushing_to "$MREG_TEST_HTTP_URL"
  random_file in/huge.bin $((400 * MIB))
  run_ok mreg register big in/huge.bin
  "$MREG" push -j 1 >"$BASE/push.log" 2>&1 &
  local push=$! waited=0
  # Down once a few objects have arrived, while the rest are on their way.
  while [ "$(find "$first_root/store/objects" -type f 2>/dev/null | wc -l)" -lt 4 ] && [ $waited -lt 500 ]; do
    sleep 0.01
    waited=$((waited + 1))
  done
  bash "$SERVERS/nginx-webdav.sh" stop "$first_dir" >/dev/null
  if wait "$push"; then
    fail "the push finished before the server went down"
  fi
  assert_contains "$(cat "$BASE/push.log")" "127.0.0.1"
  assert_objects_whole "$first_root/store"
  # The store comes back at another address (same files), and the push resumes.
  start_test_server nginx-webdav
  cp -a "$first_root/store" "$MREG_TEST_HTTP_ROOT/" 2>/dev/null || true
  git config mreg.remote.team.url "$MREG_TEST_HTTP_URL"
  run_ok mreg push --json
  assert_json "$OUT" 'd["objects_sent"] > 0 or d["objects_skipped"] > 0'
  assert_objects_whole "$MREG_TEST_HTTP_ROOT/store"
  run_ok mreg verify --remote team
}

test_http_remote_returning_damaged_bytes() {
  start_test_server nginx-webdav
  registry_pushing_to "$MREG_TEST_HTTP_URL"
  run_ok mreg push
  run_ok mreg show fraud@0.2.0 --json
  local hex
  hex=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([a["digest"] for a in d["metadata"]["artifacts"] if a["path"] == "small.bin"][0][7:])' <<<"$OUT")
  printf 'damaged' >"$MREG_TEST_HTTP_ROOT/store/objects/${hex:0:2}/${hex:2}"
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  assert_fails 1 mreg get fraud -o out
  assert_contains "$ERR" "hash to"
  assert_no_file out/small.bin
  assert_eq "" "$(find .git/mreg/tmp -type f 2>/dev/null)" "downloads left behind"
}

test_s3_twenty_parallel_gets() {
  start_test_server ceph-rgw
  registry_pushing_to "$MREG_TEST_S3_REMOTE"
  run_ok mreg push
  git clone -q "$BASE/origin" "$BASE/clone"
  cd "$BASE/clone"
  parallel_gets 20 fraud large.bin "$BASE/origin/in/large.bin"
  run_ok mreg verify fraud
}

run_tests "$@"
