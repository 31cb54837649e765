#!/usr/bin/env bash
# Download benchmark: `btstream get` against curl, wget and aria2c on one loopback nginx.
# A benchmark, not a test: prints Markdown tables and PASS/MISS per target, exits 0 unless
# something broke (a tool failed, a hash mismatched, nginx would not start).
#
# Usage: bench/download.sh [--quick] [path/to/btstream]      (see bench/README.md)
#   --quick        small sanity run, under a minute: 64 MiB + 16 MiB files, 128 MiB over
#                  http/https, 100 files per many-files set, 1 run each (same as QUICK=1)
# Env:   BTSTREAM      btstream binary (default: first argument, else ./build/app/btstream)
#        BENCH_DIR     work dir for data, nginx, certificates, downloads; kept (the data files
#                      are reused while their size matches). Default: a new mktemp -d,
#                      removed at exit (KEEP=1 keeps it)
#        QUICK=1       same as --quick
#        RUNS          runs per tool and case (default 3)
#        CASES         subset of: files throttled tls many (default: all)
#        LARGE_MIB     size of the large file in MiB (default 2048)            [files]
#        SMALL_MIB     size of the small file in MiB (default 200)         [files throttled]
#        THROTTLE      nginx limit_rate of /throttled/ per connection (default 20m)
#        THROTTLED_LARGE=1  also run the large file on /throttled/ (multi-connection tools only)
#        TLS_MIB       size of the file fetched over http and https (default 1024)      [tls]
#        MANY_SETS     many-files sets, COUNTxKIB (default "300x256 3000x16")         [many]
#        JOBS          downloads at a time in the many-files case (default 8)
#        TOOLS         subset of: btstream btstream-1 curl curl-fsync wget aria2c aria2c-x8
#                      btstream-1-sha curl-sha btstream-jN curl-Z curl-Z-fsync aria2c-jN
#                      wget-i
#                      (default: all; btstream = defaults, btstream-1 = --connections 1)
#        BTSTREAM_ARGS extra options for every btstream row (default none)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

ARGS=()
while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        --) shift; ARGS+=("$@"); break ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) ARGS+=("$1") ;;
    esac
    shift
done
((${#ARGS[@]} <= 1)) || die "at most one argument, the btstream binary (see --help)"

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
    LARGE_MIB=${LARGE_MIB:-64}
    SMALL_MIB=${SMALL_MIB:-16}
    TLS_MIB=${TLS_MIB:-128}
    MANY_SETS=${MANY_SETS:-"100x256 100x16"}
    RUNS=${RUNS:-1}
else
    LARGE_MIB=${LARGE_MIB:-2048}
    SMALL_MIB=${SMALL_MIB:-200}
    TLS_MIB=${TLS_MIB:-1024}
    MANY_SETS=${MANY_SETS:-"300x256 3000x16"}
    RUNS=${RUNS:-3}
fi
THROTTLE=${THROTTLE:-20m}
THROTTLED_LARGE=${THROTTLED_LARGE:-0}
JOBS=${JOBS:-8}
CASE_GROUPS=${CASES:-"files throttled tls many"}
TOOLS=${TOOLS:-"btstream btstream-1 curl curl-fsync wget aria2c aria2c-x8 btstream-1-sha curl-sha btstream-jN curl-Z curl-Z-fsync aria2c-jN wget-i"}
BTSTREAM_ARGS=${BTSTREAM_ARGS:-}
read -ra BT_EXTRA <<<"$BTSTREAM_ARGS"
BTSTREAM=${BTSTREAM:-${ARGS[0]:-./build/app/btstream}}
KEEP=${KEEP:-0}

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$LARGE_MIB" =~ ^[1-9][0-9]*$ ]] || die "LARGE_MIB must be a positive integer"
[[ "$SMALL_MIB" =~ ^[1-9][0-9]*$ ]] || die "SMALL_MIB must be a positive integer"
[[ "$TLS_MIB" =~ ^[1-9][0-9]*$ ]] || die "TLS_MIB must be a positive integer"
if ! [[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || ((JOBS > 64)); then die "JOBS must be 1 to 64 (btstream get -j)"; fi
for set in $MANY_SETS; do
    [[ "$set" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "MANY_SETS: '$set' is not COUNTxKIB (e.g. 300x256)"
done
for g in $CASE_GROUPS; do
    [[ " files throttled tls many " == *" $g "* ]] || die "CASES: unknown case '$g' (files throttled tls many)"
done

has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }
has_case() { [[ " $CASE_GROUPS " == *" $1 "* ]]; }
any_btstream() { [[ " $TOOLS " == *" btstream"* ]]; }

# ---- prerequisites -------------------------------------------------------------------------
need_nginx
need curl curl # also used to probe nginx
need sha256sum coreutils
need awk mawk
need split coreutils
need setsid util-linux
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found; install the Debian package 'time' (GNU time)"
if has_tool wget || has_tool wget-i; then need wget wget; fi
if has_tool aria2c || has_tool aria2c-x8 || has_tool aria2c-jN; then need aria2c aria2; fi
has_case tls && need openssl openssl
if any_btstream; then
    [[ -x "$BTSTREAM" ]] || die "btstream binary '$BTSTREAM' not found or not executable
  build it: cmake --build <build> --target btstream; pass its path as first argument or \$BTSTREAM,
  or leave it out with TOOLS=\"curl curl-fsync wget aria2c aria2c-x8 curl-sha curl-Z curl-Z-fsync aria2c-jN wget-i\""
    BTSTREAM=$(cd "$(dirname "$BTSTREAM")" && pwd)/$(basename "$BTSTREAM")
fi

if [[ -n "${BENCH_DIR:-}" ]]; then
    mkdir -p "$BENCH_DIR"
    W=$(cd "$BENCH_DIR" && pwd)
    W_TEMP=0
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/btstream-bench.XXXXXX")
    W_TEMP=1
fi
DATA=$W/data
NGX=$W/nginx
TLS=$W/tls
DL=$W/dl
LOGS=$W/logs
mkdir -p "$DATA" "$NGX"/{tmp,logs} "$LOGS"
SET_ASIDE=$W/set-aside
rm -rf "$DL" "$TLS" "$SET_ASIDE"
: >"$NGX/logs/access.log"

# the measured tool runs in its own process group (setsid), so that an interrupt or an error
# stops it and whatever it started (the sh -c rows) too, not just GNU time
TOOL_PGID=""
stop_tool() {
    [[ -n "$TOOL_PGID" ]] || return 0
    kill -TERM -- "-$TOOL_PGID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$TOOL_PGID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$TOOL_PGID" 2>/dev/null || true
    TOOL_PGID=""
}
cleanup() {
    stop_tool
    stop_pid "$NGINX_PID" QUIT
    rm -rf "$DL" "$TLS" "$SET_ASIDE"
    if [[ "$W_TEMP" == 1 ]]; then
        if [[ "$KEEP" == 1 ]]; then note "kept the work dir $W (KEEP=1)"; else rm -rf "$W"; fi
    fi
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- data files (generated once per work dir, reused when the size matches) ---------------
make_file() { # mib -> path; sha256 cached next to it
    local path=$DATA/data-${1}MiB.bin
    make_data_file "$path" $(($1 * 1024 * 1024))
    cat "$path" >/dev/null # warm the page cache: measure the network path, not the disk read
    echo "$path"
}
# make_many COUNTxKIB -> the folder DATA/many-COUNTxKIBK with COUNT files f00000.bin ... of
# KIB KiB each from /dev/urandom, and their sha256sum list in the folder's name + .sha256
make_many() {
    local set=$1 count=${1%x*} kib=${1#*x} dir
    dir=$DATA/many-${count}x${kib}K
    local have=0
    if [[ -d "$dir" && -f "$dir.sha256" ]]; then
        have=$(find "$dir" -maxdepth 1 -type f -name 'f*.bin' -size "${kib}k" | wc -l)
    fi
    if [[ "$have" -ne "$count" ]] || [[ $(wc -l <"$dir.sha256") -ne "$count" ]]; then
        note "generating $dir ($count files of $kib KiB from /dev/urandom)"
        rm -rf "$dir" "$dir.sha256"
        mkdir -p "$dir"
        head -c $((count * kib * 1024)) /dev/urandom |
            split -b "${kib}K" -d -a 5 --additional-suffix=.bin - "$dir/f"
        (cd "$dir" && find . -maxdepth 1 -name 'f*.bin' -printf '%f\n' | sort | xargs sha256sum) >"$dir.sha256.tmp"
        mv "$dir.sha256.tmp" "$dir.sha256"
    fi
    cat "$dir"/f*.bin >/dev/null # warm the page cache
    echo "$dir"
}
L=${LARGE_MIB}MiB
S=${SMALL_MIB}MiB
T=${TLS_MIB}MiB
LARGE_FILE="" SMALL_FILE="" TLS_FILE=""
has_case files && LARGE_FILE=$(make_file "$LARGE_MIB")
if has_case files || has_case throttled; then SMALL_FILE=$(make_file "$SMALL_MIB"); fi
has_case tls && TLS_FILE=$(make_file "$TLS_MIB")
declare -A MANY_DIR=()
if has_case many; then
    for set in $MANY_SETS; do MANY_DIR[$set]=$(make_many "$set"); done
fi
PROBE_FILE=$DATA/probe.txt
echo probe >"$PROBE_FILE"

# ---- TLS: a throwaway CA and server certificate, made for this run ------------------------
CA=""
if has_case tls; then
    make_tls_certs "$TLS"
    CA=$TLS/ca.pem
    note "TLS: throwaway CA $CA, server certificate for 127.0.0.1 and localhost"
fi

# ---- nginx -------------------------------------------------------------------------------
TLS_PORT=""
write_nginx_conf() { # port; picks TLS_PORT too (a new one on every attempt)
    local user_line="" tls_server=""
    [[ $(id -u) -eq 0 ]] && user_line="user root root;" # workers must read $DATA wherever it is
    if has_case tls; then
        TLS_PORT=$(free_port)
        while [[ "$TLS_PORT" == "$1" ]]; do TLS_PORT=$(free_port); done
        tls_server="
    server {
        listen 127.0.0.1:$TLS_PORT ssl http2;
        server_name localhost;
        ssl_certificate $TLS/server.pem;
        ssl_certificate_key $TLS/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location /files/ {
            alias $DATA/;
        }
    }"
    fi
    cat >"$NGX/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
master_process on;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 1024; }
http {
    log_format bench '\$server_protocol \$ssl_protocol \$ssl_cipher \$status \$body_bytes_sent "\$request"';
    access_log $NGX/logs/access.log bench;
    client_body_temp_path $NGX/tmp/client;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    types { }
    default_type application/octet-stream;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$1;
        server_name localhost;
        location /files/ {
            alias $DATA/;
            sendfile on;
            tcp_nopush on;
        }
        location /throttled/ {
            alias $DATA/;
            sendfile on;
            limit_rate $THROTTLE;
        }
    }$tls_server
}
EOF
}

start_nginx "$NGX" write_nginx_conf "/files/probe.txt" -f
PORT=$NGINX_PORT
BASE=http://127.0.0.1:$PORT
note "nginx pid $NGINX_PID on 127.0.0.1:$PORT (config $NGX/nginx.conf)"
TLS_BASE=""
if has_case tls; then
    TLS_BASE=https://127.0.0.1:$TLS_PORT
    curl -sS -f --cacert "$CA" -o /dev/null "$TLS_BASE/files/probe.txt" ||
        { cat "$NGX/logs/error.log" >&2; die "nginx does not answer https on $TLS_BASE with the throwaway CA"; }
    note "https on $TLS_BASE (http2), verified with $CA"
fi

# ---- one measured download ---------------------------------------------------------------
RAW=$W/raw.tsv # tool case run wall user sys maxrss_kib rc requests protocol
printf 'tool\tcase\trun\twall_s\tuser_s\tsys_s\tmaxrss_kib\trc\trequests\tprotocol\n' >"$RAW"
BROKEN=0
declare -A VERIFIED=()

tool_cmd() { # tool url out src -> fills CMD array
    local tool=$1 url=$2 out=$3 src=$4
    local -a bt_tls=() curl_tls=() wget_tls=() aria_tls=()
    if [[ "$url" == https://* ]]; then
        bt_tls=(--cacert "$CA")
        curl_tls=(--cacert "$CA")
        wget_tls=(--ca-certificate="$CA")
        aria_tls=(--ca-certificate="$CA")
    fi
    local dir
    dir=$(dirname "$out")
    case $tool in
        btstream) CMD=("$BTSTREAM" get "${BT_EXTRA[@]}" "${bt_tls[@]}" --data-dir "$DL/btstream-data" -d "$dir" "$url") ;;
        # the single-connection comparison with curl: one connection, like curl
        btstream-1) CMD=("$BTSTREAM" get --connections 1 "${BT_EXTRA[@]}" "${bt_tls[@]}" --data-dir "$DL/btstream-data" -d "$dir" "$url") ;;
        btstream-1-sha) CMD=("$BTSTREAM" get --connections 1 --checksum "sha256=$(cat "$src.sha256")" "${BT_EXTRA[@]}"
            "${bt_tls[@]}" --data-dir "$DL/btstream-data" -d "$dir" "$url") ;;
        curl) CMD=(curl -sS -f "${curl_tls[@]}" -o "$out" "$url") ;;
        # what a durable curl download costs: btstream fsyncs before it publishes the file
        curl-fsync) # shellcheck disable=SC2016 # $1 and $2 are for the inner sh
            CMD=(sh -c 'curl -sS -f -o "$1" "$2" && sync "$1"' sh "$out" "$url") ;;
        # curl, then the hash checked like --checksum does (sha256sum -c: the same work as
        # sha256sum FILE, plus the comparison)
        curl-sha) # shellcheck disable=SC2016 # for the inner sh
            CMD=(sh -c 'out=$1 url=$2 sum=$3; shift 3
                curl -sS -f "$@" -o "$out" "$url" && echo "$sum  $out" | sha256sum -c --quiet -' \
                sh "$out" "$url" "$(cat "$src.sha256")" "${curl_tls[@]}") ;;
        wget) CMD=(wget -q "${wget_tls[@]}" -O "$out" "$url") ;;
        aria2c) CMD=(aria2c -q "${aria_tls[@]}" -d "$dir" -o "$(basename "$out")" "$url") ;;
        aria2c-x8) CMD=(aria2c -q "${aria_tls[@]}" -x8 -s8 -k1M -d "$dir" -o "$(basename "$out")" "$url") ;;
        *) die "unknown tool '$tool'" ;;
    esac
}

# many_cmd tool dir list -> fills CMD: download every URL of the list file into dir, JOBS at a time
many_cmd() {
    local tool=$1 dir=$2 list=$3
    local -a urls
    mapfile -t urls <"$list"
    case $tool in
        btstream-jN) CMD=("$BTSTREAM" get -j "$JOBS" "${BT_EXTRA[@]}" --data-dir "$DL/btstream-data" -d "$dir" "${urls[@]}") ;;
        curl-Z) CMD=(curl -sS -f -Z --parallel-max "$JOBS" --output-dir "$dir" --remote-name-all "${urls[@]}") ;;
        # the durable peer: btstream fsyncs each file and its folder before it calls it saved
        curl-Z-fsync) # shellcheck disable=SC2016 # for the inner sh
            CMD=(sh -c 'dir=$1 jobs=$2; shift 2
                curl -sS -f -Z --parallel-max "$jobs" --output-dir "$dir" --remote-name-all "$@" &&
                    cd "$dir" && sync -- * .' sh "$dir" "$JOBS" "${urls[@]}") ;;
        aria2c-jN) CMD=(aria2c -q -j "$JOBS" -d "$dir" -i "$list") ;;
        wget-i) CMD=(wget -q -P "$dir" -i "$list") ;; # wget fetches one URL after the other
        *) die "unknown many-files tool '$tool'" ;;
    esac
}

# measure tool case run log: runs CMD under GNU time, appends a line to RAW; sets RC, WALL, CPU, RSS
measure() {
    local tool=$1 case=$2 run=$3 log=$4 tf req0 req1 proto
    sync # do not let earlier dirty pages be flushed during this run
    tf=$W/time.txt
    RC=0
    req0=$(wc -l <"$NGX/logs/access.log")
    # in the background and waited for: a trapped INT/TERM interrupts `wait` at once (a
    # foreground child would delay the trap until it exits)
    setsid -w /usr/bin/time -f '%e %U %S %M' -o "$tf" -- "${CMD[@]}" >"$log" 2>&1 </dev/null &
    TOOL_PGID=$!
    wait "$TOOL_PGID" || RC=$?
    TOOL_PGID=""
    sleep 0.1 # nginx logs a request when it is done with it, possibly after the client exited
    req1=$(wc -l <"$NGX/logs/access.log")
    proto=$(tail -n +"$((req0 + 1))" "$NGX/logs/access.log" | awk '{ p = $1; if ($2 != "-") p = p " " $2; print p }' | sort -u | paste -sd, -)
    local user sys rss
    read -r WALL user sys rss <<<"$(tail -n 1 "$tf")"
    [[ "$rss" =~ ^[0-9]+$ ]] || { WALL=0 user=0 sys=0 rss=0; [[ $RC -ne 0 ]] || RC=125; }
    CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')
    RSS=$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$case" "$run" "$WALL" "$user" "$sys" "$rss" "$RC" \
        "$((req1 - req0))" "${proto:--}" >>"$RAW"
    rm -f "$tf"
}

report_run() { # tool case run status
    printf '   %-14s %-18s run %d: wall %6.2fs  cpu %6.2fs  rss %6.1f MiB  %s\n' \
        "$1" "$2" "$3" "$WALL" "$CPU" "$RSS" "$4" >&2
}

run_one() { # tool case(file label) location src run
    local tool=$1 case=$2 loc=$3 src=$4 run=$5
    local name url out log
    name=$(basename "$src")
    case $loc in
        files | throttled) url=$BASE/$loc/$name ;;
        plain) url=$BASE/files/$name ;;
        tls) url=$TLS_BASE/files/$name ;;
        *) die "unknown location '$loc'" ;;
    esac
    rm -rf "$DL"
    mkdir -p "$DL"
    out=$DL/$name
    log=$LOGS/$tool-$case-$run.log
    tool_cmd "$tool" "$url" "$out" "$src"
    measure "$tool" "$case" "$run" "$log"
    local status="ok"
    if [[ $RC -ne 0 ]]; then
        status="FAILED rc=$RC (log $log)"
        BROKEN=1
    elif [[ ! -f "$out" ]] || [[ $(stat -c %s "$out") -ne $(stat -c %s "$src") ]]; then
        status="WRONG SIZE ($( [[ -f $out ]] && stat -c %s "$out" || echo missing) bytes, want $(stat -c %s "$src"))"
        BROKEN=1
    elif [[ -z "${VERIFIED[$tool/$case]:-}" ]]; then
        local got want
        got=$(sha256sum "$out" | awk '{print $1}')
        want=$(cat "$src.sha256")
        if [[ "$got" == "$want" ]]; then
            VERIFIED[$tool/$case]=1
            status="ok, sha256 verified"
        else
            status="SHA256 MISMATCH: got $got want $want"
            echo "!!!!!!!! $tool $case: SHA256 MISMATCH !!!!!!!!" >&2
            BROKEN=1
        fi
    fi
    report_run "$tool" "$case" "$run" "$status"
    rm -rf "$DL"
}

# A many-files run's output is set aside, not deleted, until the script ends: on ext4, creating
# thousands of files seconds after thousands were deleted makes each create scan the recently
# freed inodes, and every tool would pay for the run before it (17% of btstream's CPU in openat,
# curl -Z 1.5x slower).
set_aside_dl() {
    [[ -d "$DL" ]] || return 0
    mkdir -p "$SET_ASIDE"
    mv "$DL" "$(mktemp -d "$SET_ASIDE/run.XXXXXX")/"
}

run_many() { # tool case set-dir run
    local tool=$1 case=$2 src=$3 run=$4
    local list out=$DL/out log=$LOGS/$tool-$case-$run.log
    list=$W/lists/$(basename "$src").txt
    set_aside_dl
    mkdir -p "$out"
    many_cmd "$tool" "$out" "$list"
    measure "$tool" "$case" "$run" "$log"
    local status="ok" count want_count bytes want_bytes
    want_count=$(wc -l <"$list")
    count=$(find "$out" -type f | wc -l)
    bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    want_bytes=$(find "$src" -maxdepth 1 -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    if [[ $RC -ne 0 ]]; then
        status="FAILED rc=$RC (log $log)"
        BROKEN=1
    elif [[ "$count" -ne "$want_count" || "$bytes" -ne "$want_bytes" ]]; then
        status="WRONG OUTPUT ($count files, $bytes bytes; want $want_count files, $want_bytes bytes)"
        BROKEN=1
    elif [[ -z "${VERIFIED[$tool/$case]:-}" ]]; then
        if (cd "$out" && sha256sum -c --quiet --strict "$src.sha256" >"$log.sha256" 2>&1); then
            VERIFIED[$tool/$case]=1
            status="ok, $count files, sha256 verified"
        else
            status="SHA256 MISMATCH (see $log.sha256)"
            echo "!!!!!!!! $tool $case: SHA256 MISMATCH !!!!!!!!" >&2
            BROKEN=1
        fi
    else
        status="ok, $count files"
    fi
    report_run "$tool" "$case" "$run" "$status"
    set_aside_dl
}

# ---- the cases -----------------------------------------------------------------------------
# case label = <size>-<location>; tools run round-robin per run so drift hits all alike.
CASE_LIST=() # "label location file tools..."
add_case() { CASE_LIST+=("$*"); }
sel() { # filter a tool list by $TOOLS
    local t r=""
    for t in "$@"; do has_tool "$t" && r+="$t "; done
    echo "$r"
}
# the final summary: "case|btstream tool|curl tool|description", one row per pair
PAIRS=()
if has_case files; then
    add_case "$L-files files $LARGE_FILE $(sel btstream-1 btstream curl curl-fsync wget aria2c)"
    add_case "$S-files files $SMALL_FILE $(sel btstream-1 btstream curl curl-fsync wget aria2c)"
    PAIRS+=("$L-files|btstream-1|curl|$LARGE_MIB MiB, http, 1 connection (--connections 1)")
    PAIRS+=("$S-files|btstream-1|curl|$SMALL_MIB MiB, http, 1 connection (--connections 1)")
fi
if has_case throttled; then
    add_case "$S-throttled throttled $SMALL_FILE $(sel btstream curl wget aria2c aria2c-x8)"
    PAIRS+=("$S-throttled|btstream|curl|$SMALL_MIB MiB, http, $THROTTLE per connection (btstream defaults)")
    # single-connection tools at $THROTTLE on the large file would take minutes each: skipped
    if [[ "$THROTTLED_LARGE" == 1 ]]; then
        [[ -n "$LARGE_FILE" ]] || LARGE_FILE=$(make_file "$LARGE_MIB")
        add_case "$L-throttled throttled $LARGE_FILE $(sel btstream aria2c-x8)"
    fi
fi
if has_case tls; then
    add_case "$T-plain plain $TLS_FILE $(sel btstream-1 curl btstream-1-sha curl-sha)"
    add_case "$T-tls tls $TLS_FILE $(sel btstream-1 curl btstream-1-sha curl-sha)"
    PAIRS+=("$T-plain|btstream-1|curl|$TLS_MIB MiB, http, 1 connection")
    PAIRS+=("$T-plain|btstream-1-sha|curl-sha|$TLS_MIB MiB, http, 1 connection, --checksum sha256 vs curl && sha256sum")
    PAIRS+=("$T-tls|btstream-1|curl|$TLS_MIB MiB, https (h2), 1 connection")
    PAIRS+=("$T-tls|btstream-1-sha|curl-sha|$TLS_MIB MiB, https (h2), 1 connection, --checksum sha256 vs curl && sha256sum")
fi
if has_case many; then
    mkdir -p "$W/lists"
    for set in $MANY_SETS; do
        d=${MANY_DIR[$set]}
        find "$d" -maxdepth 1 -type f -name 'f*.bin' -printf '%f\n' | sort |
            sed "s|^|$BASE/files/$(basename "$d")/|" >"$W/lists/$(basename "$d").txt"
        add_case "${set}KiB-many many $d $(sel btstream-jN curl-Z curl-Z-fsync aria2c-jN wget-i)"
        PAIRS+=("${set}KiB-many|btstream-jN|curl-Z|${set%x*} files x ${set#*x} KiB, http, $JOBS at a time (get -j $JOBS vs curl -Z)")
        PAIRS+=("${set}KiB-many|btstream-jN|curl-Z-fsync|${set%x*} files x ${set#*x} KiB, $JOBS at a time, durable (vs curl -Z && sync FILES DIR)")
    done
fi

note "work dir $W ($([[ $W_TEMP == 1 ]] && echo "temporary, removed at exit" || echo kept)), runs $RUNS, cases: $CASE_GROUPS"
if any_btstream; then note "btstream: $BTSTREAM get $BTSTREAM_ARGS"; fi
START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMPILERS_START=$(pgrep -c 'cc1plus|cc1$' || true)
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    note "WARNING: load average $LOAD_START on $(nproc) cores: other work competes, expect noisy figures"
fi
[[ "${COMPILERS_START:-0}" -gt 0 ]] && note "WARNING: $COMPILERS_START compiler process(es) running: expect noisy figures"
MAX_COMPILERS=${COMPILERS_START:-0}
for c in "${CASE_LIST[@]}"; do
    read -r label loc file tools <<<"$c"
    [[ -n "$tools" ]] || continue
    note "case $label ($loc)"
    for run in $(seq "$RUNS"); do
        for tool in $tools; do
            if [[ "$loc" == many ]]; then
                run_many "$tool" "$label" "$file" "$run"
            else
                run_one "$tool" "$label" "$loc" "$file" "$run"
            fi
            n=$(pgrep -c 'cc1plus|cc1$' || true)
            ((${n:-0} > MAX_COMPILERS)) && MAX_COMPILERS=$n
        done
    done
done
# The disk's own floor for a durable download: writing the 1 GiB (TLS_MIB) file's size with
# dd and fdatasync. btstream syncs as it goes and before it names a file; curl leaves its file
# in the page cache, so no durable download of that size can take less than this.
FLOOR=""
if has_case files || has_case tls; then
    floors=()
    for run in $(seq "$RUNS"); do
        rm -rf "$DL" && mkdir -p "$DL" && sync
        t0=$(date +%s.%N)
        dd if=/dev/zero of="$DL/floor.bin" bs=1M count="$TLS_MIB" conv=fdatasync status=none
        floors+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')")
        rm -rf "$DL"
    done
    FLOOR=$(printf '%s\n' "${floors[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    note "disk floor: $TLS_MIB MiB with dd conv=fdatasync: ${floors[*]} s"
fi
note "measured in $(($(date +%s) - START)) s; raw figures in $RAW"

# ---- report -------------------------------------------------------------------------------
# medians per tool+case (failed runs excluded), then ratios and targets
SUMMARY=$W/summary.tsv # tool case wall cpu rss_mib runs requests protocol
awk -F'\t' '
NR == 1 || $8 != 0 { next }
{
    k = $1 "\t" $2; n[k]++
    wall[k, n[k]] = $4; cpu[k, n[k]] = $5 + $6; rss[k, n[k]] = $7; req[k, n[k]] = $9; proto[k] = $10
    if (!(k in seen)) { seen[k] = 1; order[++no] = k }
}
function median(arr, k, cnt,   i, j, t, a) {
    for (i = 1; i <= cnt; i++) a[i] = arr[k, i]
    for (i = 2; i <= cnt; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
function maxof(arr, k, cnt,   i, m) { m = 0; for (i = 1; i <= cnt; i++) if (arr[k, i] > m) m = arr[k, i]; return m }
END {
    for (i = 1; i <= no; i++) {
        k = order[i]
        printf "%s\t%.3f\t%.3f\t%.1f\t%d\t%d\t%s\n", k, median(wall, k, n[k]), median(cpu, k, n[k]), maxof(rss, k, n[k]) / 1024, n[k],
            median(req, k, n[k]), proto[k]
    }
}' "$RAW" >"$SUMMARY"

TABLE=$W/results.md
awk -F'\t' -v runs="$RUNS" -v throttle="$THROTTLE" -v jobs="$JOBS" '
function label(t) {
    if (t == "btstream") return "btstream get"
    if (t == "btstream-1") return "btstream get --connections 1"
    if (t == "btstream-1-sha") return "btstream get --connections 1 --checksum sha256=…"
    if (t == "curl") return "curl -s -o"
    if (t == "curl-fsync") return "curl -s -o && sync FILE"
    if (t == "curl-sha") return "curl -s -o && sha256sum -c"
    if (t == "wget") return "wget -q -O"
    if (t == "aria2c") return "aria2c (-x1)"
    if (t == "aria2c-x8") return "aria2c -x8 -s8 -k1M"
    if (t == "btstream-jN") return "btstream get -j " jobs " URL…"
    if (t == "curl-Z") return "curl -Z --parallel-max " jobs " --output-dir D --remote-name-all URL…"
    if (t == "curl-Z-fsync") return "curl -Z … && sync FILES DIR"
    if (t == "aria2c-jN") return "aria2c -j" jobs " -i LIST"
    if (t == "wget-i") return "wget -i LIST (one at a time)"
    return t
}
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "–" }
# SUBSEP spelled out: mawk (the default awk on Debian) cannot parse "(a, b) in arr" inside printf arguments
function has(t, k) { return ((t SUBSEP k) in w) }
function vs(t, m, k, arr) { return has(m, k) ? ratio(arr[t SUBSEP k], arr[m SUBSEP k]) : "–" }
# the curl row doing the same job: && sha256sum for the --checksum row, curl -Z for many files
function mate(t, k) {
    if (t ~ /-sha$/ && has("curl-sha", k)) return "curl-sha"
    if (has("curl-Z", k)) return "curl-Z"
    return "curl"
}
function location(l) {
    if (l == "throttled") return "/throttled/ (" throttle "/conn)"
    if (l == "many") return "/files/many-…/"
    return "/files/"
}
{ tool[NR] = $1; cs[NR] = $2; w[$1, $2] = $3; c[$1, $2] = $4; r[$1, $2] = $5; q[$1, $2] = $7; pr[$1, $2] = $8; n = NR }
END {
    print "| Tool | File | Location | Protocol | Wall median (s) | CPU median (s) | Peak RSS (MiB) | Requests | Wall vs curl¹ | CPU vs curl¹ | Wall vs curl+sync | Wall vs aria2c -x1 | Wall vs aria2c -x8 |"
    print "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) {
        t = tool[i]; k = cs[i]; split(k, p, "-"); m = mate(t, k)
        printf "| %s | %s | %s | %s | %.2f | %.2f | %.1f | %d | %s | %s | %s | %s | %s |\n", label(t), p[1], location(p[2]), pr[t, k],
            w[t, k], c[t, k], r[t, k], q[t, k],
            vs(t, m, k, w), vs(t, m, k, c),
            (has("curl-fsync", k) ? vs(t, "curl-fsync", k, w) : vs(t, "curl-Z-fsync", k, w)),
            vs(t, "aria2c", k, w), vs(t, "aria2c-x8", k, w)
    }
    printf "\nMedians of %d run(s); CPU = user + sys (children included); peak RSS = maximum resident set size\n", runs
    printf "(max over runs); requests = HTTP requests nginx logged for one run (median); protocol as nginx\n"
    printf "logged it. ¹ against the curl row doing the same job: `curl && sha256sum -c` for the --checksum\n"
    printf "row, `curl -Z` for many files, plain `curl -o` otherwise.\n"
}' "$SUMMARY" >"$TABLE"

get() { # tool case column(3 wall, 4 cpu, 5 rss)
    awk -F'\t' -v t="$1" -v k="$2" -v col="$3" '$1 == t && $2 == k { print $col; f = 1 } END { if (!f) print "" }' "$SUMMARY"
}
ratio_of() { # tool case col vs_tool
    local a b
    a=$(get "$1" "$2" "$3")
    b=$(get "$4" "$2" "$3")
    if [[ -n "$a" && -n "$b" ]]; then awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; fi
}
fmt() { [[ -n "$1" ]] && printf '%.2f' "$1" || printf '–'; }

SUMMARY_MD=$W/summary.md
{
    echo "| Case | btstream wall (s) | curl wall (s) | Wall ratio | btstream CPU (s) | curl CPU (s) | CPU ratio | btstream peak RSS (MiB) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for p in "${PAIRS[@]}"; do
        IFS='|' read -r k bt cu desc <<<"$p"
        [[ -n "$(get "$bt" "$k" 3)$(get "$cu" "$k" 3)" ]] || continue
        rss=$(get "$bt" "$k" 5)
        wr=$(ratio_of "$bt" "$k" 3 "$cu")
        cr=$(ratio_of "$bt" "$k" 4 "$cu")
        echo "| $desc | $(fmt "$(get "$bt" "$k" 3)") | $(fmt "$(get "$cu" "$k" 3)") | ${wr:-–}x | $(fmt "$(get "$bt" "$k" 4)") | $(fmt "$(get "$cu" "$k" 4)") | ${cr:-–}x | ${rss:-–} |"
    done
    echo
    echo "Ratios are btstream / curl (lower is better for btstream); medians of $RUNS run(s)."
} >"$SUMMARY_MD"

TARGETS=$W/targets.md
{
    echo
    echo "| Target | Measured | Result |"
    echo "|---|---|---|"
    target() { # description value suffix limit
        local desc=$1 val=$2 suf=$3 lim=$4
        if [[ -z "$val" ]]; then
            echo "| $desc | not measured | n/a |"
        elif awk -v v="$val" -v l="$lim" 'BEGIN { exit !(v + 0 <= l + 0) }'; then
            echo "| $desc | $val$suf | PASS |"
        else
            echo "| $desc | $val$suf | MISS |"
        fi
    }
    if has_case files; then
        for k in "$L-files" "$S-files"; do # btstream --connections 1 against curl (one connection)
            target "single connection $k: wall <= 0.8x curl" "$(ratio_of btstream-1 "$k" 3 curl)" x 0.8
            target "single connection $k: CPU <= 0.8x curl" "$(ratio_of btstream-1 "$k" 4 curl)" x 0.8
        done
    fi
    if has_case throttled; then
        target "throttled $S (defaults): wall <= 1.0x aria2c -x8" "$(ratio_of btstream "$S-throttled" 3 aria2c-x8)" x 1.0
        if [[ "$THROTTLED_LARGE" == 1 ]]; then
            target "throttled $L (defaults): wall <= 1.0x aria2c -x8" "$(ratio_of btstream "$L-throttled" 3 aria2c-x8)" x 1.0
        fi
    fi
    if any_btstream; then # every case: the largest peak RSS of any btstream row
        for c in "${CASE_LIST[@]}"; do
            read -r k _ <<<"$c"
            rss=$(awk -F'\t' -v k="$k" '$1 ~ /^btstream/ && $2 == k { if ($5 > m) m = $5; f = 1 } END { if (f) print m }' "$SUMMARY")
            target "peak RSS $k (btstream) <= 32 MiB" "$rss" " MiB" 32
        done
    fi
} >"$TARGETS"

echo
echo "### Download benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||') on 127.0.0.1)"
echo
echo "Load average at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
if [[ -n "$FLOOR" ]]; then
    echo "Disk floor: writing $TLS_MIB MiB with \`dd bs=1M conv=fdatasync\` takes $FLOOR s (median of $RUNS); a download that"
    echo "is on disk before it is named cannot take less (curl's plain row leaves its file in the page cache)."
fi
if ((MAX_COMPILERS > 0)); then
    echo "Measured while the machine was also compiling (up to $MAX_COMPILERS compiler process(es) seen between runs)."
fi
echo
cat "$TABLE" "$TARGETS"
echo
echo "#### Summary: btstream vs curl"
echo
cat "$SUMMARY_MD"
echo
if [[ "$W_TEMP" == 1 && "$KEEP" != 1 ]]; then
    echo "Raw figures (the work dir is removed at exit; BENCH_DIR=DIR or KEEP=1 keeps it):"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
else
    echo "Raw figures: $RAW"
fi
if [[ "$BROKEN" -ne 0 ]]; then
    echo "SOMETHING BROKE: a download failed, had the wrong size or a wrong sha256 (see above and $LOGS/)" >&2
    [[ "$W_TEMP" == 1 && "$KEEP" != 1 ]] && echo "(the logs go with the work dir: rerun with KEEP=1 to keep them)" >&2
    exit 1
fi
