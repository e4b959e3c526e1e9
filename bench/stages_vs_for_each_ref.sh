#!/usr/bin/env bash
# Benchmark: reading a large registry (DESIGN §2) against `git for-each-ref`.
#
#   bench/stages_vs_for_each_ref.sh [PATH_TO_MREG]        (default: $MREG, else `mreg`)
#   BENCH_MODELS=1000 BENCH_VERSIONS=20 bench/stages_vs_for_each_ref.sh build/mreg
#
# Builds, with git fast-import (bench/make_stage_repo.py), a repository of
# BENCH_MODELS models x BENCH_VERSIONS versions (default 1,000 x 20 = 20,000
# annotated version tags) and three stage branches each holding every model,
# packs its refs as `git gc` would, then times, best of 5 runs each:
#   git for-each-ref refs/tags       the baseline: listing the tags, nothing more
#   mreg list                        every model with its latest version and
#                                    what each stage holds, verified against the tags
#   mreg show NAME#production        one model's production version
#   mreg history NAME                its registrations and promotions
# The first `mreg list` (which fills .git/mreg/cache.sqlite) is reported on
# its own. Prints the times and the ratios against for-each-ref with the
# goals (list <= 2x, show <= 50 ms). Exit status 0 whether or not the goals
# are met: this measures, it does not gate.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$@"

models=${BENCH_MODELS:-1000}
versions=${BENCH_VERSIONS:-20}
runs=5
here=$(cd "$(dirname "$0")" && pwd)
workdir=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}" mreg-bench-stages.XXXXXX)
trap 'rm -rf "$workdir"' EXIT

git init -q "$workdir/repo"
cd "$workdir/repo"
start=$EPOCHREALTIME
python3 "$here/make_stage_repo.py" "$models" "$versions" | git fast-import --quiet
git pack-refs --all
git checkout -q main
tags=$(git for-each-ref refs/tags | wc -l)
echo "bench: $tags tags, $models models, 3 stage branches, built in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $start }") s"

# Milliseconds taken by a command, its output discarded; fails loudly.
time_ms() {
  local t0=$EPOCHREALTIME
  "$@" >/dev/null || { echo "bench: '$*' failed" >&2; exit 1; }
  awk "BEGIN { printf \"%.1f\", ($EPOCHREALTIME - $t0) * 1000 }"
}
best_ms() {
  local best="" t
  for _ in $(seq 1 $runs); do
    t=$(time_ms "$@")
    if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
  done
  echo "$best"
}
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

model=$(python3 -c "import sys; sys.path.insert(0, '$here'); import make_stage_repo as m; print(m.model_name($models // 2))")
first_list=$(time_ms "$MREG" list)
git_ms=$(best_ms git for-each-ref refs/tags)
list_ms=$(best_ms "$MREG" list)
show_ms=$(best_ms "$MREG" show "$model#production")
history_ms=$(best_ms "$MREG" history "$model")

printf '%-36s %9s ms\n' "git for-each-ref refs/tags" "$git_ms"
printf '%-36s %9s ms   (first run, filling the cache)\n' "mreg list" "$first_list"
printf '%-36s %9s ms   list/for-each-ref %s (goal <= 2)\n' "mreg list" "$list_ms" "$(ratio "$list_ms" "$git_ms")"
printf '%-36s %9s ms   show/for-each-ref %s (goal: <= 50 ms)\n' "mreg show $model#production" "$show_ms" \
  "$(ratio "$show_ms" "$git_ms")"
printf '%-36s %9s ms   history/for-each-ref %s\n' "mreg history $model" "$history_ms" \
  "$(ratio "$history_ms" "$git_ms")"
