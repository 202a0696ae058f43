"""Crash safety: SIGKILL at random moments, a full disk, leftovers of a crashed run.

Real `searcher index` subprocesses on real files. The full-scale version of the
kill test is scripts/faulttest (the shared corpus, a final run of all 31,462).
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import time
from pathlib import Path

from searcher import SearchIndex
from searcher.maintenance import check_index
from searcher.readers import read_file

from .indexing_support import ROOT, cli_env, generated_records, live_ids, run_cli, searcher_cmd, write_jsonl


def _tagged_processes(tag: str) -> list[int]:
    """Pids of live processes whose environment holds ``SEARCHER_TEST_TAG=tag``."""
    found = []
    needle = f"SEARCHER_TEST_TAG={tag}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if needle in fh.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _wait_gone(tag: str, timeout: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = _tagged_processes(tag)
        if not left:
            return []
        time.sleep(0.05)
    return _tagged_processes(tag)


def test_sigkill_at_random_moments_never_loses_committed_articles(tmp_path: Path):
    """20+ SIGKILLs of `searcher index` (while reading, building, committing, merging);
    between rounds some articles change, so every round has work to do. After each
    kill the index opens and checks clean, and every committed article is still
    there, in its old or its new version; a last run completes with all of them."""
    rng = random.Random(20240601)
    records = generated_records(800, words=30)
    data = tmp_path / "data"

    versions: dict[str, set[str]] = {}

    def write_parts() -> None:  # and remember every version of every article, as read
        for i in range(4):
            path = write_jsonl(data / f"part{i}.jsonl", records[i * 200:(i + 1) * 200])
            for article in read_file(path):
                versions.setdefault(article.id, set()).add(article.body)

    write_parts()
    index = tmp_path / "ix"
    committed: set[str] = set()
    kills = rounds = 0
    typical = 1.0  # seconds a run takes; kills land at random moments within it
    while kills < 20:
        rounds += 1
        assert rounds <= 80, f"only {kills} of 80 runs were still going when killed"
        jobs = "2" if rounds % 4 == 3 else "1"
        tag = f"kill-{os.getpid()}-{rounds}"
        env = cli_env()
        env["SEARCHER_TEST_TAG"] = tag
        started = time.monotonic()
        proc = subprocess.Popen(searcher_cmd(index, "index", str(data), "--batch-size", "40",
                                             "--jobs", jobs, "--no-progress", "--json"),
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.25, 1.0) * typical)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:  # it finished first: aim the next kills inside a run of this length
            typical = time.monotonic() - started
        proc.communicate()
        assert _wait_gone(tag) == [], "worker processes outlived the killed run"
        if (index / "searcher.json").exists():
            report = check_index(index)
            assert report.ok, report.problems
            stored = SearchIndex(index)
            now = live_ids(index)
            assert committed <= now, f"run {rounds}: committed articles lost"
            for doc_id in rng.sample(sorted(now), min(25, len(now))):
                assert stored.get(doc_id).body in versions[doc_id]
            committed = now
        for rec in rng.sample(records, 40):  # change some articles for the next round
            rec["body"] = f"{rec['body']} diperbarui {rounds}"
        write_parts()
    final = run_cli(index, "index", str(data), "--batch-size", "40", "--json")
    assert final.returncode == 0, final.stderr
    assert live_ids(index) == {r["id"] for r in records}
    assert check_index(index, postings=True).ok
    assert not [p.name for p in index.iterdir() if p.name.endswith(".tmp")]
    stored = SearchIndex(index)
    latest = {a.id: a.body for i in range(4) for a in read_file(data / f"part{i}.jsonl")}
    assert all(stored.get(i).body == body for i, body in latest.items())
    again = run_cli(index, "index", str(data), "--json")
    assert '"unchanged": 800' in again.stdout


def test_a_full_disk_keeps_the_old_state(tmp_path: Path):
    data = tmp_path / "data"
    write_jsonl(data / "a.jsonl", generated_records(30, words=40))
    index = tmp_path / "ix"
    assert run_cli(index, "index", str(data)).returncode == 0
    before = live_ids(index)
    write_jsonl(data / "b.jsonl", generated_records(100, words=80, prefix="big"))

    def small_files() -> None:  # a disk that takes no file larger than 64 KB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    for jobs in ("1", "2"):
        proc = subprocess.run(searcher_cmd(index, "index", str(data), "--jobs", jobs,
                                           "--batch-size", "50"),
                              cwd=ROOT, env=cli_env(), capture_output=True, text=True,
                              timeout=120, preexec_fn=small_files)
        assert proc.returncode == 1
        assert "could not write the index" in proc.stderr and "Traceback" not in proc.stderr
        assert "run the same command again" in proc.stderr
        assert live_ids(index) == before
        assert check_index(index).ok
        assert not [p for p in index.iterdir() if p.name.endswith(".tmp")]
    done = run_cli(index, "index", str(data), "--json")
    assert done.returncode == 0, done.stderr
    assert len(live_ids(index)) == 130


def test_a_crashed_runs_leftovers_are_cleaned_up(tmp_path: Path):
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(10))
    index = tmp_path / "ix"
    SearchIndex.create_or_open(index).index_paths([data], jobs=1)
    # half-written files of a killed writer: segment parts, a TOC, the lock holder's
    # record and the file cache (only the lock's holder writes the last two)
    leftovers = ["MAIN_deadbeefdeadbeef.seg", "MAIN_deadbeefdeadbeef.pst", "_MAIN_99.toc.1234.5",
                 ".writer.pid.8732.tmp", ".files.json.8732.tmp"]
    for name in leftovers:
        (index / name).write_bytes(b"half written")
    (index / ".MAIN_deadbeefdeadbeef.tmp").mkdir()
    (index / "MAIN.tmp").mkdir()
    assert check_index(index).ok
    more = write_jsonl(tmp_path / "b.jsonl", generated_records(3, prefix="b"))
    SearchIndex(index).index_paths([more], jobs=1)
    names = {p.name for p in index.iterdir()}
    assert not names & {*leftovers, ".MAIN_deadbeefdeadbeef.tmp", "MAIN.tmp"}
    assert len(live_ids(index)) == 13


def test_every_new_file_is_synced_before_the_toc_names_it(tmp_path: Path, monkeypatch):
    """The order of a commit on disk: segment fsynced, folder fsynced, TOC fsynced, TOC
    renamed, folder fsynced; files.json replaced only after that. (os.fsync and the
    renames are observed, not replaced: each call goes through to the real one.)"""
    events: list[str] = []
    real = {name: getattr(os, name) for name in ("fsync", "rename", "replace")}

    def fsync(fd: int) -> None:
        events.append("fsync " + os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        real["fsync"](fd)

    def spy(name: str):  # noqa: ANN202
        def call(a, b, *args, **kwargs):  # noqa: ANN001, ANN202
            events.append(f"{name} " + os.path.basename(str(b)))
            return real[name](a, b, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", spy("rename"))
    monkeypatch.setattr(os, "replace", spy("replace"))
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(5))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    events.clear()
    index.index_paths([data], jobs=1)
    seg = next(i for i, e in enumerate(events) if e.startswith("fsync MAIN_") and e.endswith(".seg"))
    toc = events.index("rename _MAIN_1.toc")
    assert "fsync ix" in events[seg:toc], "folder synced before the TOC names the segment"
    assert any(e.startswith("fsync _MAIN_1.toc.") for e in events[seg:toc]), "TOC synced before rename"
    assert events[toc + 1] == "fsync ix", "folder synced after the rename"
    assert events.index("replace files.json") > toc, "the file cache only after the commit"
