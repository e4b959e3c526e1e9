#!/usr/bin/env bash
# Benchmark: the storage engine (DESIGN §5) against the tools it replaces.
#
#   bench/storage_engine.sh [PATH_TO_MREG]      (default: $MREG, else `mreg`)
#   BENCH_DIR=/mnt/fast BENCH_SIZE_MIB=1024 bench/storage_engine.sh build/mreg
#
# In a temporary directory under $BENCH_DIR (default /tmp), so that inputs,
# repositories, stores and copies share one filesystem. Every input is read
# once before it is timed (page-cached). Times are the best of 3 runs.
#   ingest      `mreg add` of a 1 GiB random file into an empty store vs `cp`
#               (goal <= 1.2x), and vs `git add` with git-lfs tracking it
#               (goal: mreg >= 10x faster; skipped when git-lfs is missing:
#               apt-get install git-lfs)
#   re-add      `mreg add` of the same, unchanged file (goal <= 50 ms)
#   get         `mreg get` into an empty directory vs `cp` (goal <= 1.2x)
#   peak RSS    of that ingest (goal <= 128 MiB)
#   dedup       a ~1 GiB safetensors file of 200 tensors, then a "fine-tune"
#               rewriting 10 % of the tensors: new bytes stored (goal <= 12 %);
#               the same with a GGUF file (llama.cpp's format);
#               a 1-byte insertion near the start of the plain file (goal <= 2 %)
# Exit status 0 whether or not the goals are met: this measures, it does not gate.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$@"
here=$(cd "$(dirname "$0")" && pwd)
make_safetensors="$here/../tests/cli/make_safetensors.py"
make_gguf="$here/../tests/cli/make_gguf.py"

size_mib=${BENCH_SIZE_MIB:-1024}
runs=3
workdir=$(mktemp -d -p "${BENCH_DIR:-/tmp}" mreg-bench-storage.XXXXXX)
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"

seconds() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
            awk "BEGIN { printf \"%.3f\", $EPOCHREALTIME - $t0 }"; }
min() { if [ -z "$1" ] || awk "BEGIN { exit !($2 < $1) }"; then echo "$2"; else echo "$1"; fi; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
percent() { awk "BEGIN { printf \"%.1f\", 100 * $1 / $2 }"; }
new_repo() {
  rm -rf "$1"
  git init -q "$1"
  git -C "$1" config user.name Bench
  git -C "$1" config user.email bench@example.com
  "$MREG" -C "$1" -q init --commit
}
bytes_new() { python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_new"])'; }

echo "bench: ${size_mib} MiB inputs in $workdir ($(df -T . | awk 'NR==2 {print $2}')), $(nproc) cores"
head -c "$((size_mib << 20))" /dev/urandom >input.bin
cat input.bin >/dev/null

# --- ingest and get against cp -------------------------------------------------
new_repo repo
best_cp="" best_add="" best_get="" best_get_cp=""
for run in $(seq 1 $runs); do
  best_cp=$(min "$best_cp" "$(seconds cp input.bin "copy.bin")")
  rm -f copy.bin
  rm -rf repo/.git/mreg   # an empty store and no stat cache: the whole file is read and stored
  best_add=$(min "$best_add" "$(seconds "$MREG" -C repo add big ../input.bin)")
done
rss_kib=$( { rm -rf repo/.git/mreg; /usr/bin/time -f '%M' "$MREG" -C repo -q add big ../input.bin; } 2>&1 | tail -n 1)
"$MREG" -C repo -q register big
for run in $(seq 1 $runs); do
  best_get_cp=$(min "$best_get_cp" "$(seconds cp input.bin "copy-$run.bin")")
  rm -f "copy-$run.bin"
  best_get=$(min "$best_get" "$(seconds "$MREG" -C repo get big -o "../out-$run")")
  rm -rf "out-$run"
done

# --- re-adding an unchanged file (the stat cache trusts files 2 s old) -----------
sleep 2.1
"$MREG" -C repo -q add big ../input.bin   # records the now-old file
best_readd=""
for run in $(seq 1 $runs); do best_readd=$(min "$best_readd" "$(seconds "$MREG" -C repo add big ../input.bin)"); done

# --- git-lfs -----------------------------------------------------------------
lfs=""
if git lfs version >/dev/null 2>&1; then
  for run in $(seq 1 $runs); do
    rm -rf lfs && git init -q lfs && (cd lfs && git lfs install --local >/dev/null && git lfs track '*.bin' >/dev/null)
    cp input.bin lfs/model.bin && cat lfs/model.bin >/dev/null
    lfs=$(min "$lfs" "$(seconds git -C lfs add model.bin)")
  done
  rm -rf lfs
fi

# --- dedup ---------------------------------------------------------------------
new_repo dedup
python3 "$make_safetensors" dedup/model.safetensors "$size_mib" 200
"$MREG" -C dedup -q register llm model.safetensors
python3 "$make_safetensors" dedup/model.safetensors "$size_mib" 200 --changed 0.1
tensor_total=$(stat -c %s dedup/model.safetensors)
tensor_new=$("$MREG" -C dedup register llm model.safetensors --json | bytes_new)
python3 "$make_gguf" dedup/model.gguf "$size_mib" 200
"$MREG" -C dedup -q register gguf model.gguf
python3 "$make_gguf" dedup/model.gguf "$size_mib" 200 --changed 0.1
gguf_total=$(stat -c %s dedup/model.gguf)
gguf_new=$("$MREG" -C dedup register gguf model.gguf --json | bytes_new)
rm dedup/model.safetensors dedup/model.gguf
cp input.bin dedup/plain.bin
"$MREG" -C dedup -q register plain plain.bin
{ head -c 4096 input.bin; printf 'x'; tail -c +4097 input.bin; } >dedup/plain.bin
plain_total=$(stat -c %s dedup/plain.bin)
plain_new=$("$MREG" -C dedup register plain plain.bin --json | bytes_new)

printf '\n%-34s %8s s\n' "cp" "$best_cp"
printf '%-34s %8s s   add/cp %s (goal <= 1.2)\n' "mreg add (empty store)" "$best_add" "$(ratio "$best_add" "$best_cp")"
if [ -n "$lfs" ]; then
  printf '%-34s %8s s   git-lfs/mreg %s (goal >= 10)\n' "git add (git-lfs)" "$lfs" "$(ratio "$lfs" "$best_add")"
else
  printf '%-34s %8s     (git-lfs not installed: apt-get install git-lfs)\n' "git add (git-lfs)" "-"
fi
printf '%-34s %8s s   (goal <= 0.050)\n' "mreg add (unchanged, stat cache)" "$best_readd"
printf '%-34s %8s s\n' "cp (for get)" "$best_get_cp"
printf '%-34s %8s s   get/cp %s (goal <= 1.2)\n' "mreg get (empty directory)" "$best_get" "$(ratio "$best_get" "$best_get_cp")"
printf '%-34s %8s MiB (goal <= 128)\n' "peak RSS of mreg add" "$((rss_kib / 1024))"
printf '%-34s %8s %%   of %s bytes (goal <= 12)\n' "fine-tune (10 % of tensors): new" "$(percent "$tensor_new" "$tensor_total")" "$tensor_total"
printf '%-34s %8s %%   of %s bytes (goal <= 12)\n' "GGUF fine-tune (10 %): new" "$(percent "$gguf_new" "$gguf_total")" "$gguf_total"
printf '%-34s %8s %%   of %s bytes (goal <= 2)\n' "1-byte insertion: new" "$(percent "$plain_new" "$plain_total")" "$plain_total"
