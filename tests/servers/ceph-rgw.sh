#!/usr/bin/env bash
# A throwaway single-node Ceph cluster with the RADOS Gateway (S3) on 127.0.0.1,
# for testing mreg's s3:// remotes against a real S3 implementation.
#
#   ceph-rgw.sh start DIR   a new cluster in DIR (created, or empty): one
#                           monitor, one memstore OSD, radosgw (beast) on a
#                           free port; a user with fixed keys and the bucket
#                           mreg-test. Writes DIR/pids and DIR/env, returns once
#                           a signed list of the bucket answers 200. On failure:
#                           prints the daemon logs' tails, stops what it
#                           started, exits 1.
#   ceph-rgw.sh stop DIR    TERM to exactly the PIDs in DIR/pids, KILL after 10 s.
#   ceph-rgw.sh env DIR     prints DIR/env (export lines, to source).
#
# Everything (config, keyrings, data, logs, sockets) lives in DIR; nothing
# outside it is read or written. Data is in memory (memstore) and gone once
# the OSD stops. Needs ceph-mon ceph-osd radosgw ceph-common curl python3
# (scripts/install-deps). See README.md next to this script.
set -euo pipefail

S3_ACCESS_KEY=MREGTESTACCESSKEY01
S3_SECRET_KEY=mregTestSecretKey0123456789abcdefghijklmn
S3_BUCKET=mreg-test
S3_REGION=us-east-1
S3_USER=mreg-test
# Memstore holds about twice the bytes stored; 4 GiB fits a 1 GiB benchmark.
MEMSTORE_BYTES=$((4 << 30))
# Unix socket paths must stay under 108 bytes; longer DIRs get no admin sockets.
MAX_SOCKET_DIR=80

SERVER_NAME=ceph-rgw
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

print_logs() {  # DIR
  local log
  for log in "$1"/log/*.out "$1"/log/*.log; do
    [ -s "$log" ] || continue
    echo "--- tail of $log" >&2
    tail -n 15 "$log" >&2
  done
}

# Signed S3 request with curl 7.88: --aws-sigv4 signs, but does not add
# x-amz-content-sha256, which RGW requires; UNSIGNED-PAYLOAD is accepted.
s3_curl() {  # ACCESS SECRET curl-args...
  local access=$1 secret=$2
  shift 2
  curl -sS --max-time 30 --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$access:$secret" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

write_config() {  # DIR MON_PORT RGW_PORT
  local dir=$1 mon_port=$2 rgw_port=$3 admin_socket
  if [ ${#dir} -le $MAX_SOCKET_DIR ]; then
    admin_socket="$dir/run/\$name.asok"
  else
    admin_socket=""
  fi
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $(python3 -c 'import uuid; print(uuid.uuid4())')
mon initial members = a
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false

auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring

run dir = $dir/run
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.log
log to stderr = false
err to stderr = true
# Clients (ceph, radosgw-admin) get no socket; daemons get one when it fits.
admin socket =

# One OSD: one copy is enough, and without min size 1 the gateway waits 300 s.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
# Start in about 2 s instead of about 13 s.
paxos propose interval = 0.05

# A broken cluster should fail within a minute, not hang.
client mount timeout = 30
rados osd op timeout = 30
rados mon op timeout = 30
rgw init timeout = 60

[mon]
mon data = $dir/mon/\$name
admin socket = $admin_socket

[osd]
osd data = $dir/osd/\$name
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
admin socket = $admin_socket

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
rgw thread pool size = 64
# Virtual-host addressing: http://BUCKET.localhost:PORT (curl resolves
# *.localhost itself); requests to 127.0.0.1 are path-style.
rgw dns name = localhost
# Lifecycle workers sleep 5 s per locked shard and hold up shutdown for 10+ s.
rgw enable lc threads = false
rgw enable quota threads = false
admin socket = $admin_socket
EOF
}

# Runs a daemon in the foreground, in the background of this script, and
# records its PID.
spawn() {  # DIR NAME command...
  local dir=$1 name=$2
  shift 2
  "$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
  echo $! >>"$dir/pids"
}

all_alive() {  # DIR
  local pid
  while read -r pid; do
    kill -0 "$pid" 2>/dev/null || return 1
  done <"$1/pids"
}

start_cluster() {  # DIR
  local dir=$1
  mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd/osd.0" "$dir/rgw"
  : >"$dir/pids"

  local conf=$dir/ceph.conf mon_port rgw_port started=$SECONDS
  read -r mon_port rgw_port <<<"$(free_ports 2)"
  write_config "$dir" "$mon_port" "$rgw_port"

  # Every key is made here and handed to the monitor at mkfs, so no daemon
  # has to be registered with `ceph auth` afterwards.
  local keyring=$dir/keyring
  ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.rgw \
    --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null

  local fsid
  fsid=$(awk -F' = ' '/^fsid/ {print $2}' "$conf")
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$keyring" \
    >>"$dir/log/mkfs.out" 2>&1
  spawn "$dir" mon.a ceph-mon -c "$conf" -i a -f

  local osd_uuid
  osd_uuid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  ceph -c "$conf" --connect-timeout 30 osd new "$osd_uuid" 0 >>"$dir/log/mkfs.out" 2>&1
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/mkfs.out" 2>&1
  spawn "$dir" osd.0 ceph-osd -c "$conf" -i 0 -f
  spawn "$dir" client.rgw radosgw -c "$conf" -n client.rgw -f

  local endpoint=http://127.0.0.1:$rgw_port deadline=$((SECONDS + 90))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$endpoint/")" = 200 ]; do
    all_alive "$dir" || die "a daemon exited during start"
    [ $SECONDS -lt $deadline ] || die "radosgw did not answer within 90 s"
    sleep 0.1
  done

  radosgw-admin -c "$conf" user create --uid "$S3_USER" --display-name "mreg tests" \
    --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" >>"$dir/log/mkfs.out" 2>&1
  local status
  status=$(s3_curl "$S3_ACCESS_KEY" "$S3_SECRET_KEY" -o "$dir/log/create-bucket.out" \
    -w '%{http_code}' -X PUT "$endpoint/$S3_BUCKET") || true
  [ "$status" = 200 ] || die "creating the bucket answered $status"
  until [ "$(s3_curl "$S3_ACCESS_KEY" "$S3_SECRET_KEY" -o /dev/null -w '%{http_code}' \
    "$endpoint/$S3_BUCKET")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || die "listing the bucket never answered 200"
    sleep 0.1
  done

  cat >"$dir/env.tmp" <<EOF
export MREG_TEST_S3_ENDPOINT='$endpoint'
export MREG_TEST_S3_BUCKET='$S3_BUCKET'
export MREG_TEST_S3_REMOTE='s3://$S3_BUCKET?endpoint=$endpoint&region=$S3_REGION&addressing=path'
export MREG_TEST_S3_REMOTE_VIRTUAL='s3://$S3_BUCKET?endpoint=http://localhost:$rgw_port&region=$S3_REGION&addressing=virtual'
export AWS_ACCESS_KEY_ID='$S3_ACCESS_KEY'
export AWS_SECRET_ACCESS_KEY='$S3_SECRET_KEY'
export AWS_REGION='$S3_REGION'
export AWS_DEFAULT_REGION='$S3_REGION'
EOF
  mv "$dir/env.tmp" "$dir/env"
  echo "ceph-rgw: S3 on $endpoint (bucket $S3_BUCKET) in $((SECONDS - started)) s; stop with: $0 stop $dir"
}

# On any failure during start (set -e or die): show why, stop what was started.
cleanup_failed_start() {  # DIR STATUS
  [ "$2" -ne 0 ] || return 0
  print_logs "$1"
  stop_pids "$1"
  echo "ceph-rgw: start failed; logs in $1/log" >&2
}

# DIR: empty and absolute (server_main checks). A failed start stops what it
# started and keeps the logs.
start() {  # DIR
  require_commands ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool ceph curl python3
  # shellcheck disable=SC2064  # DIR is expanded now, on purpose
  trap "cleanup_failed_start '$1' \$?" EXIT
  start_cluster "$1"
  trap - EXIT
}

server_main "$@"
