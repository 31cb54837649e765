#!/bin/sh
# Every C++ compilation of core/, ui/ and app/ has the strict Qt defines of
# cmake/CommonConfig.cmake (tests/ and bench/ are not converted yet).
#   check-defines.sh BUILD_DIR
set -eu
python3 - "$1/compile_commands.json" <<'PY'
import json, sys
required = ["QT_NO_CAST_FROM_ASCII", "QT_NO_CAST_TO_ASCII", "QT_NO_URL_CAST_FROM_STRING",
            "QT_NO_CONTEXTLESS_CONNECT", "QT_NO_KEYWORDS"]
entries = json.load(open(sys.argv[1]))
missing = []
checked = 0
for e in entries:
    if (not e["file"].endswith(".cpp") or "_autogen" in e["file"] or "/tests/" in e["file"]
            or "/bench/" in e["file"]):
        continue
    checked += 1
    command = e.get("command") or " ".join(e.get("arguments", []))
    lacking = [d for d in required if "-D" + d not in command]
    if lacking:
        missing.append(e["file"] + ": " + " ".join(lacking))
if missing:
    print("compiled without the strict defines:\n  " + "\n  ".join(missing))
    sys.exit(1)
print(f"{checked} compilations of core/, ui/ and app/, all with {' '.join(required)}")
PY
