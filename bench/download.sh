#!/usr/bin/env bash
# Download benchmark: `btstream get` against curl, wget and aria2c on one loopback nginx.
# A benchmark, not a test: prints a Markdown table and PASS/MISS per target, exits 0 unless
# something broke (a tool failed, a hash mismatched, nginx would not start).
#
# Usage: bench/download.sh [path/to/btstream]      (see bench/README.md)
# Env:   BTSTREAM      btstream binary (default: first argument, else ./build/app/btstream)
#        BENCH_DIR     work dir for data, nginx, downloads (default: bench/out next to this script)
#        QUICK=1       small sanity run (64 MiB + 16 MiB files, 1 run each)
#        RUNS          runs per tool and case (default 3)
#        LARGE_MIB     size of the large file in MiB (default 2048)
#        SMALL_MIB     size of the small file in MiB (default 200)
#        THROTTLE      nginx limit_rate of /throttled/ per connection (default 20m)
#        THROTTLED_LARGE=1  also run the large file on /throttled/ (multi-connection tools only)
#        TOOLS         subset of: btstream btstream-1 curl curl-fsync wget aria2c aria2c-x8
#                      (default: all; btstream = defaults, btstream-1 = --connections 1)
#        BTSTREAM_ARGS extra options for both btstream rows (default none)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
    LARGE_MIB=${LARGE_MIB:-64}
    SMALL_MIB=${SMALL_MIB:-16}
    RUNS=${RUNS:-1}
else
    LARGE_MIB=${LARGE_MIB:-2048}
    SMALL_MIB=${SMALL_MIB:-200}
    RUNS=${RUNS:-3}
fi
THROTTLE=${THROTTLE:-20m}
THROTTLED_LARGE=${THROTTLED_LARGE:-0}
TOOLS=${TOOLS:-"btstream btstream-1 curl curl-fsync wget aria2c aria2c-x8"}
BTSTREAM_ARGS=${BTSTREAM_ARGS:-}
read -ra BT_EXTRA <<<"$BTSTREAM_ARGS"
BTSTREAM=${BTSTREAM:-${1:-./build/app/btstream}}
BENCH_DIR=${BENCH_DIR:-$SCRIPT_DIR/out}

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$LARGE_MIB" =~ ^[1-9][0-9]*$ ]] || die "LARGE_MIB must be a positive integer"
[[ "$SMALL_MIB" =~ ^[1-9][0-9]*$ ]] || die "SMALL_MIB must be a positive integer"

has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

# ---- prerequisites -------------------------------------------------------------------------
need_nginx
need curl curl # also used to probe nginx
need sha256sum coreutils
need awk gawk
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found; install the Debian package 'time' (GNU time)"
has_tool wget && need wget wget
if has_tool aria2c || has_tool aria2c-x8; then need aria2c aria2; fi
if has_tool btstream || has_tool btstream-1; then
    [[ -x "$BTSTREAM" ]] || die "btstream binary '$BTSTREAM' not found or not executable
  build it: cmake --build <build> --target btstream; pass its path as first argument or \$BTSTREAM,
  or leave it out with TOOLS=\"curl curl-fsync wget aria2c aria2c-x8\""
    BTSTREAM=$(cd "$(dirname "$BTSTREAM")" && pwd)/$(basename "$BTSTREAM")
fi

mkdir -p "$BENCH_DIR"
W=$(cd "$BENCH_DIR" && pwd)
DATA=$W/data
NGX=$W/nginx
DL=$W/dl
LOGS=$W/logs
mkdir -p "$DATA" "$NGX"/{tmp,logs} "$LOGS"
rm -rf "$DL"

cleanup() {
    stop_pid "$NGINX_PID" QUIT
    rm -rf "$DL"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- data files (generated once, reused when the size matches) -----------------------------
make_file() { # mib -> path; sha256 cached next to it
    local path=$DATA/data-${1}MiB.bin
    make_data_file "$path" $(($1 * 1024 * 1024))
    cat "$path" >/dev/null # warm the page cache: measure the network path, not the disk read
    echo "$path"
}
LARGE_FILE=$(make_file "$LARGE_MIB")
SMALL_FILE=$(make_file "$SMALL_MIB")

# ---- nginx -------------------------------------------------------------------------------
write_nginx_conf() { # port
    local user_line=""
    [[ $(id -u) -eq 0 ]] && user_line="user root root;" # workers must read $DATA wherever it is
    cat >"$NGX/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
master_process on;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 512; }
http {
    access_log $NGX/logs/access.log;
    client_body_temp_path $NGX/tmp/client;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    types { }
    default_type application/octet-stream;
    keepalive_timeout 30s;
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
    }
}
EOF
}

start_nginx "$NGX" write_nginx_conf "/files/$(basename "$SMALL_FILE")" -f -r 0-0
PORT=$NGINX_PORT
note "nginx pid $NGINX_PID on 127.0.0.1:$PORT (config $NGX/nginx.conf)"
BASE=http://127.0.0.1:$PORT

# ---- one measured download ---------------------------------------------------------------
RAW=$W/raw.tsv # tool case run wall user sys maxrss_kib rc requests
printf 'tool\tcase\trun\twall_s\tuser_s\tsys_s\tmaxrss_kib\trc\trequests\n' >"$RAW"
BROKEN=0
declare -A VERIFIED=()

tool_cmd() { # tool url out -> fills CMD array
    local tool=$1 url=$2 out=$3
    case $tool in
        btstream) CMD=("$BTSTREAM" get "${BT_EXTRA[@]}" -o "$out" --data-dir "$DL/btstream-data" "$url") ;;
        # the single-connection comparison with curl: one connection, like curl
        btstream-1) CMD=("$BTSTREAM" get --connections 1 "${BT_EXTRA[@]}" -o "$out" --data-dir "$DL/btstream-data" "$url") ;;
        curl) CMD=(curl -sS -f -o "$out" "$url") ;;
        # what a durable curl download costs: btstream fsyncs before it publishes the file
        curl-fsync) # shellcheck disable=SC2016 # $1 and $2 are for the inner sh
            CMD=(sh -c 'curl -sS -f -o "$1" "$2" && sync "$1"' sh "$out" "$url") ;;
        wget) CMD=(wget -q -O "$out" "$url") ;;
        aria2c) CMD=(aria2c -q -d "$(dirname "$out")" -o "$(basename "$out")" "$url") ;;
        aria2c-x8) CMD=(aria2c -q -x8 -s8 -k1M -d "$(dirname "$out")" -o "$(basename "$out")" "$url") ;;
        *) die "unknown tool '$tool'" ;;
    esac
}

run_one() { # tool case(file label) location src run
    local tool=$1 case=$2 loc=$3 src=$4 run=$5
    local name url out log tf rc
    name=$(basename "$src")
    url=$BASE/$loc/$name
    rm -rf "$DL"
    mkdir -p "$DL"
    out=$DL/$name
    log=$LOGS/$tool-$case-$run.log
    tool_cmd "$tool" "$url" "$out"
    sync # do not let earlier dirty pages be flushed during this run
    tf=$DL/time.txt
    rc=0
    local req0 req1
    req0=$(wc -l <"$NGX/logs/access.log")
    /usr/bin/time -f '%e %U %S %M' -o "$tf" -- "${CMD[@]}" >"$log" 2>&1 || rc=$?
    sleep 0.05 # nginx logs a request when it has seen the client close
    req1=$(wc -l <"$NGX/logs/access.log")
    local t
    t=$(tail -n 1 "$tf")
    read -r wall user sys rss <<<"$t"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$case" "$run" "$wall" "$user" "$sys" "$rss" "$rc" \
        "$((req1 - req0))" >>"$RAW"
    local status="ok"
    if [[ $rc -ne 0 ]]; then
        status="FAILED rc=$rc (log $log)"
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
    printf '   %-10s %-16s run %d: wall %6.2fs  cpu %6.2fs  rss %7.1f MiB  %s\n' \
        "$tool" "$case" "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" \
        "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$status" >&2
    rm -rf "$DL"
}

# ---- the cases -----------------------------------------------------------------------------
# case label = <size>-<location>; tools run round-robin per run so drift hits all alike.
CASES=() # "label location file tools..."
add_case() { CASES+=("$*"); }
sel() { # filter a tool list by $TOOLS
    local t r=""
    for t in "$@"; do has_tool "$t" && r+="$t "; done
    echo "$r"
}
L=${LARGE_MIB}MiB
S=${SMALL_MIB}MiB
add_case "$L-files files $LARGE_FILE $(sel btstream-1 btstream curl curl-fsync wget aria2c)"
add_case "$S-files files $SMALL_FILE $(sel btstream-1 btstream curl curl-fsync wget aria2c)"
add_case "$S-throttled throttled $SMALL_FILE $(sel btstream curl wget aria2c aria2c-x8)"
# single-connection tools at $THROTTLE on the large file would take minutes each: skipped
[[ "$THROTTLED_LARGE" == 1 ]] && add_case "$L-throttled throttled $LARGE_FILE $(sel btstream aria2c-x8)"

note "work dir $W, runs $RUNS, files $L and $S, throttle $THROTTLE per connection"
if has_tool btstream || has_tool btstream-1; then note "btstream: $BTSTREAM get $BTSTREAM_ARGS"; fi
START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    note "WARNING: load average $LOAD_START on $(nproc) cores: other work competes, expect noisy figures"
fi
for c in "${CASES[@]}"; do
    read -r label loc file tools <<<"$c"
    [[ -n "$tools" ]] || continue
    note "case $label ($loc)"
    for run in $(seq "$RUNS"); do
        for tool in $tools; do
            run_one "$tool" "$label" "$loc" "$file" "$run"
        done
    done
done
note "measured in $(($(date +%s) - START)) s; raw figures in $RAW"

# ---- report -------------------------------------------------------------------------------
# medians per tool+case (failed runs excluded), then ratios and targets
SUMMARY=$W/summary.tsv
awk -F'\t' '
NR == 1 || $8 != 0 { next }
{
    k = $1 "\t" $2; n[k]++
    wall[k, n[k]] = $4; cpu[k, n[k]] = $5 + $6; rss[k, n[k]] = $7; req[k, n[k]] = $9
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
        printf "%s\t%.3f\t%.3f\t%.1f\t%d\t%d\n", k, median(wall, k, n[k]), median(cpu, k, n[k]), maxof(rss, k, n[k]) / 1024, n[k],
            median(req, k, n[k])
    }
}' "$RAW" >"$SUMMARY"

TABLE=$W/results.md
awk -F'\t' -v runs="$RUNS" -v throttle="$THROTTLE" '
function label(t) {
    if (t == "btstream") return "btstream get"
    if (t == "btstream-1") return "btstream get --connections 1"
    if (t == "curl") return "curl -s -o"
    if (t == "curl-fsync") return "curl -s -o && sync FILE"
    if (t == "wget") return "wget -q -O"
    if (t == "aria2c") return "aria2c (-x1)"
    if (t == "aria2c-x8") return "aria2c -x8 -s8 -k1M"
    return t
}
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "–" }
{ tool[NR] = $1; cs[NR] = $2; w[$1, $2] = $3; c[$1, $2] = $4; r[$1, $2] = $5; q[$1, $2] = $7; n = NR }
END {
    print "| Tool | File | Location | Wall median (s) | CPU median (s) | Peak RSS (MiB) | Requests | Wall vs curl | CPU vs curl | Wall vs curl+sync | Wall vs aria2c -x1 | Wall vs aria2c -x8 |"
    print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) {
        t = tool[i]; k = cs[i]; split(k, p, "-")
        loc = p[2] == "throttled" ? "/throttled/ (" throttle "/conn)" : "/files/"
        printf "| %s | %s | %s | %.2f | %.2f | %.1f | %d | %s | %s | %s | %s | %s |\n", label(t), p[1], loc, w[t, k], c[t, k], r[t, k], q[t, k],
            ((("curl", k) in w) ? ratio(w[t, k], w["curl", k]) : "–"),
            ((("curl", k) in w) ? ratio(c[t, k], c["curl", k]) : "–"),
            ((("curl-fsync", k) in w) ? ratio(w[t, k], w["curl-fsync", k]) : "–"),
            ((("aria2c", k) in w) ? ratio(w[t, k], w["aria2c", k]) : "–"),
            ((("aria2c-x8", k) in w) ? ratio(w[t, k], w["aria2c-x8", k]) : "–")
    }
    printf "\nMedians of %d run(s); CPU = user + sys; peak RSS = maximum resident set size (max over runs);\n", runs
    printf "requests = HTTP requests nginx logged for one run (median).\n"
}' "$SUMMARY" >"$TABLE"

get() { # tool case column(3 wall, 4 cpu, 5 rss)
    awk -F'\t' -v t="$1" -v k="$2" -v col="$3" '$1 == t && $2 == k { print $col; f = 1 } END { if (!f) print "" }' "$SUMMARY"
}
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
    ratio_of() { # tool case col vs_tool
        local a b
        a=$(get "$1" "$2" "$3")
        b=$(get "$4" "$2" "$3")
        if [[ -n "$a" && -n "$b" ]]; then awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; fi
    }
    for k in "$L-files" "$S-files"; do # btstream --connections 1 against curl (one connection)
        target "single connection $k: wall <= 0.8x curl" "$(ratio_of btstream-1 "$k" 3 curl)" x 0.8
        target "single connection $k: CPU <= 0.8x curl" "$(ratio_of btstream-1 "$k" 4 curl)" x 0.8
    done
    target "throttled $S (defaults): wall <= 1.0x aria2c -x8" "$(ratio_of btstream "$S-throttled" 3 aria2c-x8)" x 1.0
    if [[ "$THROTTLED_LARGE" == 1 ]]; then
        target "throttled $L (defaults): wall <= 1.0x aria2c -x8" "$(ratio_of btstream "$L-throttled" 3 aria2c-x8)" x 1.0
    fi
    for size in "$L" "$S"; do
        rss=$(awk -F'\t' -v s="$size" '$1 ~ /^btstream/ && index($2, s "-") == 1 { if ($5 > m) m = $5; f = 1 } END { if (f) print m }' "$SUMMARY")
        target "peak RSS $size (btstream, all locations) <= 32 MiB" "$rss" " MiB" 32
    done
} >"$TARGETS"

echo
echo "### Download benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, nginx $(nginx -v 2>&1 | sed 's|.*/||') on 127.0.0.1)"
echo
echo "Load average at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
cat "$TABLE" "$TARGETS"
echo
echo "Raw figures: $RAW"
if [[ "$BROKEN" -ne 0 ]]; then
    echo "SOMETHING BROKE: a download failed, had the wrong size or a wrong sha256 (see above and $LOGS/)" >&2
    exit 1
fi
