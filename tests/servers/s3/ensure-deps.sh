#!/bin/sh
# Installs the S3 test server's packages (s3rver and the AWS SDK's signer, pinned in
# package-lock.json) when node_modules is missing or older than the lock file. Needs node and
# npm (and the npm registry) only then.
set -eu
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "ensure-deps: node/npm not installed; the S3 upload tests will be skipped" >&2
    exit 0
fi
if [ -d node_modules/s3rver ] && [ -d node_modules/@smithy/signature-v4 ] &&
    [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
