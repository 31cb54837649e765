#!/bin/sh
# Installs the AWS SDK packages of the s3 benchmark's reference (pinned in package-lock.json)
# when node_modules is missing or older than the lock file.
set -eu
cd "$(dirname "$0")"
if [ -d node_modules/@aws-sdk/lib-storage ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
