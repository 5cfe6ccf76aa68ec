"""Shared helpers for the peer benchmarks: timing and JSON output.

Every peer script prints one JSON object on stdout:
    {"workload-id": {"times": [seconds, ...], "unit": "s", "extra": {...}}, ...}
which chainrule-bench reads and puts beside its own numbers.
"""
import json
import os
import resource
import sys
import time


LAST_CPU = []


def cpu_now():
    """CPU seconds (user + system) of this process and its waited-for children (`dot`)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timeit(fn, repeats, warmup=1):
    """Runs fn() `warmup` times untimed, then `repeats` times; returns the list of
    wall-clock seconds (CPU seconds of each run in LAST_CPU)."""
    for _ in range(warmup):
        fn()
    out, cpu = [], []
    for _ in range(repeats):
        c0 = cpu_now()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        cpu.append(cpu_now() - c0)
    LAST_CPU[:] = cpu
    return out


def series(times, unit="s", scale=1.0, **extra):
    """One workload's entry: wall times, the matching CPU times, and extras."""
    return {"times": [t * scale for t in times], "cpu": [c * scale for c in LAST_CPU],
            "unit": unit, "extra": extra}


def rss_bytes():
    """Current resident set size (VmRSS) in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss_bytes():
    """Peak resident set size (VmHWM) in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def arg_quick():
    return "--quick" in sys.argv


def emit(results):
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
