#!/bin/sh
# Every C++ compilation of the build has the strict Qt defines of cmake/CommonConfig.cmake:
# core/, ui/, app/, tests/, bench/ and the moc files (tests/fuzz/run-fuzzers.sh runs it on the
# fuzzers' own clang build). Fails when a compilation lacks one (or undefines one), and when a
# part of the tree has no compilation at all (a target moved out of the build's reach would
# otherwise pass unseen).
#   check-defines.sh BUILD_DIR [REQUIRED_PART...]   (default parts: core app tests bench)
set -eu
build=$1
shift
python3 - "$(cd "$(dirname "$0")/../.." && pwd)" "$build" "$@" <<'PY'
import json, os, shlex, sys

root, build, parts = sys.argv[1], sys.argv[2], sys.argv[3:] or ["core", "app", "tests", "bench"]
required = ["QT_NO_CAST_FROM_ASCII", "QT_NO_CAST_TO_ASCII", "QT_NO_URL_CAST_FROM_STRING",
            "QT_NO_CONTEXTLESS_CONNECT", "QT_NO_KEYWORDS"]

def args_of(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])

def lacking(args):
    defined = set()
    for i, a in enumerate(args):
        name = a[2:] if a.startswith(("-D", "-U")) and len(a) > 2 else (
            args[i + 1] if a in ("-D", "-U") and i + 1 < len(args) else None)
        if name is None:
            continue
        name = name.split("=", 1)[0]
        if a.startswith("-D"):
            defined.add(name)
        else:
            defined.discard(name)
    return [d for d in required if d not in defined]

def part_of(path):
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return "build" if rel.startswith("..") else rel.split(os.sep, 1)[0]

database = os.path.join(build, "compile_commands.json")
entries = json.load(open(database))

def missing(entries):
    return [e["file"] + ": " + " ".join(l) for e in entries for l in [lacking(args_of(e))] if l]

bad = missing(entries)
if bad:
    print("compiled without the strict defines:\n  " + "\n  ".join(bad))
    sys.exit(1)
seen = {}
for e in entries:
    seen[part_of(e["file"])] = seen.get(part_of(e["file"]), 0) + 1
absent = [p for p in parts if not seen.get(p)]
if absent:
    print("no compilation of " + ", ".join(absent) + " in " + database)
    sys.exit(1)

# The check itself: one compilation of each part with a define taken away must be caught.
for p in parts:
    e = next(e for e in entries if part_of(e["file"]) == p)
    e = {"file": e["file"], "arguments": [a for a in args_of(e) if a != "-DQT_NO_CAST_FROM_ASCII"]}
    if not missing([e]):
        print("check-defines.sh is broken: it misses a lost define in " + e["file"])
        sys.exit(1)

print(f"{len(entries)} compilations ({', '.join(f'{k} {v}' for k, v in sorted(seen.items()))})"
      f", all with {' '.join(required)}")
PY
