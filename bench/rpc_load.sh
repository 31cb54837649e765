#!/usr/bin/env bash
# The daemon under RPC load: CLIENTS concurrent clients poll aria2.tellActive over HTTP
# (keep-alive, as AriaNg does) while TRANSFERS downloads run from a loopback nginx, each held to
# THROTTLE by nginx. Prints the latency of the calls (p50, p90, p99, max), the calls per second,
# and the download rate the daemon reports during the load next to the rate before it.
# A benchmark, not a test (bench/README.md).
#   bench/rpc_load.sh [path/to/btstream]
# Variables: CLIENTS (100), TRANSFERS (10), DURATION seconds of load (10), THROTTLE nginx
# limit_rate per connection (4m), FILE_MIB (128), KEEP=1 keeps the work dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

BTSTREAM=${BTSTREAM:-${1:-./build/app/btstream}}
CLIENTS=${CLIENTS:-100}
TRANSFERS=${TRANSFERS:-10}
DURATION=${DURATION:-10}
THROTTLE=${THROTTLE:-4m}
FILE_MIB=${FILE_MIB:-128}
[[ -x "$BTSTREAM" ]] || die "no btstream at '$BTSTREAM' (give its path)"
need node nodejs
need curl curl
need_nginx

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rpc-load.XXXXXX")
DAEMON_PID=""
cleanup() {
    stop_pid "$DAEMON_PID"
    stop_pid "$NGINX_PID"
    if [[ "${KEEP:-0}" == 1 ]]; then note "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
DATA=$WORK/data NGX=$WORK/nginx
mkdir -p "$DATA" "$NGX/tmp" "$WORK/dl" "$WORK/store" "$WORK/config"
make_data_file "$DATA/file.bin" $((FILE_MIB * 1024 * 1024))
echo ok >"$DATA/probe.txt"

write_conf() {
    local user_line=""
    [[ $(id -u) -eq 0 ]] && user_line="user root root;"
    cat >"$NGX/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NGX/tmp/client;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$1;
        location /files/ { alias $DATA/; limit_rate $THROTTLE; }
    }
}
CONF
}
start_nginx "$NGX" write_conf "/files/probe.txt" -f
note "nginx on 127.0.0.1:$NGINX_PORT, $THROTTLE per connection"

SECRET=bench-$RANDOM$RANDOM
XDG_CONFIG_HOME=$WORK/config "$BTSTREAM" daemon --data-dir "$WORK/store" -d "$WORK/dl" \
    -j "$TRANSFERS" --rpc-listen-port 0 --rpc-secret "$SECRET" 2>"$WORK/daemon.log" &
DAEMON_PID=$!
port=""
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\)\/jsonrpc.*/\1/p' "$WORK/daemon.log")
    [[ -n "$port" ]] && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log" >&2; die "the daemon did not start"; }
    sleep 0.1
done
[[ -n "$port" ]] || die "the daemon did not say its port"
note "daemon pid $DAEMON_PID on 127.0.0.1:$port"

node "$here/rpc_load.js" "$port" "$SECRET" "http://127.0.0.1:$NGINX_PORT/files/file.bin" \
    "$TRANSFERS" "$CLIENTS" "$DURATION"
