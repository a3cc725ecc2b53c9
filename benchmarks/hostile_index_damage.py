"""Damage each file of the search index one way at a time, then search and index.

Not a benchmark of speed: a hostile run. For every file of ``index/whoosh`` and each
damage (emptied, cut in half, 16 bytes flipped mid-file) it copies a fresh sample
chronicle, damages it, runs ``search park``, ``index`` and ``search park`` again, and
counts wrong answers and tracebacks. Run: ``.venv/bin/python benchmarks/hostile_index_damage.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = str(Path(sys.executable).parent / "chronicle")


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHRONICLE, "--root", str(root), *args], capture_output=True, text=True, timeout=120
    )


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(x ^ 0xFF for x in data[middle : middle + 16]) + data[middle + 16 :]


WAYS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "half": lambda data: data[: len(data) // 2],
    "flip": flip,
}


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="chronicle-damage-"))
    source = base / "source"
    shutil.copytree(REPO / "entries", source / "entries")
    shutil.copy(REPO / "chronicle.yaml", source / "chronicle.yaml")
    run(source, "index")
    good = run(source, "search", "park", "--format", "ids").stdout.split()
    names = sorted(os.listdir(os.path.realpath(source / "index" / "whoosh")))
    tally = {"cases": 0, "wrong first search": 0, "wrong after index": 0, "tracebacks": 0}
    for name in names:
        for way, damage in WAYS.items():
            root = base / f"case-{way}"
            shutil.copytree(source, root, symlinks=True)
            path = Path(os.path.realpath(root / "index" / "whoosh")) / name
            path.write_bytes(damage(path.read_bytes()))
            first = run(root, "search", "park", "--format", "ids")
            indexed = run(root, "index")
            after = run(root, "search", "park", "--format", "ids")
            tally["cases"] += 1
            tally["wrong first search"] += first.stdout.split() != good
            tally["wrong after index"] += after.stdout.split() != good
            tally["tracebacks"] += any("Traceback" in r.stderr for r in (first, indexed, after))
            shutil.rmtree(root)
    shutil.rmtree(base)
    print(tally)


if __name__ == "__main__":
    main()
