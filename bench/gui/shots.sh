#!/bin/sh
# Screenshots of the real window under Xvfb (docs/screenshots/*.png).
#   bench/gui/shots.sh BUILD_DIR
set -eu
build=${1:-build-gui}
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$src/docs/screenshots
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((20000 + $$ % 20000))
python3 "$src/bench/gui/throttled_server.py" $port &
server=$!
sleep 1
for mode in main add tray; do
    rm -rf "$tmp/data" "$tmp/config"
    XDG_CONFIG_HOME=$tmp/config xvfb-run -a -s "-screen 0 1280x800x24" sh -c "
        $build/tests/ui/gui_demo $tmp/data http://127.0.0.1:$port $mode > $tmp/ready &
        demo=\$!
        for i in \$(seq 1 60); do grep -q READY $tmp/ready 2>/dev/null && break; sleep 0.5; done
        sleep 1.5
        import -window root $out/$mode.png
        kill \$demo; wait \$demo || true"
    echo "$out/$mode.png"
done
