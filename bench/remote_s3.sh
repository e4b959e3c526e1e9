#!/usr/bin/env bash
# Benchmark: push and get of a chunked model through a real S3 store (a
# throwaway Ceph RADOS Gateway on 127.0.0.1, tests/servers/ceph-rgw.sh)
# against one `curl` upload of the same bytes.
#
#   bench/remote_s3.sh [PATH_TO_MREG]             (default: $MREG, else `mreg`)
#   BENCH_SIZE_MIB=256 bench/remote_s3.sh build/mreg
#
# Registers a BENCH_SIZE_MIB (default 1024) random file, then:
#   curl      one signed PUT of the whole file (the baseline)
#   push -j1  mreg push with one connection, into an empty prefix
#   push -j8  mreg push with eight, into another empty prefix
#   get -j1 / get -j8   a fresh clone's `mreg get` from those prefixes
# Prints throughput and the ratios against curl. Needs the packages that
# scripts/install-deps installs (ceph, curl). Exit 0 whether or not mreg is
# faster: this measures, it does not gate.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$@"
servers="$(cd "$(dirname "$0")/../tests/servers" && pwd)"
size_mib=${BENCH_SIZE_MIB:-1024}

server=$(mktemp -d /tmp/mreg-bench-rgw.XXXXXX)
workdir=$(mktemp -d "${TMPDIR:-/tmp}/mreg-bench-s3.XXXXXX")
cleanup() { bash "$servers/ceph-rgw.sh" stop "$server" >/dev/null 2>&1 || true; rm -rf "$workdir" "$server"; }
trap cleanup EXIT
bash "$servers/ceph-rgw.sh" start "$server" >/dev/null
# shellcheck source=/dev/null
source "$server/env"

seconds() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
            awk "BEGIN { printf \"%.3f\", $EPOCHREALTIME - $t0 }"; }
rate() { awk "BEGIN { printf \"%.0f MiB/s\", $size_mib / $1 }"; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
remote() { echo "s3://$MREG_TEST_S3_BUCKET/$1?endpoint=$MREG_TEST_S3_ENDPOINT&region=$AWS_REGION&addressing=path"; }

cd "$workdir"
git init -q origin
cd origin
git config user.name Bench
git config user.email bench@example.com
"$MREG" -q init --commit
head -c "$((size_mib << 20))" /dev/urandom >model.bin
"$MREG" -q register big model.bin
cat model.bin >/dev/null

curl_s=$(seconds curl -sf --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T model.bin "$MREG_TEST_S3_ENDPOINT/$MREG_TEST_S3_BUCKET/curl/model.bin")
push1_s=$(seconds "$MREG" push -j 1 --remote "$(remote j1)")
push8_s=$(seconds "$MREG" push -j 8 --remote "$(remote j8)")
git clone -q "$workdir/origin" "$workdir/clone1"
git clone -q "$workdir/origin" "$workdir/clone8"
get1_s=$(seconds "$MREG" -C "$workdir/clone1" get big -o out -j 1 --remote "$(remote j1)")
get8_s=$(seconds "$MREG" -C "$workdir/clone8" get big -o out -j 8 --remote "$(remote j8)")
cmp -s model.bin "$workdir/clone8/out/model.bin" || { echo "bench: the file that came back differs" >&2; exit 1; }

echo "bench: ${size_mib} MiB, Ceph RGW (memstore) on 127.0.0.1, $(nproc) cores"
printf '%-26s %8s s  %12s\n' "curl PUT (one request)" "$curl_s" "$(rate "$curl_s")"
printf '%-26s %8s s  %12s   push/curl %s\n' "mreg push -j 1" "$push1_s" "$(rate "$push1_s")" "$(ratio "$push1_s" "$curl_s")"
printf '%-26s %8s s  %12s   push/curl %s\n' "mreg push -j 8" "$push8_s" "$(rate "$push8_s")" "$(ratio "$push8_s" "$curl_s")"
printf '%-26s %8s s  %12s   get/curl %s\n' "mreg get -j 1 (fresh clone)" "$get1_s" "$(rate "$get1_s")" "$(ratio "$get1_s" "$curl_s")"
printf '%-26s %8s s  %12s   get/curl %s\n' "mreg get -j 8 (fresh clone)" "$get8_s" "$(rate "$get8_s")" "$(ratio "$get8_s" "$curl_s")"
