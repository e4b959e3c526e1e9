# shellcheck shell=bash
# What the test servers' scripts share (ceph-rgw.sh, nginx-webdav.sh): their command line,
# refusing to run without their packages, free ports, and stopping exactly
# the processes a start recorded in DIR/pids. Each script sets SERVER_NAME
# (for messages) before sourcing this.

die() {
  echo "$SERVER_NAME: $*" >&2
  exit 1
}

# Fails naming every missing command, and how to get them.
require_commands() {  # COMMAND...
  local command missing=()
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  [ ${#missing[@]} -eq 0 ] || die "not installed: ${missing[*]}: run scripts/install-deps"
}

# N distinct ports that were free a moment ago (all held open until all are chosen).
free_ports() {  # N
  python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# A PID from DIR/pids that is still one of our processes (its command line
# names DIR), so a PID reused by an unrelated process after a crash is never
# signalled.
is_ours() {  # PID DIR
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2/"
}

is_zombie() {  # PID
  [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# Stops one process: TERM, up to 10 s to exit, then KILL.
stop_pid() {  # PID DIR
  local pid=$1 deadline=$((SECONDS + 10))
  is_ours "$pid" "$2" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ! is_zombie "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$SERVER_NAME: pid $pid did not stop within 10 s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
}

# Newest first: for Ceph, an OSD whose monitor is gone waits 5 s trying to
# tell it that it is shutting down; nginx's master stops its workers itself.
stop_pids() {  # DIR
  local dir=$1 pid
  [ -f "$dir/pids" ] || return 0
  for pid in $(tac "$dir/pids"); do
    stop_pid "$pid" "$dir"
  done
  # Reap the processes when they are this script's children (a failed start).
  wait 2>/dev/null || true
}

usage() {
  echo "usage: $0 start|stop|env DIR" >&2
  exit 2
}

# The command line both scripts take: start DIR (calls the script's
# start() with DIR made absolute, which must be empty), stop DIR, env DIR.
server_main() {  # ACTION DIR
  [ $# -eq 2 ] || usage
  local dir
  case "$1" in
    start)
      mkdir -p "$2"
      dir=$(cd "$2" && pwd -P)
      [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: start needs an empty directory"
      start "$dir"
      ;;
    stop)
      [ -d "$2" ] || die "no such directory: $2"
      stop_pids "$(cd "$2" && pwd -P)"
      ;;
    env)
      [ -f "$2/env" ] || die "$2/env does not exist: not started?"
      cat "$2/env"
      ;;
    *) usage ;;
  esac
}
