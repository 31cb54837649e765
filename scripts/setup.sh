#!/usr/bin/env bash
# Installs the Debian 12 packages BTFileStream needs, only those that are missing.
#   scripts/setup.sh          build and run the programs
#   scripts/setup.sh --test   also what the tests and benchmarks use
set -euo pipefail

build_packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev libqt6sql6-sqlite qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-svg-dev libarchive-dev qtkeychain-qt6-dev libgl-dev libssl-dev
    libcurl4-openssl-dev libsqlite3-dev qt6-httpserver-dev qt6-websockets-dev
)
test_packages=(
    nginx openssl clang clang-format libclang-rt-14-dev xvfb xauth
    curl wget aria2 time nodejs imagemagick desktop-file-utils appstream dbus-x11 microsocks
    chromium firefox-esr python3-pyftpdlib openssh-server openssh-client
    python3-openssl vsftpd
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
    wanted+=("${test_packages[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup.sh: missing packages: ${missing[*]} (run as root, or install them)" >&2
        exit 1
    fi
    echo "setup.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The tus test server runs on Node.js with npm. NodeSource's nodejs ships npm; Debian's does
# not (and conflicts with NodeSource's), so install Debian's npm only when none is there.
if [[ "${1:-}" == "--test" ]] && ! command -v npm >/dev/null; then
    [[ $(id -u) -eq 0 ]] || { echo "setup.sh: npm is missing (run as root)" >&2; exit 1; }
    apt-get update -qq && apt-get install -y -qq --no-install-recommends npm
fi
