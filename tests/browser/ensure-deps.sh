#!/bin/sh
# Installs puppeteer-core (pinned in package-lock.json; it never downloads a browser) when
# node_modules is missing or older than the lock file. Needs node and npm (and the npm
# registry) only then.
set -eu
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "ensure-deps: node/npm not installed; the browser end-to-end test will be skipped" >&2
    exit 0
fi
if [ -d node_modules/puppeteer-core ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
