"""Child processes timed from spawn to exit, with their peak memory; percentiles.

Memory of a child is reported two ways:

- ``max_rss_mb``: ``ru_maxrss`` from ``wait4`` — the peak resident set of the largest
  single process of the tree (the child or any worker it waited for), exact;
- ``tree_mb``: the peak of the summed proportional set size (PSS, shared pages split
  between the processes sharing them) of the child and all its descendants, sampled
  every 0.1 s from ``/proc`` — what a multi-process run costs the machine. A short
  peak between two samples can be missed, so the figure is a lower bound; the larger
  of the two is what the table calls the peak memory.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SAMPLE_SECONDS = 0.1


@dataclass
class Run:
    """One finished child process."""

    argv: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float
    tree_mb: float

    @property
    def peak_mb(self) -> float:
        return max(self.max_rss_mb, self.tree_mb)

    def check(self, what: str) -> Run:
        """Raise RuntimeError with the child's stderr when it failed."""
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"{what} failed (exit {self.returncode}): {' '.join(self.argv)}\n{tail}")
        return self


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and brackets
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:  # no smaps_rollup: resident pages
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


def tree_memory_kb(root: int) -> int:
    """Summed PSS of ``root`` and its descendants, in KiB (0 when /proc is unavailable)."""
    if not Path("/proc/self/stat").exists():
        return 0
    children = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(children.get(pid, ()))
    return total


def run(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        sample_memory: bool = True, stdin_path: Path | None = None) -> Run:
    """Run ``argv`` to completion; wall time from spawn to exit and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin: BinaryIO | int = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=stdin, env=env, cwd=cwd)
            peak = [0]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(SAMPLE_SECONDS):
                    peak[0] = max(peak[0], tree_memory_kb(proc.pid))

            sampler = threading.Thread(target=sample, daemon=True) if sample_memory else None
            if sampler:
                sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            done.set()
            if sampler:
                sampler.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if not isinstance(stdin, int):
                stdin.close()
        out.seek(0)
        err.seek(0)
        return Run(argv=list(argv), seconds=seconds, returncode=proc.returncode,
                   stdout=out.read().decode("utf-8", "replace"),
                   stderr=err.read().decode("utf-8", "replace"),
                   max_rss_mb=usage.ru_maxrss / 1024, tree_mb=peak[0] / 1024)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95, mean and max of a list of milliseconds."""
    if not values:
        return {"n": 0, "p50": math.nan, "p95": math.nan, "mean": math.nan, "max": math.nan}
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "mean": sum(values) / len(values), "max": max(values)}


def median(values: list[float]) -> float:
    return percentile(values, 50)
