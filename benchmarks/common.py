"""What the benchmark scripts share: how programs are timed, and a working folder."""

from __future__ import annotations

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
