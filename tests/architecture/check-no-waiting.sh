#!/bin/sh
# The queue's thread (the UI's in the program, the main thread of btstream) never waits for
# another thread and runs no nested event loop (issue #11 item 4): no BlockingQueuedConnection
# and no QEventLoop in core/queue/, ui/ or app/. Open and shutdown answer by signals.
#   check-no-waiting.sh SOURCE_DIR
set -eu
dirs="$1/core/queue $1/ui $1/app"
files=$(find $dirs -type f \( -name '*.cpp' -o -name '*.h' \))
count=$(printf '%s\n' "$files" | grep -c . || true)
if [ "$count" -lt 20 ]; then
    echo "check-no-waiting: only $count source files under $dirs: wrong folder?"
    exit 1
fi
found=$(grep -nE 'BlockingQueuedConnection|QEventLoop' $files || true)
if [ -n "$found" ]; then
    echo "A thread that must not wait does (BlockingQueuedConnection or a nested QEventLoop):"
    echo "$found"
    exit 1
fi
echo "no BlockingQueuedConnection or QEventLoop in $count files of core/queue, ui, app"
