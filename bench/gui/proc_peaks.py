#!/usr/bin/env python3
"""Runs a command and samples its process every INTERVAL ms until it exits: the most threads
(/proc/PID/task, with their names at that moment) and the most socket fds (/proc/PID/fd); and
its peak RSS: VmHWM, which the kernel keeps, from the last sample (wait4()'s ru_maxrss would
count this Python's RSS too, as the fork's before the exec). Prints one line `peaks: ...` on
stderr (and into FILE) and exits with the command's exit code; the command's output passes.

    proc_peaks.py [--interval MS] [--output FILE] -- COMMAND [ARG...]
"""
import argparse
import os
import subprocess
import sys
import time


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def sample(pid):
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    sockets = 0
    for fd in fds:
        try:
            sockets += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    hwm = 0
    for line in read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return tasks, sockets, hwm


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=20, help="milliseconds")
    parser.add_argument("--output", help="write the peaks line here too")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    start = time.monotonic()
    child = subprocess.Popen(command)
    threads, names, sockets, hwm, samples = 0, [], 0, 0, 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        got = sample(child.pid)
        if got:
            tasks, socks, kib = got
            samples += 1
            if len(tasks) > threads:
                threads = len(tasks)
                names = [read(f"/proc/{child.pid}/task/{t}/comm").strip() for t in tasks]
            sockets = max(sockets, socks)
            hwm = max(hwm, kib)
        time.sleep(args.interval / 1000)
    wall = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    line = (f"peaks: threads {threads} sockets {sockets} vmhwm_kib {hwm} wall_s {wall:.1f}"
            f" cpu_s {usage.ru_utime + usage.ru_stime:.1f} samples {samples} rc {rc}"
            f" names {','.join(sorted(names))}")
    print(line, file=sys.stderr)
    if args.output:
        with open(args.output, "w") as f:
            print(line, file=f)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
