"""The machine and software a benchmark ran on (for docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

PACKAGES = ("whoosh-reloaded", "PyStemmer", "numpy", "click")


def _run(argv: list[str], cwd: Path | None = None) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=30,
                              check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def memory() -> str:
    """The ``Mem:`` line of ``free -h`` (total, used, free, …, available)."""
    out = _run(["free", "-h"])
    for line in out.splitlines():
        if line.startswith("Mem:"):
            total, used, free, *_, available = line.split()[1:]
            return f"{total} total, {available} available (free -h)"
    return "unknown"


def versions(python: str) -> dict[str, str]:
    """Python and library versions as seen by the interpreter that runs searcher."""
    code = ("import sys, json\nfrom importlib import metadata\nout={'Python': sys.version.split()[0]}\n"
            f"for name in {PACKAGES!r}:\n"
            "    try: out[name]=metadata.version(name)\n"
            "    except metadata.PackageNotFoundError: pass\nprint(json.dumps(out))")
    try:
        return json.loads(_run([python, "-c", code]) or "{}")
    except ValueError:
        return {}


def git_commit(root: Path) -> str:
    commit = _run(["git", "rev-parse", "--short", "HEAD"], cwd=root) or "unknown"
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root)
    return commit + (" + uncommitted changes" if dirty else "")


def describe(python: str, root: Path) -> dict[str, str]:
    info = {"CPU": f"{cpu_model()}, {os.cpu_count()} cores (nproc {_run(['nproc']) or '?'})",
            "Memory": memory(), "OS": f"{platform.system()} {platform.release()}",
            "searcher": git_commit(root)}
    info.update(versions(python))
    return info

