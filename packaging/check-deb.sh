#!/usr/bin/env bash
# Builds the BTFileStream .deb and proves it installs and runs on a clean Debian 12:
#   1. Release build + `cpack -G DEB` in build-deb/
#   2. a minimal Debian 12 root (debootstrap --variant=minbase, the mirror apt uses here)
#   3. in that root: apt-get install ./btfilestream*.deb (Depends only, no Recommends),
#      btstream --version, btstream get of a file served on 127.0.0.1 (sha256 compared),
#      the Qt plugins the GUI loads at run time present with all their libraries,
#      btfilestream --version and a 3 s offscreen run that must not crash or miss a plugin.
#   4. unmounts and removes the root.
# Needs root (debootstrap, chroot). Slow (minutes): not part of ctest.
# Environment: BUILD_DIR (default <repo>/build-deb), MIRROR (default: from apt's sources),
#   SKIP_BUILD=1 (use the .deb already in BUILD_DIR), KEEP_ROOT=1 (leave the root for a look),
#   BASE_CACHE (tarball of the pristine root, reused between runs; default
#   /var/tmp/btfs-bookworm-minbase.tar.gz; FRESH=1 ignores it).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRC/build-deb}
BASE_CACHE=${BASE_CACHE:-/var/tmp/btfs-bookworm-minbase.tar.gz}
SUITE=bookworm
ROOT=
HTTP_PID=
WORK=

say() { printf '\n== %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and chroot need it)"

# First URI of apt's sources that serves the given suite (deb822 .sources, then one-line lists).
aptMirror() {
    local suite=$1 f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk -v s="$suite" '
            /^[[:space:]]*$/ { if (u != "" && hit) { print u; exit } u = ""; hit = 0; next }
            tolower($1) == "uris:" { u = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
            END { if (u != "" && hit) print u }' "$f" | head -n1)
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk -v s="$suite" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i+1) == s) { print $i; exit } }' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
}

cleanup() {
    local rc=$?
    set +e
    [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID" 2>/dev/null
    if [ -n "$ROOT" ] && [ -d "$ROOT" ]; then
        # Deepest mounts first; never remove the root while anything is still mounted in it.
        findmnt -rn -o TARGET | grep -E "^$ROOT(/|$)" | sort -r | while read -r m; do
            umount -l "$m"
        done
        if findmnt -rn -o TARGET | grep -qE "^$ROOT(/|$)"; then
            echo "WARNING: mounts left under $ROOT; not removing it" >&2
        elif [ "${KEEP_ROOT:-0}" = 1 ]; then
            echo "root kept at $ROOT"
        else
            rm -rf --one-file-system "$ROOT"
        fi
    fi
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. build the package
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "build (Release) and cpack in $BUILD_DIR"
    cmake -S "$SRC" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBT_BUILD_TESTS=OFF
    cmake --build "$BUILD_DIR"
    rm -f "$BUILD_DIR"/btfilestream_*.deb
    (cd "$BUILD_DIR" && cpack -G DEB)
fi
DEB=$(ls -t "$BUILD_DIR"/btfilestream_*.deb 2>/dev/null | head -n1)
[ -n "$DEB" ] || fail "no btfilestream_*.deb in $BUILD_DIR"
say "package $DEB ($(stat -c %s "$DEB") bytes)"
dpkg-deb -f "$DEB" Package Version Installed-Size Depends Recommends

# ---- 2. a clean Debian 12 root
command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    apt-get install -y debootstrap
}
MIRROR=${MIRROR:-$(aptMirror "$SUITE")}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=$(aptMirror "$SUITE-security")
ROOT=$(mktemp -d /var/tmp/btfs-debroot.XXXXXX)
WORK=$(mktemp -d /tmp/btfs-debcheck.XXXXXX)
if [ "${FRESH:-0}" != 1 ] && [ -s "$BASE_CACHE" ]; then
    say "clean $SUITE root from $BASE_CACHE"
    tar -xzf "$BASE_CACHE" -C "$ROOT"
else
    say "debootstrap --variant=minbase $SUITE from $MIRROR"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        {
            tail -n 30 "$WORK/debootstrap.log"
            fail "debootstrap"
        }
    tar -czf "$BASE_CACHE.tmp" -C "$ROOT" . && mv "$BASE_CACHE.tmp" "$BASE_CACHE"
fi
{
    echo "deb $MIRROR $SUITE main"
    echo "deb $MIRROR $SUITE-updates main"
    if [ -n "$SECURITY" ]; then echo "deb $SECURITY $SUITE-security main"; fi
} >"$ROOT/etc/apt/sources.list"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"

# Runs a command in the root with a clean environment.
inRoot() {
    chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# ---- 3. install and run
say "apt-get install ./$(basename "$DEB") (no Recommends: the Depends alone must suffice)"
cp "$DEB" "$ROOT/tmp/"
inRoot apt-get update -q
inRoot env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "./tmp/$(basename "$DEB")"
inRoot dpkg -s btfilestream | grep -E '^(Status|Version)'

say "btstream --version"
inRoot btstream --version

say "btstream get from 127.0.0.1 (server outside the root)"
mkdir -p "$WORK/srv"
head -c $((6 * 1024 * 1024 + 12345)) /dev/urandom >"$WORK/srv/payload.bin"
WANT=$(sha256sum "$WORK/srv/payload.bin" | cut -d' ' -f1)
# Port 0: the kernel picks a free port; the server writes it to a file once it listens.
python3 - "$WORK/srv" "$WORK/port" >"$WORK/http.log" 2>&1 <<'EOF' &
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()
EOF
HTTP_PID=$!
for _ in $(seq 100); do
    [ -s "$WORK/port" ] && break
    sleep 0.1
done
[ -s "$WORK/port" ] || fail "http server did not start: $(cat "$WORK/http.log")"
PORT=$(cat "$WORK/port")
inRoot mkdir -p /root/dl
inRoot btstream get --data-dir /root/btdata -d /root/dl "http://127.0.0.1:$PORT/payload.bin"
GOT=$(inRoot sha256sum /root/dl/payload.bin | cut -d' ' -f1)
echo "sha256 served:     $WANT"
echo "sha256 downloaded: $GOT"
[ "$GOT" = "$WANT" ] || fail "downloaded file differs"

say "libraries of the programs and of the Qt plugins the GUI loads"
PLUGINS=/usr/lib/x86_64-linux-gnu/qt6/plugins
missing=0
for f in /usr/bin/btstream /usr/bin/btfilestream \
    $PLUGINS/platforms/libqxcb.so $PLUGINS/platforms/libqoffscreen.so \
    $PLUGINS/sqldrivers/libqsqlite.so $PLUGINS/iconengines/libqsvgicon.so \
    $PLUGINS/imageformats/libqsvg.so $PLUGINS/tls/libqopensslbackend.so; do
    if [ ! -e "$ROOT$f" ]; then
        echo "missing: $f"
        missing=1
    elif inRoot ldd "$f" | grep -q 'not found'; then
        echo "unresolved libraries in $f:"
        inRoot ldd "$f" | grep 'not found'
        missing=1
    else
        echo "ok: $f"
    fi
done
[ $missing = 0 ] || fail "a program or plugin is missing or cannot load its libraries"

say "QT_QPA_PLATFORM=offscreen btfilestream --version"
inRoot env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/xdg btfilestream --version

say "btfilestream runs 3 s offscreen (SIGTERM then counts as running)"
inRoot mkdir -p -m 700 /tmp/xdg
set +e
inRoot timeout -s TERM 3 env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/xdg \
    btfilestream >"$WORK/gui.out" 2>"$WORK/gui.err"
rc=$?
set -e
echo "exit code $rc (124 = still running after 3 s)"
sed 's/^/  stderr: /' "$WORK/gui.err"
[ $rc = 124 ] || [ $rc = 0 ] || fail "btfilestream ended with $rc"
# The offscreen platform's "does not support propagateSizeHints()" is harmless noise.
if grep -v 'does not support propagateSizeHints' "$WORK/gui.err" |
    grep -Eiq 'plugin|cannot load|could not (load|find)|not loaded|cannot open shared|driver not|available drivers'; then
    fail "btfilestream reported a missing plugin or library"
fi

# The GUI opens its transfer database at start: the file proves the QSQLITE driver loaded.
DB=$(find "$ROOT/root/.local/share" -name '*.sqlite' 2>/dev/null | head -n1)
[ -n "$DB" ] || fail "btfilestream created no SQLite database under ~/.local/share"
echo "database: ${DB#"$ROOT"}"

say "PASS: $(basename "$DEB") installs and runs on a clean Debian 12"
