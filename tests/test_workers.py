"""Batches run in worker processes come back in order, survive a worker that dies, and
a caller that stops early (Ctrl-C, an error) exits at once, with nothing on stderr."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chronicle import workers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers")


def tagged(batch: list[int]) -> list[tuple[int, int]]:
    return [(number, os.getpid()) for number in batch]


def dies_on(fatal: int, parent: int, batch: list[int]) -> list[tuple[int, int]]:
    """Each number with the process that saw it; a worker given ``fatal`` dies at once,
    as one killed by the kernel would."""
    if fatal in batch and os.getpid() != parent:
        os._exit(9)
    return tagged(batch)


def test_results_come_back_in_batch_order() -> None:
    batches = [list(range(start, start + 3)) for start in range(0, 60, 3)]
    results = list(workers.in_order(tagged, batches, 2))
    assert [number for number, _ in results] == list(range(60))
    assert os.getpid() not in {pid for _, pid in results}


def test_a_worker_that_dies_loses_nothing() -> None:
    broken: list[bool] = []
    batches = [list(range(start, start + 2)) for start in range(0, 40, 2)]
    job = functools.partial(dies_on, 9, os.getpid())
    results = list(workers.in_order(job, batches, 2, lambda: broken.append(True)))
    assert [number for number, _ in results] == list(range(40))
    assert broken == [True]  # said once
    # The dead worker's batch and every later one were run here.
    assert dict(results)[9] == os.getpid() and dict(results)[39] == os.getpid()


STOPPED_EARLY = """
import functools, sys
from chronicle import workers


def job(size, batch):
    return ["x" * size for _ in batch]


if __name__ == "__main__":
    # Results far larger than a pipe holds: a worker is always in the middle of
    # sending one when the caller stops.
    results = workers.in_order(functools.partial(job, 1 << 20), [list(range(4))] * 50, 2)
    next(results)
    results.close()  # what Ctrl-C or an error unwinding the caller's loop does
    print("stopped", flush=True)
"""


def test_a_caller_that_stops_early_exits_at_once_and_quietly(tmp_path: Path) -> None:
    script = tmp_path / "stopped_early.py"
    script.write_text(STOPPED_EARLY, encoding="utf-8")
    for _ in range(3):
        # A bound on a hang, not a measure of speed: it ends in well under a second.
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=120)
        assert (done.returncode, done.stdout, done.stderr) == (0, "stopped\n", "")
