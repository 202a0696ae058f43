"""Searches beside an indexing run, and one writer at a time (with the holder named)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from searcher import SearchIndex
from searcher.locking import HOLDER_FILE, holder

from .indexing_support import ROOT, cli_env, generated_records, run_cli, searcher_cmd, write_jsonl


def test_searches_keep_working_and_see_each_commit(tmp_path: Path):
    data = tmp_path / "data"
    write_jsonl(data / "a.jsonl", generated_records(360, words=30))
    index_path = tmp_path / "ix"
    SearchIndex.create_or_open(index_path)
    index = SearchIndex(index_path)
    counts: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set():
            try:
                counts.append(index.search("berita", limit=3).total)
            except BaseException as error:  # noqa: BLE001 - any failure fails the test
                errors.append(error)
                return

    thread = threading.Thread(target=search_loop)
    thread.start()
    cli_counts = []
    try:
        proc = subprocess.Popen(searcher_cmd(index_path, "index", str(data), "--batch-size", "40",
                                             "--jobs", "2", "--no-progress", "--json"),
                                cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        while proc.poll() is None:  # a search as a separate process, too
            out = run_cli(index_path, "search", "berita", "--json", "--limit", "1")
            assert out.returncode == 0, out.stderr
            cli_counts.append(json.loads(out.stdout)["total"])
        stdout, stderr = proc.communicate()
        assert proc.returncode == 0, stderr
        assert json.loads(stdout)["commits"] == 9
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert counts == sorted(counts), "result counts never go down"
    assert counts[-1] == 360
    assert len(set(counts)) >= 3, "searches saw several commits"
    assert cli_counts == sorted(cli_counts)


HOLD = """
import sys, time
from pathlib import Path
from searcher.locking import acquire_write_lock
lock = acquire_write_lock(Path(sys.argv[1]))
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _holder(index: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(index), str(seconds)], cwd=ROOT,
                            env=cli_env(), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_waits_then_fails_naming_the_holder(tmp_path: Path):
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(4))
    index = tmp_path / "ix"
    SearchIndex.create_or_open(index)
    holder_proc = _holder(index, 60)
    try:
        started = time.monotonic()
        proc = run_cli(index, "index", str(data), "--wait", "0.5")
        assert proc.returncode == 1
        assert time.monotonic() - started >= 0.5
        assert f"is being written by pid {holder_proc.pid} (python -c" in proc.stderr
        assert "(waited 0.5 s)" in proc.stderr and "--wait SECONDS" in proc.stderr
        refused = run_cli(index, "delete", "gen-00001")
        assert refused.returncode == 1 and f"pid {holder_proc.pid}" in refused.stderr
    finally:
        holder_proc.kill()
        holder_proc.wait()
    # the holder died: its flock went with it, its writer.pid is ignored
    assert (index / HOLDER_FILE).exists() and holder(index) is None
    proc = run_cli(index, "index", str(data), "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["added"] == 4
    assert not (index / HOLDER_FILE).exists()


def test_a_waiting_writer_goes_ahead_when_the_holder_finishes(tmp_path: Path):
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(4))
    index = tmp_path / "ix"
    SearchIndex.create_or_open(index)
    holder_proc = _holder(index, 1.0)
    proc = run_cli(index, "index", str(data), "--wait", "60", "--json")
    holder_proc.wait()
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["added"] == 4


def test_a_stale_writer_pid_is_ignored(tmp_path: Path):
    index = tmp_path / "ix"
    SearchIndex.create_or_open(index)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (index / HOLDER_FILE).write_text(f"{dead.pid} - 2024-01-01T00:00:00 searcher index old\n")
    assert holder(index) is None
    # a live pid whose start time does not match is another process that reused the pid
    (index / HOLDER_FILE).write_text(f"{os.getpid()} 1 2024-01-01T00:00:00 searcher index old\n")
    assert holder(index) is None
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(3))
    report = SearchIndex(index).index_paths([data], jobs=1)
    assert report.added == 3
    assert not (index / HOLDER_FILE).exists()
