"""What the benchmark scripts share: how programs are timed, and a working folder."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
