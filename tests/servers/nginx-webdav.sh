#!/usr/bin/env bash
# A throwaway nginx WebDAV server on 127.0.0.1, for testing mreg's http(s)://
# remotes (GET/HEAD/PUT/DELETE) against a real server.
#
#   nginx-webdav.sh start DIR   nginx as the current user, from DIR/nginx.conf,
#                               on a free port, serving DIR/root:
#                                 /store/    open
#                                 /private/  requires "Authorization: Bearer mreg-test-token"
#                               Writes DIR/pids and DIR/env, returns once it
#                               answers. On failure: prints the error log,
#                               stops what it started, exits 1.
#   nginx-webdav.sh stop DIR    TERM to exactly the PIDs in DIR/pids, KILL after 10 s.
#   nginx-webdav.sh env DIR     prints DIR/env (export lines, to source).
#
# Everything (config, pid file, logs, temp files, served files) lives in DIR;
# no system configuration is read. Needs nginx (Debian's has the DAV module),
# curl and python3 (scripts/install-deps). See README.md next to this script.
set -euo pipefail

HTTP_TOKEN=mreg-test-token

SERVER_NAME=nginx-webdav
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

write_config() {  # DIR PORT
  local dir=$1 port=$2 user_line=""
  # A master started as root would run its workers as nobody, who cannot
  # write to DIR.
  [ "$(id -u)" -ne 0 ] || user_line="user $(id -un) $(id -gn);"
  cat >"$dir/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $dir/run/nginx.pid;
error_log $dir/log/error.log notice;

events {
  worker_connections 256;
}

http {
  access_log $dir/log/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  sendfile on;

  server {
    listen 127.0.0.1:$port;
    root $dir/root;
    # No size limit: a PUT is written to client_body_temp_path, then renamed
    # into place, so a reader never sees a partial file.
    client_max_body_size 0;

    location /store/ {
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }

    location /private/ {
      if (\$http_authorization != "Bearer $HTTP_TOKEN") {
        add_header WWW-Authenticate 'Bearer realm="mreg-test"' always;
        return 401;
      }
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
EOF
}

# Starts nginx on PORT; fails when it exits or does not answer within 10 s
# (e.g. another process took the port in the meantime).
try_start() {  # DIR PORT
  local dir=$1 port=$2 pid deadline=$((SECONDS + 10))
  write_config "$dir" "$port"
  nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/log/error.log" \
    </dev/null >>"$dir/log/nginx.out" 2>&1 &
  pid=$!
  echo "$pid" >>"$dir/pids"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/store/.probe")" = 404 ]; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      stop_pids "$dir"
      : >"$dir/pids"
      return 1
    fi
    sleep 0.05
  done
}

start() {  # DIR
  local dir=$1 port attempt started=$SECONDS
  require_commands nginx curl python3
  nginx -V 2>&1 | grep -q -- --with-http_dav_module ||
    die "this nginx has no WebDAV module (--with-http_dav_module): run scripts/install-deps"
  mkdir -p "$dir/run" "$dir/log" "$dir/tmp" "$dir/root/store" "$dir/root/private"
  : >"$dir/pids"
  for attempt in 1 2 3; do
    port=$(free_ports 1)
    if try_start "$dir" "$port"; then
      cat >"$dir/env.tmp" <<EOF
export MREG_TEST_HTTP_URL='http://127.0.0.1:$port/store'
export MREG_TEST_HTTP_TOKEN_URL='http://127.0.0.1:$port/private'
export MREG_TEST_HTTP_TOKEN='$HTTP_TOKEN'
export MREG_TEST_HTTP_ROOT='$dir/root'
EOF
      mv "$dir/env.tmp" "$dir/env"
      echo "nginx-webdav: WebDAV on http://127.0.0.1:$port/store in $((SECONDS - started)) s; stop with: $0 stop $dir"
      return 0
    fi
    echo "nginx-webdav: attempt $attempt on port $port failed" >&2
  done
  local log
  for log in "$dir/log/nginx.out" "$dir/log/error.log"; do
    [ -s "$log" ] || continue
    echo "--- tail of $log" >&2
    tail -n 15 "$log" >&2
  done
  die "start failed; logs in $dir/log"
}

server_main "$@"
