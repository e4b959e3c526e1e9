# shellcheck shell=bash
# End-to-end test helpers: source this from tests/cli/test_*.sh.
#
# A test script defines functions named test_*, then calls run_tests. Each
# test runs in a subshell of its own, in a fresh directory ($TEST_DIR, the
# current directory when it starts) with a fresh HOME that has a git identity,
# so tests cannot see each other or the user's configuration. A failing
# assertion prints what was expected and what was found and ends that test;
# the others still run. The script's temporary directory is removed when
# every test passed and kept (its path printed) when one failed.
#
# The binary under test is $MREG (an absolute path; ctest sets it).

set -euo pipefail

if [ -z "${MREG:-}" ]; then
  echo "MREG is not set: run through ctest, or MREG=/path/to/mreg bash $0" >&2
  exit 2
fi
case "$MREG" in
  /*) ;;
  *) MREG="$PWD/$MREG" ;;
esac

export GIT_CONFIG_NOSYSTEM=1
export NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE MREG_CACHE_DIR

SCRIPT_NAME="$(basename "$0" .sh)"
SCRIPT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/mreg-$SCRIPT_NAME.XXXXXX")"
FAILED_TESTS=()

cleanup() {
  if [ ${#FAILED_TESTS[@]} -eq 0 ]; then
    rm -rf "$SCRIPT_TMP"
  else
    echo "kept for inspection: $SCRIPT_TMP" >&2
  fi
}
trap cleanup EXIT

# --- running tests -------------------------------------------------------

mreg() { "$MREG" "$@"; }

# A HOME with only a git identity and the default branch name.
fresh_home() {
  HOME="$1"
  export HOME
  mkdir -p "$HOME"
  git config --global user.name "Test User"
  git config --global user.email "test@example.com"
  git config --global init.defaultBranch main
}

run_tests() {
  local names name status
  names=$(declare -F | awk '{print $3}' | grep '^test_' || true)
  if [ $# -gt 0 ]; then names="$*"; fi
  set +e
  for name in $names; do
    (
      set -euo pipefail
      TEST_NAME="$name"
      TEST_DIR="$SCRIPT_TMP/$name"
      mkdir -p "$TEST_DIR/work"
      fresh_home "$TEST_DIR/home"
      cd "$TEST_DIR/work"
      "$name"
    )
    status=$?
    if [ $status -eq 0 ]; then
      echo "ok   $name"
    else
      echo "FAIL $name (in $SCRIPT_TMP/$name)"
      FAILED_TESTS+=("$name")
    fi
  done
  set -e
  if [ ${#FAILED_TESTS[@]} -ne 0 ]; then
    echo "$SCRIPT_NAME: ${#FAILED_TESTS[@]} failed: ${FAILED_TESTS[*]}" >&2
    exit 1
  fi
  echo "$SCRIPT_NAME: all passed"
}

# --- assertions ----------------------------------------------------------

fail() {
  echo "  assertion failed in $TEST_NAME: $1" >&2
  shift
  local line
  for line in "$@"; do printf '%s\n' "$line" | sed -e 's/^/    /' >&2; done
  exit 1
}

# Prints a value for a failure message, marking where it starts and ends.
show() { printf '%s\n' "$1" | sed -e 's/^/  | /'; }

assert_eq() {  # EXPECTED ACTUAL [WHAT]
  if [ "$1" != "$2" ]; then
    fail "${3:-values differ}" "expected: '$1'" "found:    '$2'"
  fi
}

assert_contains() {  # HAYSTACK NEEDLE [WHAT]
  case "$1" in
    *"$2"*) ;;
    *) fail "${3:-text does not contain '$2'}" "expected to contain: '$2'" "found:" "$(show "$1")" ;;
  esac
}

assert_not_contains() {  # HAYSTACK NEEDLE [WHAT]
  case "$1" in
    *"$2"*) fail "${3:-text contains '$2'}" "expected not to contain: '$2'" "found:" "$(show "$1")" ;;
    *) ;;
  esac
}

assert_matches() {  # TEXT EXTENDED_REGEX [WHAT]
  if ! printf '%s\n' "$1" | grep -Eq -- "$2"; then
    fail "${3:-text does not match /$2/}" "expected a line matching: $2" "found:" "$(show "$1")"
  fi
}

assert_file_exists() {
  [ -e "$1" ] || fail "missing file: $1" "in $(pwd)"
}

assert_no_file() {
  [ ! -e "$1" ] || fail "file should not exist: $1" "in $(pwd)"
}

assert_file_eq() {  # EXPECTED_FILE ACTUAL_FILE: byte-identical
  assert_file_exists "$1"
  assert_file_exists "$2"
  cmp -s "$1" "$2" || fail "files differ" "expected: $1 ($(wc -c <"$1") bytes)" \
    "found:    $2 ($(wc -c <"$2") bytes)" "$(cmp "$1" "$2" 2>&1 || true)"
}

# Runs a command that must succeed; its output is left in $OUT and $ERR.
run_ok() {
  local status=0
  OUT=$("$@" 2>"$TEST_DIR/.stderr") || status=$?
  ERR=$(cat "$TEST_DIR/.stderr")
  if [ $status -ne 0 ]; then
    fail "command failed with exit status $status: $*" "stdout:" "$(show "$OUT")" "stderr:" "$(show "$ERR")"
  fi
}

# Runs a command that must fail with EXPECTED_EXIT; output in $OUT and $ERR.
assert_fails() {  # EXPECTED_EXIT CMD...
  local expected=$1 status=0
  shift
  OUT=$("$@" 2>"$TEST_DIR/.stderr") || status=$?
  ERR=$(cat "$TEST_DIR/.stderr")
  if [ $status -ne "$expected" ]; then
    fail "expected exit status $expected, found $status: $*" "stdout:" "$(show "$OUT")" "stderr:" "$(show "$ERR")"
  fi
}

# Checks that $1 is JSON; with more arguments, a python expression over `d`
# (the parsed document) that must be true, e.g. 'd["version"] == "0.1.0"'.
# has_keys(obj, [...]) is true when obj's keys start with exactly these, in
# this order: documented keys are stable, later features may append others.
assert_json() {  # TEXT [PYTHON_EXPRESSION...]
  local text=$1 expression result
  shift
  printf '%s' "$text" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null ||
    fail "output is not valid JSON" "found:" "$(show "$text")"
  for expression in "$@"; do
    result=$(printf '%s' "$text" | python3 -c "import json,sys
def has_keys(obj, keys): return list(obj)[:len(keys)] == keys
d = json.load(sys.stdin)
print(bool($expression))" 2>&1) ||
      result="error: $result"
    [ "$result" = "True" ] || fail "JSON check failed: $expression" "result: $result" "document:" "$(show "$text")"
  done
}

# --- fixtures -------------------------------------------------------------

# A git repository with mreg initialized and committed, as the current directory.
new_registry() {
  mkdir -p "${1:-repo}"
  cd "${1:-repo}"
  git init -q
  run_ok mreg init --commit
}

# Writes SIZE bytes of random data to PATH (creating directories).
random_file() {  # PATH SIZE
  mkdir -p "$(dirname "$1")"
  head -c "$2" /dev/urandom >"$1"
}

# Number of objects in the local blob store.
count_objects() {
  if [ -d .git/mreg/objects ]; then
    find .git/mreg/objects -type f | wc -l | tr -d ' '
  else
    echo 0
  fi
}

# The canonical XXH3-128 digest of FILE as "xxh128:<hex>", computed with
# xxhsum independently of mreg; empty when xxhsum is not installed.
xxh128_of() {
  if command -v xxhsum >/dev/null 2>&1; then
    echo "xxh128:$(xxhsum -H2 "$1" 2>/dev/null | cut -d" " -f1)"
  fi
}

note() { echo "  note ($TEST_NAME): $*" >&2; }

# Runs N `mreg get REF -o out-I` at once, each its own process, and checks
# that every one succeeded and wrote FILE byte for byte equal to EXPECTED.
parallel_gets() {  # N REF FILE EXPECTED
  local count=$1 ref=$2 file=$3 expected=$4 pids=() i
  for i in $(seq 1 "$count"); do
    "$MREG" get "$ref" -o "out-$i" >"log-$i" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 1 "$count"); do
    wait "${pids[$((i - 1))]}" || { cat "log-$i" >&2; fail "get number $i of $count failed"; }
    assert_file_eq "$expected" "out-$i/$file"
  done
}

# Sets BASE=$PWD and makes $BASE/origin a registry (the current directory
# then) holding fraud@1.0.0 of in/small.bin (5000 bytes) and in/BIG_NAME
# (BIG_MIB MiB, so chunked), with the file remote "shared" at $BASE/store as
# its default, committed. Nothing is pushed.
origin_with_shared_remote() {  # BIG_NAME BIG_MIB
  BASE=$PWD
  new_registry origin
  random_file in/small.bin 5000
  random_file "in/$1" $(($2 * 1048576))
  run_ok mreg register fraud "in/$1" in/small.bin --version 1.0.0
  run_ok mreg remote add shared "$BASE/store"
  git commit -qm "remote shared" mreg.yaml
}

# --- test servers (tests/servers) ------------------------------------------

SERVERS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)"

# Servers this test started ("SERVER DIR"), stopped by their PIDs however the
# test ends. Call track_server before starting one, so a failed start is
# cleaned up too.
STARTED=()
stop_started() {
  local entry
  for entry in "${STARTED[@]+"${STARTED[@]}"}"; do
    bash "$SERVERS/${entry%% *}.sh" stop "${entry#* }" >/dev/null 2>&1 || true
  done
}
track_server() {  # SERVER DIR
  STARTED+=("$1 $2")
  trap stop_started EXIT
}

# Starts SERVER (ceph-rgw or nginx-webdav) in a new short directory (sockets
# and Ceph's paths need it short), sources its env (endpoints, keys) into this
# test's shell and sets SERVER_DIR.
start_test_server() {  # SERVER
  local dir
  dir=$(mktemp -d /tmp/mreg-srv.XXXXXX)
  track_server "$1" "$dir"
  bash "$SERVERS/$1.sh" start "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; fail "$1 did not start"; }
  # shellcheck source=/dev/null
  source "$dir/env"
  SERVER_DIR=$dir
}
