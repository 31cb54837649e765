#!/bin/sh
# Builds the libFuzzer targets of the core/http parsers and rpc/JsonRpc with clang++ (a build of its own,
# the main one uses g++) and runs each for a short while from its seed corpus.
# usage: run-fuzzers.sh BUILD_DIR [SECONDS_PER_FUZZER]
# Exit 77 (CTest's skip code) when clang++ or libFuzzer is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS]}
seconds=${2:-10}
cxx=${BT_FUZZ_CXX:-clang++}
fuzzers="contentrange contentdisposition digest retryafter cookiefile filename jsonrpc urlpattern"

if ! command -v "$cxx" >/dev/null 2>&1; then
    echo "SKIP: $cxx not found; install clang to run the parser fuzzers" >&2
    exit 77
fi
mkdir -p "$build" || exit 1
probe="$build/probe.cpp"
printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }' >"$probe"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe" -o "$build/probe" 2>"$build/probe.log"; then
    echo "SKIP: $cxx cannot link -fsanitize=fuzzer,address,undefined (libFuzzer missing?):" >&2
    cat "$build/probe.log" >&2
    exit 77
fi

launcher=
command -v ccache >/dev/null 2>&1 && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
generator=
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
if [ ! -f "$build/CMakeCache.txt" ]; then
    # shellcheck disable=SC2086
    cmake -S "$here/standalone" -B "$build" $generator -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER="$cxx" $launcher >"$build/configure.log" 2>&1 || {
        cat "$build/configure.log" >&2
        echo "FAIL: configuring the fuzz build" >&2
        exit 1
    }
fi
cmake --build "$build" -j2 >"$build/build.log" 2>&1 || {
    tail -n 60 "$build/build.log" >&2
    echo "FAIL: building the fuzzers" >&2
    exit 1
}
# The fuzzers are compiled with the strict Qt defines, as every other target.
"$here/../architecture/check-defines.sh" "$build" core tests || exit 1

# Qt is not instrumented: its containers trip ASan's container-overflow check falsely.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_container_overflow=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
    name=$1
    corpus="$build/corpus/$name"
    mkdir -p "$corpus" "$build/artifacts/$name"
    # New inputs go to the build's corpus; the seeds in the source tree stay untouched.
    "$build/fuzz_$name" "$corpus" "$here/corpus/$name" -max_total_time="$seconds" \
        -max_len=4096 -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$name/" >"$build/fuzz_$name.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: fuzz_$name (exit $rc); crash inputs in $build/artifacts/$name/" >&2
        tail -n 40 "$build/fuzz_$name.log" >&2
        return 1
    fi
    echo "ok: fuzz_$name $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$build/fuzz_$name.log" | grep -Eo '[0-9]+$') runs"
}

# Two at a time: the machine has two cores.
status=0
pids=
for name in $fuzzers; do
    run_one "$name" &
    pids="$pids $!"
    if [ "$(echo $pids | wc -w)" -ge 2 ]; then
        for p in $pids; do wait "$p" || status=1; done
        pids=
    fi
done
for p in $pids; do wait "$p" || status=1; done
exit $status
