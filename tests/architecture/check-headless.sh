#!/usr/bin/env bash
# The engine runs headless: btstream, which links only core/, must need no GUI library.
set -euo pipefail
binary="$1"
needed=$(readelf -d "$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
echo "$needed"
if grep -E '^libQt6(Gui|Widgets|OpenGL)' <<<"$needed"; then
    echo "check-headless: $binary needs a GUI library" >&2
    exit 1
fi
grep -q '^libQt6Core' <<<"$needed" # the check read the right binary
