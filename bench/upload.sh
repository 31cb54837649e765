#!/usr/bin/env bash
# Upload benchmark: `btstream put` against curl on loopback servers, in one run:
#   tus  - the tus test server (@tus/server + @tus/file-store on Node.js, tests/servers/tus):
#          `btstream put --tus` vs curl doing the same (POST to create with Upload-Length,
#          then one streamed PATCH of the whole file);
#   put  - nginx dav: `btstream put --put` vs `curl -T`;
#   s3   - s3rver (tests/servers/s3, signatures checked by the AWS SDK's signer):
#          `btstream put FILE s3://...` with its defaults (8 MiB parts, 4 at once) vs the AWS
#          SDK's @aws-sdk/lib-storage Upload (bench/s3, same part size, 4 at once), and
#          btstream with --parallel 1 (what parallel parts give).
# A benchmark, not a test: prints a Markdown table and PASS/MISS per target, exits 0 unless
# something broke (an upload failed, the server's copy has the wrong SHA-256, a server would
# not start).
#
# Usage: bench/upload.sh [path/to/btstream]      (see bench/README.md)
# Env:   BTSTREAM   btstream binary (default: first argument, else ./build/app/btstream)
#        BENCH_DIR  work dir (default: bench/out/upload next to this script)
#        QUICK=1    small sanity run (64 MiB, 1 run)
#        RUNS       runs per tool and case (default 3)
#        SIZE_MIB   file size in MiB (default 1024)
#        CASES      subset of: tus put s3 (default all)
#        SERVER_DIR where the servers store what they receive (default: a fresh folder in
#                   /dev/shm when it has room for two copies, else inside BENCH_DIR); on tmpfs
#                   the server never waits for the disk, so the run measures the clients, not
#                   the writeback of the previous run's gigabyte
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
    SIZE_MIB=${SIZE_MIB:-64}
    RUNS=${RUNS:-1}
else
    SIZE_MIB=${SIZE_MIB:-1024}
    RUNS=${RUNS:-3}
fi
CASES=${CASES:-"tus put s3"}
BTSTREAM=${BTSTREAM:-${1:-./build/app/btstream}}
BENCH_DIR=${BENCH_DIR:-$SCRIPT_DIR/out/upload}
RSS_TARGET_MIB=32
SPEED_TARGET=0.9
# s3: against the AWS SDK's uploader, and the issue's memory bound for 4 parts in flight.
S3_RSS_TARGET_MIB=48
S3_SPEED_TARGET=1.0
S3_PART=$((8 * 1024 * 1024))

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$SIZE_MIB" =~ ^[1-9][0-9]*$ ]] || die "SIZE_MIB must be a positive integer"
has_case() { [[ " $CASES " == *" $1 "* ]]; }

need curl curl
need sha256sum coreutils
need awk gawk
has_case tus && need node nodejs
has_case s3 && need node nodejs
has_case put && need_nginx
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found; install the Debian package 'time' (GNU time)"
[[ -x "$BTSTREAM" ]] || die "btstream binary '$BTSTREAM' not found; build it with
  cmake --build <build> --target btstream, and pass its path as first argument or \$BTSTREAM"
BTSTREAM=$(cd "$(dirname "$BTSTREAM")" && pwd)/$(basename "$BTSTREAM")

mkdir -p "$BENCH_DIR"
W=$(cd "$BENCH_DIR" && pwd)
DATA=$W/data
NGX=$W/nginx
LOGS=$W/logs
if [[ -z "${SERVER_DIR:-}" ]]; then
    SERVER_DIR=$W/server
    shm_free=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
    if [[ -w /dev/shm && -n "$shm_free" ]] && ((shm_free > 2 * SIZE_MIB * 1024 + 65536)); then
        SERVER_DIR=$(mktemp -d /dev/shm/btfs-upload-bench.XXXXXX)
    fi
fi
TUS_STORE=$SERVER_DIR/tus-store
DAV_ROOT=$SERVER_DIR/root
S3_DIR=$SERVER_DIR/s3
mkdir -p "$DATA" "$TUS_STORE" "$NGX"/logs "$SERVER_DIR"/tmp "$DAV_ROOT"/dav "$LOGS" "$S3_DIR"

TUS_PID=""
S3_PID=""
cleanup() {
    stop_pid "$TUS_PID"
    stop_pid "$S3_PID"
    stop_pid "$NGINX_PID"
    rm -rf "$TUS_STORE" "$DAV_ROOT" "$S3_DIR" "$SERVER_DIR"/tmp "$W"/btdata-*
    [[ "$SERVER_DIR" == /dev/shm/btfs-upload-bench.* ]] && rm -rf "$SERVER_DIR"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the data file (generated once, reused when the size matches) --------------------------
FILE=$DATA/upload-${SIZE_MIB}MiB.bin
BYTES=$((SIZE_MIB * 1024 * 1024))
make_data_file "$FILE" "$BYTES"
SHA=$(cat "$FILE.sha256")

# ---- servers -------------------------------------------------------------------------------
if has_case tus; then
    "$SOURCE_DIR/tests/servers/tus/ensure-deps.sh" || die "npm ci in tests/servers/tus failed"
    [[ -d "$SOURCE_DIR/tests/servers/tus/node_modules/@tus/server" ]] ||
        die "the tus server's packages are missing (npm ci in tests/servers/tus)"
    node "$SOURCE_DIR/tests/servers/tus/server.js" --dir "$TUS_STORE" >"$W/tus.out" 2>"$LOGS/tus.err" &
    TUS_PID=$!
    for _ in $(seq 100); do grep -q '^PORT ' "$W/tus.out" 2>/dev/null && break; sleep 0.1; done
    TUS_PORT=$(awk '/^PORT /{print $2}' "$W/tus.out")
    [[ -n "$TUS_PORT" ]] || die "the tus server did not start: $(cat "$LOGS/tus.err")"
    TUS_URL=http://127.0.0.1:$TUS_PORT/files
    note "tus server on $TUS_URL (pid $TUS_PID)"
fi
write_dav_conf() { # port
    local user_line=""
    [[ $(id -u) -eq 0 ]] && user_line="user root root;"
    cat >"$NGX/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
master_process off;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log $NGX/logs/access.log;
    client_body_temp_path $SERVER_DIR/tmp/body;
    proxy_temp_path $SERVER_DIR/tmp/proxy;
    fastcgi_temp_path $SERVER_DIR/tmp/fastcgi;
    uwsgi_temp_path $SERVER_DIR/tmp/uwsgi;
    scgi_temp_path $SERVER_DIR/tmp/scgi;
    server {
        listen 127.0.0.1:$1;
        root $DAV_ROOT;
        client_max_body_size 0;
        location /dav/ {
            dav_methods PUT DELETE MKCOL;
            create_full_put_path on;
        }
    }
}
EOF
}
if has_case s3; then
    "$SOURCE_DIR/tests/servers/s3/ensure-deps.sh" || die "npm ci in tests/servers/s3 failed"
    "$SCRIPT_DIR/s3/ensure-deps.sh" || die "npm ci in bench/s3 failed"
    [[ -d "$SOURCE_DIR/tests/servers/s3/node_modules/s3rver" ]] ||
        die "the S3 server's packages are missing (npm ci in tests/servers/s3)"
    node "$SOURCE_DIR/tests/servers/s3/server.js" --dir "$S3_DIR" --bucket bench >"$W/s3.out" 2>"$LOGS/s3.err" &
    S3_PID=$!
    for _ in $(seq 100); do grep -q '^PORT ' "$W/s3.out" 2>/dev/null && break; sleep 0.1; done
    S3_PORT=$(awk '/^PORT /{print $2}' "$W/s3.out")
    [[ -n "$S3_PORT" ]] || die "the S3 server did not start: $(cat "$LOGS/s3.err")"
    S3_URL=http://127.0.0.1:$S3_PORT
    # s3rver's keys, and nothing of this machine's AWS setup.
    export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
    export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
    note "S3 server on $S3_URL (pid $S3_PID)"
fi
if has_case put; then
    start_nginx "$NGX" write_dav_conf /
    DAV_URL=http://127.0.0.1:$NGINX_PORT/dav/upload.bin
    note "nginx dav on $DAV_URL (pid $NGINX_PID)"
fi
note "the servers store into $SERVER_DIR"

# ---- one run -------------------------------------------------------------------------------
# The curl tus client: create with Upload-Length, then one streamed PATCH (-T) of the file.
curl_tus() {
    local location
    location=$(curl -sS -f -X POST -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $BYTES" \
        -D - -o /dev/null "$TUS_URL" | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
    [[ -n "$location" ]] || return 1
    [[ "$location" == http* ]] || location="http://127.0.0.1:$TUS_PORT$location"
    curl -sS -f -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
        -H 'Content-Type: application/offset+octet-stream' -T "$FILE" -o /dev/null "$location"
}
export -f curl_tus
export TUS_URL TUS_PORT BYTES FILE

stored_copy() { # case -> path of the server's copy
    if [[ "$1" == tus ]]; then
        find "$TUS_STORE" -maxdepth 1 -type f ! -name '*.json' | head -1
    elif [[ "$1" == s3 ]]; then
        echo "$S3_DIR/store/bench/upload.bin._S3rver_object"
    else
        echo "$DAV_ROOT/dav/upload.bin"
    fi
}

RAW=$W/raw.tsv
: >"$RAW"
run_one() { # tool case run
    local tool=$1 kase=$2 run=$3 log=$LOGS/$1-$2-$3.log tf=$LOGS/$1-$2-$3.time
    rm -rf "$TUS_STORE"/* "$DAV_ROOT/dav/upload.bin" "$W"/btdata-*
    [[ -d "$S3_DIR/store/bench" ]] && find "$S3_DIR/store/bench" -mindepth 1 -delete
    # The previous run's 1 GiB of server-side writes must not be written back during this one.
    sync
    local cmd
    case "$tool-$kase" in
    btstream-tus) cmd=("$BTSTREAM" put --tus -q --data-dir "$W/btdata-$run" "$FILE" "$TUS_URL") ;;
    btstream-put) cmd=("$BTSTREAM" put --put -q --data-dir "$W/btdata-$run" "$FILE" "$DAV_URL") ;;
    curl-tus) cmd=(bash -c curl_tus) ;;
    curl-put) cmd=(curl -sS -f -T "$FILE" -o /dev/null "$DAV_URL") ;;
    btstream-s3) cmd=("$BTSTREAM" put -q --data-dir "$W/btdata-$run" --endpoint "$S3_URL" "$FILE" s3://bench/upload.bin) ;;
    btstream1-s3) cmd=("$BTSTREAM" put -q --parallel 1 --data-dir "$W/btdata-$run" --endpoint "$S3_URL" "$FILE" s3://bench/upload.bin) ;;
    sdk-s3) cmd=(node "$SCRIPT_DIR/s3/upload.js" "$S3_URL" bench upload.bin "$FILE" "$S3_PART" 4) ;;
    esac
    local status=ok
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "${cmd[@]}" >"$log" 2>&1 || status=failed
    local copy got=""
    copy=$(stored_copy "$kase")
    [[ -n "$copy" && -f "$copy" ]] && got=$(sha256sum "$copy" | awk '{print $1}')
    [[ "$status" == ok && "$got" != "$SHA" ]] && status=badhash
    local wall user sys rss
    read -r wall user sys rss < <(tail -1 "$tf")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$kase" "$run" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" "$rss" "$status" >>"$RAW"
    note "$tool $kase run $run: ${wall}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')s CPU, $((rss / 1024)) MiB RSS, $status"
    [[ "$status" == ok ]]
}

cat "$FILE" >/dev/null # warm the page cache: measure the network path, not the disk read
FAILED=0
# One case after the other (the tus server's clean-up after a gigabyte, Node's garbage
# collection among it, must not fall into the next case's first run), and within a case the
# tools take turns going first, so that drift and what the previous run left hit both alike.
tools_for() { if [[ "$1" == s3 ]]; then echo "btstream sdk btstream1"; else echo "btstream curl"; fi; }
reference_for() { if [[ "$1" == s3 ]]; then echo sdk; else echo curl; fi; }
for kase in $CASES; do
    read -r -a tools <<<"$(tools_for "$kase")"
    for run in $(seq "$RUNS"); do
        # The tools take turns going first.
        order=()
        for i in "${!tools[@]}"; do order+=("${tools[$(((i + run - 1) % ${#tools[@]}))]}"); done
        for tool in "${order[@]}"; do
            run_one "$tool" "$kase" "$run" || FAILED=1
        done
    done
done

# ---- medians, ratios, targets --------------------------------------------------------------
SUMMARY=$W/summary.tsv
awk -F'\t' '$7 == "ok" { k = $1 "\t" $2; n[k]++; wall[k, n[k]] = $4; cpu[k, n[k]] = $5; rss[k, n[k]] = $6 }
function median(arr, k, cnt,   i, j, t, a) {
    for (i = 1; i <= cnt; i++) a[i] = arr[k, i]
    for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
END { for (k in n) printf "%s\t%.3f\t%.3f\t%.1f\t%d\n", k, median(wall, k, n[k]), median(cpu, k, n[k]), median(rss, k, n[k]) / 1024, n[k] }' \
    "$RAW" | sort >"$SUMMARY"

val() { awk -F'\t' -v t="$1" -v c="$2" -v col="$3" '$1 == t && $2 == c { print $col }' "$SUMMARY"; }
RESULTS=$W/results.md
{
    echo "Upload of $SIZE_MIB MiB on 127.0.0.1, $RUNS run(s) each, medians; $(nproc) cores; servers store into $(df -P "$SERVER_DIR" | awk 'NR == 2 {print $1}'); $(date -u +%F)."
    echo
    echo "| Case | Tool | Wall (s) | MiB/s | CPU (s) | Peak RSS (MiB) | Throughput vs curl (s3: SDK) | CPU vs curl (s3: SDK) |"
    echo "|---|---|---|---|---|---|---|---|"
    for kase in $CASES; do
        cw=$(val "$(reference_for "$kase")" "$kase" 3)
        cc=$(val "$(reference_for "$kase")" "$kase" 4)
        for tool in $(tools_for "$kase"); do
            w=$(val "$tool" "$kase" 3)
            c=$(val "$tool" "$kase" 4)
            r=$(val "$tool" "$kase" 5)
            [[ -n "$w" ]] || { echo "| $kase | $tool | failed | | | | | |"; continue; }
            awk -v k="$kase" -v t="$tool" -v w="$w" -v c="$c" -v r="$r" -v cw="$cw" -v cc="$cc" -v mib="$SIZE_MIB" \
                'BEGIN { printf "| %s | %s | %.2f | %.0f | %.2f | %.1f | %s | %s |\n", k, t, w, mib / w, c, r,
                         (cw > 0 ? sprintf("%.2fx", cw / w) : ""), (cc > 0 ? sprintf("%.2fx", c / cc) : "") }'
        done
    done
} >"$RESULTS"

TARGETS=$W/targets.md
{
    echo
    echo "| Target | Case | Value | Result |"
    echo "|---|---|---|---|"
    for kase in $CASES; do
        ref=$(reference_for "$kase")
        speed=$SPEED_TARGET rss_max=$RSS_TARGET_MIB
        [[ "$kase" == s3 ]] && speed=$S3_SPEED_TARGET rss_max=$S3_RSS_TARGET_MIB
        w=$(val btstream "$kase" 3)
        cw=$(val "$ref" "$kase" 3)
        r=$(val btstream "$kase" 5)
        if [[ -n "$w" && -n "$cw" ]]; then
            ratio=$(awk -v a="$cw" -v b="$w" 'BEGIN { printf "%.2f", a / b }')
            ok=$(awk -v v="$ratio" -v l="$speed" 'BEGIN { print (v + 0 >= l + 0) ? "PASS" : "MISS" }')
            echo "| throughput >= ${speed}x $ref | $kase | ${ratio}x | $ok |"
        fi
        if [[ -n "$r" ]]; then
            ok=$(awk -v v="$r" -v l="$rss_max" 'BEGIN { print (v + 0 <= l + 0) ? "PASS" : "MISS" }')
            echo "| peak RSS <= $rss_max MiB | $kase | $r MiB | $ok |"
        fi
        w1=$(val btstream1 "$kase" 3)
        if [[ -n "$w" && -n "$w1" ]]; then
            echo "| 4 parts at once vs 1 (info) | $kase | $(awk -v a="$w1" -v b="$w" 'BEGIN { printf "%.2fx", a / b }') | |"
        fi
    done
} >"$TARGETS"

cat "$RESULTS" "$TARGETS"
echo
echo "raw runs: $RAW; logs: $LOGS"
if [[ "$FAILED" != 0 ]]; then
    echo "upload.sh: some runs failed (see $RAW and $LOGS)" >&2
    exit 1
fi
