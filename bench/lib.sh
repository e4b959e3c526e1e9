# shellcheck shell=bash
# Shared by the benchmarks: `source bench/lib.sh "$@"` sets MREG to the binary
# under test, as an absolute path: the first argument, else $MREG, else
# `mreg` on PATH. Exits naming it when it cannot be run.

if [ $# -gt 0 ]; then MREG=$1; fi
MREG=${MREG:-mreg}
command -v "$MREG" >/dev/null || { echo "bench: cannot find the mreg binary '$MREG'" >&2; exit 1; }
case "$MREG" in
  */*) MREG=$(realpath "$MREG") ;;
esac
