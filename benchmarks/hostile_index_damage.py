"""Damage each file of the search index one way at a time, then search and index.

Not a benchmark of speed: a hostile run. For every file of ``index/whoosh`` and each
damage (emptied, cut in half, 16 bytes flipped mid-file) it copies a fresh sample
chronicle, damages it, runs ``search park``, ``index`` and ``search park`` again, and
counts wrong answers, tracebacks and hangs (no answer in two minutes). Run:
``.venv/bin/python benchmarks/hostile_index_damage.py``; ``hostile_run.py`` calls
``damage_run`` as its phase e.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = str(Path(sys.executable).parent / "chronicle")


def run(root: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """The command's outcome; a hang comes back as exit -9 with 'hung' on stderr."""
    command = [CHRONICLE, "--root", str(root), *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, -9, "", "hung")


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(x ^ 0xFF for x in data[middle : middle + 16]) + data[middle + 16 :]


WAYS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "half": lambda data: data[: len(data) // 2],
    "flip": flip,
}


def damage_run(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Damage every index file every way; the counts, and a line per problem."""
    base = Path(tempfile.mkdtemp(prefix="chronicle-damage-"))
    source = base / "source"
    shutil.copytree(REPO / "entries", source / "entries")
    shutil.copy(REPO / "chronicle.yaml", source / "chronicle.yaml")
    run(source, "index", env=env)
    good = run(source, "search", "park", "--format", "ids", env=env).stdout.split()
    names = sorted(os.listdir(os.path.realpath(source / "index" / "whoosh")))
    tally: dict[str, Any] = {"cases": 0, "runs": 0, "wrong first search": 0,
                             "wrong after index": 0, "tracebacks": 0, "hangs": 0}
    problems: list[str] = []
    for name in names:
        for way, damage in WAYS.items():
            root = base / f"case-{way}"
            shutil.copytree(source, root, symlinks=True)
            path = Path(os.path.realpath(root / "index" / "whoosh")) / name
            path.write_bytes(damage(path.read_bytes()))
            first = run(root, "search", "park", "--format", "ids", env=env)
            indexed = run(root, "index", env=env)
            after = run(root, "search", "park", "--format", "ids", env=env)
            results = (first, indexed, after)
            tally["cases"] += 1
            tally["runs"] += len(results)
            tally["wrong first search"] += first.stdout.split() != good
            tally["wrong after index"] += after.stdout.split() != good
            tally["tracebacks"] += sum("Traceback" in r.stderr for r in results)
            tally["hangs"] += sum(r.returncode == -9 for r in results)
            if first.stdout.split() != good or after.stdout.split() != good or any(
                "Traceback" in r.stderr or r.returncode == -9 for r in results
            ):
                problems.append(f"{name} {way}: exits {[r.returncode for r in results]}, "
                                f"stderr {after.stderr.strip()[-200:]!r}")
            shutil.rmtree(root)
    shutil.rmtree(base)
    tally["problems"] = problems
    return tally


def main() -> None:
    tally = damage_run()
    for problem in tally.pop("problems"):
        print(problem)
    print(tally)


if __name__ == "__main__":
    main()
