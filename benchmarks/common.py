"""What the benchmark scripts share: how programs are timed, and a working folder."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A chronicle of 20,000 entry files or more gets a watcher started by its first command
# unless told otherwise: the benchmarks measure without one unless they start one
# themselves (or the caller set CHRONICLE_WATCH).
os.environ.setdefault("CHRONICLE_WATCH", "0")


def measure_as_installed() -> None:
    """Time chronicle as an installed program runs: with its bytecode cached.

    Some environments set PYTHONDONTWRITEBYTECODE, which would recompile every module of
    an editable install on every run (about 35 ms) while the baselines' stay compiled.
    Child processes inherit the change.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@contextmanager
def workdir(keep: Path | None) -> Iterator[Path]:
    """``keep`` (made if missing, left in place), else a temporary folder removed after."""
    folder = keep or Path(tempfile.mkdtemp(prefix="chronicle-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def add_size_options(parser: argparse.ArgumentParser, data_help: str) -> None:
    """``--n`` (repeatable: 10,000 and 100,000 entries when not given) and ``--data``."""
    parser.add_argument("--n", type=int, action="append",
                        help="entries (repeatable; default 10000 and 100000)")
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "chronicle-bench",
                        help=data_help)


@dataclass
class Run:
    """One finished process, measured as a whole (its children included)."""

    seconds: float
    #: Largest sum of the resident memory of the process and all its descendants, from
    #: sampling /proc (0 where /proc is missing): what the program costs the machine.
    tree_peak_mb: float
    #: ru_maxrss from wait4: the largest single process (the program or one child).
    largest_mb: float
    #: User and system CPU seconds of the process and every child it waited for.
    user_s: float
    system_s: float
    code: int


def _tree_rss(root: int, page: int) -> int:
    """Resident bytes of ``root`` and its descendants, read from /proc once."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields follow the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        parents[int(name)] = int(fields[1])
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_tree(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
             interval: float = 0.05, quiet: bool = True, stdout: Any = None,
             stderr: Any = None) -> Run:
    """Run ``args`` to the end; time it and sample its process tree's memory.

    Output goes to ``stdout``/``stderr`` when given, else nowhere (``quiet``) or to this
    process's own."""
    import subprocess
    import threading
    import time

    sink = subprocess.DEVNULL if quiet else None
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=sink if stdout is None else stdout,
                            stderr=sink if stderr is None else stderr, env=env, cwd=cwd)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        if not os.path.isdir("/proc"):
            return
        page = os.sysconf("SC_PAGE_SIZE")
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid, page))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, peak / 2**20, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime,
               proc.returncode)
