# Shared by bench/download.sh and bench/upload.sh (sourced, not run): messages, prerequisites,
# data files, free ports, starting and stopping the loopback nginx and other servers.
# shellcheck shell=bash

BENCH_SCRIPT=$(basename "$0")

die() {
    echo "$BENCH_SCRIPT: error: $*" >&2
    exit 2
}
note() { echo "== $*" >&2; }

need() { # command package
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2'"
}

# nginx is often in /usr/sbin, which a normal user's PATH may lack.
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
need_nginx() {
    [[ -x "$NGINX_BIN" ]] || die "'nginx' not found; install the Debian package 'nginx'"
}

# path bytes: the file of that size from /dev/urandom (generated once, reused while its size
# matches) and its SHA-256 cached in path.sha256.
make_data_file() {
    local path=$1 bytes=$2
    if [[ ! -f "$path" ]] || [[ $(stat -c %s "$path") -ne $bytes ]]; then
        note "generating $path ($((bytes / 1024 / 1024)) MiB from /dev/urandom)"
        rm -f "$path" "$path.sha256"
        head -c "$bytes" /dev/urandom >"$path.tmp"
        mv "$path.tmp" "$path"
    fi
    if [[ ! -f "$path.sha256" ]] || [[ "$path" -nt "$path.sha256" ]]; then
        note "hashing $path"
        sha256sum "$path" | awk '{print $1}' >"$path.sha256"
    fi
}

free_port() { # a port free on 127.0.0.1 now (a random one without python3 and node)
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})" 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

stop_pid() { # pid [signal]: the signal (default TERM), wait up to 5 s, then KILL
    local pid=$1 sig=${2:-TERM}
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

# start_nginx dir write_conf probe_path [curl option...]: an nginx with its prefix, config and
# logs in dir, on a free port of 127.0.0.1. `write_conf PORT` writes dir/nginx.conf (daemon
# off); nginx is up when curl gets probe_path (with the options, e.g. -f). A port taken
# meanwhile means another one. Sets NGINX_PID and NGINX_PORT.
NGINX_PID=""
NGINX_PORT=""
start_nginx() {
    local dir=$1 write_conf=$2 probe=$3 attempt port
    shift 3
    mkdir -p "$dir/logs"
    for attempt in $(seq 20); do
        port=$(free_port)
        "$write_conf" "$port"
        : >"$dir/logs/error.log"
        "$NGINX_BIN" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/logs/stdout.log" 2>&1 &
        NGINX_PID=$!
        for _ in $(seq 100); do
            if ! kill -0 "$NGINX_PID" 2>/dev/null; then break; fi
            if curl -s -o /dev/null "$@" "http://127.0.0.1:$port$probe"; then
                # shellcheck disable=SC2034 # read by the script that sourced this
                NGINX_PORT=$port
                return 0
            fi
            sleep 0.1
        done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=""
        if ! grep -q "Address already in use" "$dir/logs/error.log" "$dir/logs/stdout.log" 2>/dev/null; then
            cat "$dir/logs/error.log" "$dir/logs/stdout.log" >&2 || true
            die "nginx did not start (attempt $attempt); see $dir/logs/"
        fi
    done
    die "no free port for nginx after 20 attempts"
}

# make_tls_certs dir: a throwaway CA (dir/ca.pem, dir/ca.key) and a server certificate signed
# by it for 127.0.0.1 and localhost (dir/server.pem, dir/server.key), valid for 2 days. Needs
# the openssl command (OpenSSL 1.1.1 or later for -addext).
make_tls_certs() {
    local dir=$1
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 2 \
        -subj "/CN=btstream bench throwaway CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >"$dir/openssl.log" 2>&1 ||
        { cat "$dir/openssl.log" >&2; die "openssl could not make the CA"; }
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" >>"$dir/openssl.log" 2>&1 ||
        { cat "$dir/openssl.log" >&2; die "openssl could not make the server key"; }
    cat >"$dir/server.ext" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EXT
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -days 2 -sha256 -extfile "$dir/server.ext" -out "$dir/server.pem" >>"$dir/openssl.log" 2>&1 ||
        { cat "$dir/openssl.log" >&2; die "openssl could not sign the server certificate"; }
    openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >>"$dir/openssl.log" 2>&1 ||
        { cat "$dir/openssl.log" >&2; die "the server certificate does not verify against the CA"; }
}
