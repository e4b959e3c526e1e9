#!/usr/bin/env bash
# Benchmark: `mreg register` and `mreg get` of a 1 GiB file against `cp`.
#
#   bench/register_get_vs_cp.sh [PATH_TO_MREG]    (default: $MREG, else `mreg`)
#   BENCH_DIR=/mnt/fast bench/register_get_vs_cp.sh build/mreg
#   BENCH_SIZE_MIB=256 ...                        (a smaller file for a quick look)
#
# Works in a temporary directory under $BENCH_DIR (default: the current
# directory), so the file, the repository, its blob store and the copies all
# sit on one filesystem. The input is read once first so that every run starts
# from the page cache. Each measurement is the best of 3 runs; every register
# run registers a new version, every get run writes into an empty directory.
# Prints the times and the ratios against cp with their goals
# (register/cp <= 1.5, get/cp <= 1.3). Exit status 0 whether or not the goals
# are met: this measures, it does not gate.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$@"

size_mib=${BENCH_SIZE_MIB:-1024}
runs=3
workdir=$(mktemp -d -p "${BENCH_DIR:-$PWD}" mreg-bench.XXXXXX)
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
elapsed() { calc "$2 - $1"; }
min() { if [ -z "$1" ] || [ "$(calc "$2 < $1")" -eq 1 ]; then echo "$2"; else echo "$1"; fi; }
# Seconds taken by a command, its output discarded.
time_of() {
  local start end
  start=$(now)
  "$@" >/dev/null
  end=$(now)
  elapsed "$start" "$end"
}

echo "bench: ${size_mib} MiB file in $workdir ($(df -T . | awk 'NR==2 {print $2}'))"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >input.bin
cat input.bin >/dev/null   # page-cache it

git init -q repo
git -C repo config user.name "Bench"
git -C repo config user.email "bench@example.com"
"$MREG" -C repo -q init --commit

best_cp="" best_register="" best_get_cp="" best_get=""
for run in $(seq 1 $runs); do
  best_cp=$(min "$best_cp" "$(time_of cp input.bin "copy-$run.bin")")
  rm -f "copy-$run.bin"
  # A new model each run, with an empty store and no stat cache, as for a
  # first register: every run hashes and stores the whole file.
  rm -rf repo/.git/mreg
  best_register=$(min "$best_register" \
    "$(time_of "$MREG" -C repo --no-progress -q register "bench-$run" "$workdir/input.bin")")
done

# get needs the object in the store: register once more and keep it.
"$MREG" -C repo --no-progress -q register bench-get "$workdir/input.bin"
for run in $(seq 1 $runs); do
  mkdir "cp-out-$run"
  best_get_cp=$(min "$best_get_cp" "$(time_of cp input.bin "cp-out-$run/input.bin")")
  rm -rf "cp-out-$run"
  best_get=$(min "$best_get" "$(time_of "$MREG" -C repo --no-progress -q get bench-get -o "$workdir/get-out-$run")")
  rm -rf "get-out-$run"
done

ratio() { printf '%.2f' "$(calc "$1 / $2")"; }
verdict() { if [ "$(calc "$1 <= $2")" -eq 1 ]; then echo "ok"; else echo "ABOVE GOAL"; fi; }
register_ratio=$(ratio "$best_register" "$best_cp")
get_ratio=$(ratio "$best_get" "$best_get_cp")

printf '\n%-22s %8s\n' "best of $runs" "seconds"
printf '%-22s %8.3f\n' "cp" "$best_cp" "mreg register" "$best_register" "cp (for get)" "$best_get_cp" \
  "mreg get" "$best_get"
printf '\n%-14s %6s  (goal <= %s)  %s\n' "register/cp" "$register_ratio" "1.5" "$(verdict "$register_ratio" 1.5)"
printf '%-14s %6s  (goal <= %s)  %s\n' "get/cp" "$get_ratio" "1.3" "$(verdict "$get_ratio" 1.3)"
