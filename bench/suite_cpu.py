"""Where the test suite's CPU goes, by kind of process (README, "the whole suite"):

    python bench/suite_cpu.py [PYTEST ARGS ...]      # default: the README's test command's pytest, the whole suite

Runs `python -m pytest ARGS` and, every 0.5 s while it runs, reads the CPU time of each of its processes from /proc
(every descendant: the xdist workers, the Streamlit servers the browser tests start, Chromium's processes,
Playwright's driver, the notebooks' runner, PostgreSQL). A process is counted from the first sample that sees it to
the last: what one does in its last half second, and a process that lives less than that, are missed, so the sum
is a little below the machine's busy CPU, which is printed beside it (/proc/stat over the run, every process on the
machine: compare the two to see what else ran). Printed: pytest's last line, the wall time, the machine's busy
CPU-seconds and load before the run, then CPU-seconds per kind of process, each with its share of the sampled
total, and the wall time the largest kinds need at least on this machine's cores (CPU-seconds / cores).
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.5
KINDS = (  # (what the command line holds, the kind), first match wins
    ("--type=renderer", "Chromium: renderers"),
    ("--type=gpu-process", "Chromium: GPU process"),
    ("--type=utility", "Chromium: utility (network, storage)"),
    ("--type=zygote", "Chromium: zygote"),
    ("chromium", "Chromium: browser process"),
    ("streamlit run", "Streamlit servers"),
    ("playwright", "Playwright's driver"),
    ("runner.py", "the notebooks' runner"),
    ("-m cnnlib", "the command line (python -m cnnlib)"),
    ("postgres", "PostgreSQL"),
    ("import sys;exec(eval(sys.stdin.readline()))", "pytest's xdist workers"),
    ("-m pytest", "pytest (the controller)"),
)


def busy_cpu_s() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


def processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, start time, CPU-seconds so far) of every process now."""
    seen = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        seen[int(name)] = (int(fields[1]), fields[19], (int(fields[11]) + int(fields[12])) / TICK)
    return seen


def kind_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    return next((kind for marker, kind in KINDS if marker in command), "other: " + command[:50])


def main() -> None:
    args = sys.argv[1:]
    load = os.getloadavg()[0]
    busy0, wall0 = busy_cpu_s(), time.monotonic()
    suite = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(suite.stdout), daemon=True)
    reader.start()
    first: dict[tuple[int, str], float] = {}  # (pid, start time) → CPU when first seen
    last: dict[tuple[int, str], float] = {}
    kinds: dict[tuple[int, str], str] = {}
    while suite.poll() is None:
        now = processes()
        ours, changed = {suite.pid}, True
        while changed:  # the suite's descendants
            changed = False
            for pid, (parent, _, _) in now.items():
                if parent in ours and pid not in ours:
                    ours.add(pid)
                    changed = True
        for pid in ours:
            if pid not in now:
                continue
            key = (pid, now[pid][1])
            if key not in kinds:
                kinds[key] = kind_of(pid)
                first[key] = now[pid][2] if pid == suite.pid else 0.0  # a new process: all its CPU is the suite's
            last[key] = now[pid][2]
        time.sleep(SAMPLE_S)
    reader.join()
    wall, busy = time.monotonic() - wall0, busy_cpu_s() - busy0
    totals = collections.Counter()
    for key, kind in kinds.items():
        totals[kind] += last[key] - first[key]
    sampled = sum(totals.values())
    cores = os.cpu_count() or 1
    summary = next((line.strip() for line in reversed(out) if " in " in line and ("passed" in line or "failed" in line)),
                   "(no pytest summary line)")
    print(summary)
    print(f"wall {wall:.0f} s; busy CPU on the machine {busy:.0f} CPU-s ({busy / wall / cores:.0%} of {cores} cores); "
          f"sampled from the suite's processes {sampled:.0f} CPU-s; load before {load:.2f}")
    for kind, cpu in totals.most_common():
        if cpu >= 0.5:
            print(f"{cpu:8.1f} CPU-s  {cpu / sampled:5.1%}  at least {cpu / cores:5.0f} s of wall  {kind}")
    chromium = sum(cpu for kind, cpu in totals.items() if kind.startswith("Chromium"))
    servers = totals["Streamlit servers"]
    print(f"Chromium and the Streamlit servers together: {chromium + servers:.0f} CPU-s, at least "
          f"{(chromium + servers) / cores:.0f} s of wall on {cores} cores")
    sys.exit(suite.returncode)


if __name__ == "__main__":
    main()
