"""The worker pool of indexing runs: a new process per task, results in order, bounded."""

from __future__ import annotations

import os
import time

import pytest

from searcher.parallel import WorkerPool


def _sleep_then_pid(seconds: float, tag: int) -> tuple[int, int]:
    time.sleep(seconds)
    return tag, os.getpid()


def test_each_task_runs_in_a_new_process_and_results_come_back_in_order():
    pool = WorkerPool(2)
    results = []
    try:
        # the first task is the slowest: later ones finish first but are handed back after it
        for tag, seconds in enumerate([0.6, 0.05, 0.05, 0.05, 0.05]):
            results += pool.submit(_sleep_then_pid, seconds, tag)
            assert len(pool.pending) <= 3  # jobs + 1 handed out and not collected
        results += pool.drain()
    finally:
        pool.close()
    assert [tag for tag, _ in results] == [0, 1, 2, 3, 4]
    pids = [pid for _, pid in results]
    assert len(set(pids)) == 5 and os.getpid() not in pids


def test_a_cancelled_pool_kills_its_running_workers():
    pool = WorkerPool(2)
    pool.submit(_sleep_then_pid, 60, 0)
    pool.submit(_sleep_then_pid, 60, 1)
    workers = [task.process for task in pool.pending]
    assert len(workers) == 2 and all(proc.is_alive() for proc in workers)
    started = time.monotonic()
    pool.close(cancel=True)
    assert time.monotonic() - started < 10
    for proc in workers:
        proc.join(5)
        assert not proc.is_alive()


def test_a_worker_that_dies_is_reported():
    from concurrent.futures.process import BrokenProcessPool

    pool = WorkerPool(1)
    try:
        pool.submit(os._exit, 3)
        with pytest.raises(BrokenProcessPool, match="exit code 3"):
            list(pool.drain())
    finally:
        pool.close(cancel=True)


def test_a_failing_task_raises_in_order():
    pool = WorkerPool(2)
    results = []
    try:
        results += pool.submit(_sleep_then_pid, 0.2, 0)
        results += pool.submit(_sleep_then_pid, "not a number", 1)
        with pytest.raises(TypeError) as raised:
            for result in pool.drain():
                results.append(result)
    finally:
        pool.close(cancel=True)
    assert [tag for tag, _ in results] == [0]
    assert "_sleep_then_pid" in str(raised.value.__cause__), "the worker's traceback comes along"
