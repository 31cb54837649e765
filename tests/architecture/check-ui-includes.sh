#!/bin/sh
# ui/ sees the engine through the queue and the value types of core/model only: it includes
# nothing of core/store/ or core/transfer/ (issue #11 item 7).
#   check-ui-includes.sh SOURCE_DIR
set -eu
found=$(grep -rnE '^#include "(store|transfer|io|net|upload)/' "$1/ui" || true)
if [ -n "$found" ]; then
    echo "ui/ includes engine internals:"
    echo "$found"
    exit 1
fi
echo "ui/ includes only queue/, model/ and core's base headers"
