"""How the cost of each command grows with the size of one field.

Makes chronicles of a few small entries plus one whose body (or title, or summary) is
N MB, runs each command on each, and prints the user CPU seconds (of the command and
its children) and the ratio to the smallest size: linear cost gives ratios close to the
size ratios (x2, x4, x8), quadratic cost their squares. Every command is run once to
build the catalog and index, then measured.

    .venv/bin/python benchmarks/bench_large_fields.py [--sizes 0.5,1,2,4] [--field body]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = [
    ["list"],
    ["show", "large"],
    ["timeline"],
    ["search", "tasmajdan", "--format", "ids"],
    ["search", "tasmajdan"],
    ["export", "--format", "html"],
    ["export", "--format", "ics"],
    ["export", "--format", "csv"],
    ["export", "--format", "markdown"],
    ["export", "--format", "timelinejs"],
]
WORDS = ("the park was opened by the minister in belgrade with **bold** words and _it_ "
         "and links tasmajdan").split()


def text_of(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(60)) + "."
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)


def make(root: Path, field: str, size: int) -> None:
    (root / "entries").mkdir(parents=True)
    (root / "index").mkdir()
    for number in range(5):
        (root / "entries" / f"small-{number}.yaml").write_text(
            f"title: Small {number} in Tasmajdan\ndate: 201{number}\n", encoding="utf-8")
    big = text_of(size)
    if field == "body":
        lines = [big[i:i + 2000] for i in range(0, len(big), 2000)]
        body = "".join(f"  {line}\n\n" for line in lines)
        text = f"title: Large\ndate: 2014\nbody: |\n{body}"
    else:
        text = f"title: {'Large ' if field != 'title' else ''}{big if field == 'title' else ''}\n"
        text += f"date: 2014\n{field}: {big}\n" if field != "title" else "date: 2014\n"
    (root / "entries" / "large.yaml").write_text(text, encoding="utf-8")


def cpu(args: list[str], root: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "chronicle", "--root", str(root), *args],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "COLUMNS": "100"}, timeout=900)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.5,1,2,4", help="field sizes in MB")
    parser.add_argument("--field", default="body", choices=["body", "title", "summary"])
    options = parser.parse_args()
    sizes = [float(size) for size in options.sizes.split(",")]
    table: dict[str, list[float]] = {" ".join(c): [] for c in COMMANDS}
    with tempfile.TemporaryDirectory() as temp:
        for size in sizes:
            root = Path(temp) / f"c{size}"
            make(root, options.field, int(size * 1_000_000))
            cpu(["index"], root)
            for command in COMMANDS:
                table[" ".join(command)].append(cpu(command, root))
    print(f"CPU seconds (user + system) with one {options.field} of "
          + ", ".join(f"{s:g}" for s in sizes) + " MB; ratio to the first size in brackets")
    width = max(len(name) for name in table)
    for name, seconds in table.items():
        cells = "  ".join(f"{t:6.2f} (x{t / max(seconds[0], 0.01):4.1f})" for t in seconds)
        print(f"{name:<{width}}  {cells}")


if __name__ == "__main__":
    main()
