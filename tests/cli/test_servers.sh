#!/usr/bin/env bash
# The real servers the remote tests run against (tests/servers): Ceph's RADOS
# Gateway (S3, SigV4) and nginx WebDAV start on 127.0.0.1, answer as a client
# of mreg's remotes expects, and stop completely by the PIDs that started them.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

require_commands() {  # COMMAND...
  local command missing=()
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  [ ${#missing[@]} -eq 0 ] ||
    fail "not installed: ${missing[*]}" "run scripts/install-deps (it installs the test servers' packages)"
}

# Running, and not a zombie waiting for its parent to reap it.
is_running() {  # PID
  kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Starts SERVER (ceph-rgw or nginx-webdav) in DIR; its env is then in this shell.
start_server() {  # SERVER DIR
  track_server "$1" "$2"
  run_ok bash "$SERVERS/$1.sh" start "$2"
  assert_file_exists "$2/pids"
  local pid
  while read -r pid; do
    is_running "$pid" || fail "$1: started pid $pid is not running"
  done <"$2/pids"
  run_ok bash "$SERVERS/$1.sh" env "$2"
  assert_eq "$(cat "$2/env")" "$OUT" "env prints DIR/env"
  # shellcheck source=/dev/null
  source "$2/env"
}

# Stops SERVER and checks that every PID it recorded (and EXTRA_PIDS) is gone.
stop_server() {  # SERVER DIR [EXTRA_PIDS...]
  local server=$1 dir=$2 pid
  shift 2
  run_ok bash "$SERVERS/$server.sh" stop "$dir"
  for pid in $(cat "$dir/pids") "$@"; do
    ! is_running "$pid" || fail "$server: pid $pid still runs after stop"
  done
}

# curl signing with SigV4 as curl 7.88 can: it does not add the
# x-amz-content-sha256 header RGW requires (without it: 403
# SignatureDoesNotMatch), so send UNSIGNED-PAYLOAD or the body's sha256.
s3() {  # SECRET curl-args...
  s3_with_payload_hash "$1" UNSIGNED-PAYLOAD "${@:2}"
}

s3_with_payload_hash() {  # SECRET SHA256 curl-args...
  curl -sS --max-time 30 --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$1" \
    -H "x-amz-content-sha256: $2" "${@:3}"
}

# HTTP status of a request; the body goes to $TEST_DIR/body.
status_of() {  # curl-function args...
  "$@" -o "$TEST_DIR/body" -w '%{http_code}'
}

test_s3_gateway_checks_signatures_and_round_trips_bytes() {
  require_commands ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool ceph curl python3
  local dir="$TEST_DIR/rgw" bucket
  start_server ceph-rgw "$dir"
  bucket="$MREG_TEST_S3_ENDPOINT/$MREG_TEST_S3_BUCKET"
  assert_eq "s3://$MREG_TEST_S3_BUCKET?endpoint=$MREG_TEST_S3_ENDPOINT&region=us-east-1&addressing=path" \
    "$MREG_TEST_S3_REMOTE"

  assert_eq 403 "$(status_of s3 "wrong$AWS_SECRET_ACCESS_KEY" "$bucket")" "a wrong secret is refused"
  assert_contains "$(cat "$TEST_DIR/body")" "<Code>SignatureDoesNotMatch</Code>"
  assert_eq 403 "$(status_of curl -sS "$bucket")" "an unsigned list is refused"
  assert_contains "$(cat "$TEST_DIR/body")" "<Code>AccessDenied</Code>"

  random_file blob 1000000
  assert_eq 200 "$(status_of s3 "$AWS_SECRET_ACCESS_KEY" -T blob "$bucket/objects/ab/cdef")" "PUT"
  assert_eq 200 "$(status_of s3 "$AWS_SECRET_ACCESS_KEY" "$bucket/objects/ab/cdef")" "GET"
  assert_file_eq blob "$TEST_DIR/body"
  assert_eq 200 "$(status_of s3 "$AWS_SECRET_ACCESS_KEY" -I "$bucket/objects/ab/cdef")" "HEAD"
  assert_eq 404 "$(status_of s3 "$AWS_SECRET_ACCESS_KEY" -I "$bucket/objects/ab/missing")" "HEAD of a missing key"

  # A signed payload hash is checked against the bytes received.
  local sha
  sha=$(sha256sum blob | cut -d' ' -f1)
  assert_eq 200 "$(status_of s3_with_payload_hash "$AWS_SECRET_ACCESS_KEY" "$sha" \
    -T blob "$bucket/objects/ab/signed")" "PUT with the body's sha256"
  head -c 1000 /dev/urandom >other
  assert_eq 400 "$(status_of s3_with_payload_hash "$AWS_SECRET_ACCESS_KEY" "$sha" \
    -T other "$bucket/objects/ab/tampered")" "PUT of other bytes than signed"
  assert_contains "$(cat "$TEST_DIR/body")" "<Code>XAmzContentSHA256Mismatch</Code>"

  # curl signs the query as written: it must already be sorted and encoded.
  assert_eq 200 "$(status_of s3 "$AWS_SECRET_ACCESS_KEY" "$bucket?list-type=2&prefix=objects%2Fab%2F")" "list"
  assert_contains "$(cat "$TEST_DIR/body")" "<Key>objects/ab/cdef</Key>"
  assert_contains "$(cat "$TEST_DIR/body")" "<KeyCount>2</KeyCount>"

  stop_server ceph-rgw "$dir"
}

test_webdav_round_trips_bytes_and_checks_the_token() {
  require_commands nginx curl python3 pgrep
  local dir="$TEST_DIR/dav" master workers
  start_server nginx-webdav "$dir"
  assert_eq "$dir/root" "$MREG_TEST_HTTP_ROOT"

  random_file blob 1000000
  assert_eq 201 "$(status_of curl -sS -T blob "$MREG_TEST_HTTP_URL/objects/ab/cdef")" "PUT creates"
  assert_file_eq blob "$dir/root/store/objects/ab/cdef"
  assert_eq 204 "$(status_of curl -sS -T blob "$MREG_TEST_HTTP_URL/objects/ab/cdef")" "PUT again replaces"
  assert_eq 200 "$(status_of curl -sS "$MREG_TEST_HTTP_URL/objects/ab/cdef")" "GET"
  assert_file_eq blob "$TEST_DIR/body"
  local head
  head=$(curl -sS -I "$MREG_TEST_HTTP_URL/objects/ab/cdef")
  assert_matches "$head" "^HTTP/1.1 200" "HEAD"
  assert_matches "$head" "^Content-Length: 1000000" "HEAD gives the size"
  assert_eq 404 "$(status_of curl -sS -I "$MREG_TEST_HTTP_URL/objects/ab/missing")" "HEAD of a missing file"
  assert_eq 204 "$(status_of curl -sS -X DELETE "$MREG_TEST_HTTP_URL/objects/ab/cdef")" "DELETE"
  assert_eq 404 "$(status_of curl -sS -I "$MREG_TEST_HTTP_URL/objects/ab/cdef")" "HEAD after DELETE"

  local private="$MREG_TEST_HTTP_TOKEN_URL/objects/ab/cdef"
  assert_eq 401 "$(status_of curl -sS -T blob "$private")" "PUT without a token"
  assert_eq 401 "$(status_of curl -sS -H "Authorization: Bearer wrong" -T blob "$private")" "PUT with a wrong token"
  assert_no_file "$dir/root/private/objects/ab/cdef"
  assert_eq 201 "$(status_of curl -sS -H "Authorization: Bearer $MREG_TEST_HTTP_TOKEN" -T blob "$private")" \
    "PUT with the token"
  assert_eq 401 "$(status_of curl -sS "$private")" "GET without a token"
  assert_eq 200 "$(status_of curl -sS -H "Authorization: Bearer $MREG_TEST_HTTP_TOKEN" "$private")" \
    "GET with the token"
  assert_file_eq blob "$TEST_DIR/body"

  master=$(cat "$dir/pids")
  workers=$(pgrep -P "$master" || true)
  [ -n "$workers" ] || fail "nginx master $master has no worker process"
  # shellcheck disable=SC2086
  stop_server nginx-webdav "$dir" $workers
}

# A PID in DIR/pids that is no longer the server (reused after a crash) is
# left alone, and start refuses a directory that holds a previous server.
test_servers_signal_only_their_own_processes() {
  local server bystander
  sleep 60 &
  bystander=$!
  # shellcheck disable=SC2064 # expanded now: bystander is local to this function
  trap "kill $bystander 2>/dev/null || true" EXIT
  for server in ceph-rgw nginx-webdav; do
    mkdir -p "$server"
    echo "$bystander" >"$server/pids"
    run_ok bash "$SERVERS/$server.sh" stop "$server"
    is_running "$bystander" || fail "$server stop killed an unrelated process"
    assert_fails 1 bash "$SERVERS/$server.sh" start "$server"
    assert_contains "$ERR" "not empty"
    assert_fails 1 bash "$SERVERS/$server.sh" env "$server"
    assert_fails 2 bash "$SERVERS/$server.sh" restart "$server"
  done
}

run_tests "$@"
