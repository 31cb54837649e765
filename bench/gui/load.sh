#!/usr/bin/env bash
# bench/gui (a benchmark, not a test): threads, peak RSS and sockets of the desktop program's
# engine with COUNT downloads running at once, CONNECTIONS each, and of `btstream get -j COUNT`
# on the same loopback nginx (limit_rate per connection, so that all of them run together).
#   bench/gui/load.sh [BUILD_DIR]          (default build; needs tests/ui/gui_load, app/btstream)
# Environment: COUNT (20), CONNECTIONS (16; 0 = adaptive), MIB (32, size of each file),
#   RATE (nginx limit_rate per connection, 128k), INTERVAL (sampling, ms, 20), KEEP=1 keeps
#   the work dir. Every file is checked against the source's SHA-256.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
source "$here/../lib.sh"

BUILD=$(cd "${1:-build}" && pwd)
COUNT=${COUNT:-20}
CONNECTIONS=${CONNECTIONS:-16}
MIB=${MIB:-32}
RATE=${RATE:-128k}
INTERVAL=${INTERVAL:-20}
GUI_LOAD=${GUI_LOAD:-$BUILD/tests/ui/gui_load}
BTSTREAM=${BTSTREAM:-$BUILD/app/btstream}
[[ -x "$GUI_LOAD" ]] || die "$GUI_LOAD not found: cmake --build $BUILD --target gui_load"
[[ -x "$BTSTREAM" ]] || die "$BTSTREAM not found: cmake --build $BUILD --target btstream"
need python3 python3
need curl curl
need sha256sum coreutils
need_nginx

W=$(mktemp -d "${TMPDIR:-/tmp}/bt-gui-load.XXXXXX")
cleanup() {
    stop_pid "$NGINX_PID" QUIT
    if [[ "${KEEP:-0}" == 1 ]]; then note "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One source file, hard-linked under COUNT names (the page cache holds it once).
mkdir -p "$W/data"
make_data_file "$W/data/source.bin" $((MIB * 1024 * 1024))
for i in $(seq -w 1 "$COUNT"); do ln "$W/data/source.bin" "$W/data/f$i.bin"; done
echo probe >"$W/data/probe.txt"
SUM=$(cat "$W/data/source.bin.sha256")

write_conf() { # port
    local user_line=""
    [[ $(id -u) -eq 0 ]] && user_line="user root root;" # workers must read $W wherever it is
    cat >"$W/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log warn;
events { worker_connections 2048; }
http {
    access_log off;
    client_body_temp_path $W/nginx/tmp;
    types { }
    default_type application/octet-stream;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$1 backlog=1024;
        location /throttled/ {
            alias $W/data/;
            sendfile on;
            limit_rate $RATE;
        }
    }
}
EOF
}
start_nginx "$W/nginx" write_conf /throttled/probe.txt -f
URLS=()
for i in $(seq -w 1 "$COUNT"); do URLS+=("http://127.0.0.1:$NGINX_PORT/throttled/f$i.bin"); done
note "nginx pid $NGINX_PID on 127.0.0.1:$NGINX_PORT, $COUNT files of $MIB MiB, $RATE/s a connection"

ROWS=()
# run NAME OUT_DIR COMMAND...: the command under proc_peaks.py, then every file's hash.
run() {
    local name=$1 out=$2 line bad=0 f
    shift 2
    mkdir -p "$out"
    note "$name: $*"
    "$here/proc_peaks.py" --interval "$INTERVAL" --output "$W/peaks" -- "$@" || die "$name failed"
    line=$(cat "$W/peaks")
    for i in $(seq -w 1 "$COUNT"); do
        f=$out/f$i.bin
        [[ -f "$f" && $(sha256sum "$f" | cut -d' ' -f1) == "$SUM" ]] || { echo "wrong: $f" >&2; bad=1; }
    done
    [[ $bad == 0 ]] || die "$name: files differ from the source"
    ROWS+=("$name|$line")
}

LOAD_BEFORE=$(uptime)
QT_QPA_PLATFORM=offscreen run "btfilestream engine + window (gui_load)" "$W/out-gui" \
    "$GUI_LOAD" "$W/out-gui" "$CONNECTIONS" "${URLS[@]}"
BTSTREAM_DATA_DIR=$W/cli-data run "btstream get -j $COUNT" "$W/out-cli" \
    "$BTSTREAM" get -q -j "$COUNT" --connections "$CONNECTIONS" -d "$W/out-cli" "${URLS[@]}"
LOAD_AFTER=$(uptime)

echo
echo "$COUNT downloads x $MIB MiB at once, --connections $CONNECTIONS, $RATE/s a connection"
echo "load before: ${LOAD_BEFORE##*load average: }, after: ${LOAD_AFTER##*load average: }"
printf '| %s | %s | %s | %s | %s | %s |\n' program threads "peak RSS MiB" sockets "wall s" "CPU s"
printf '| --- | ---: | ---: | ---: | ---: | ---: |\n'
for row in "${ROWS[@]}"; do
    name=${row%%|*}
    read -r -a f <<<"${row#*|}"
    # peaks: threads T sockets S vmhwm_kib K wall_s W cpu_s C samples N rc R names ...
    printf '| %s | %s | %.1f | %s | %s | %s |\n' "$name" "${f[2]}" "$(awk "BEGIN { print ${f[6]} / 1024 }")" \
        "${f[4]}" "${f[8]}" "${f[10]}"
done
echo
for row in "${ROWS[@]}"; do echo "threads at the peak, ${row%%|*}: ${row##* names }"; done
