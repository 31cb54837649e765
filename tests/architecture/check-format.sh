#!/usr/bin/env bash
# Every C++ file the repository tracks is formatted by .clang-format (clang-format from
# Debian 12, package clang-format): prints what differs, fails if anything does.
set -euo pipefail
cd "$1"
if ! command -v clang-format >/dev/null; then
    echo "clang-format is missing (scripts/setup.sh --test installs it)" >&2
    exit 1
fi
git ls-files -z '*.cpp' '*.h' | xargs -0 -P 2 -n 40 clang-format --dry-run --Werror
