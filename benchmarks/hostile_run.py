"""A hostile run: chronicle driven as a user would, on purpose-made trouble.

Not a benchmark of speed. It runs the installed ``chronicle`` command in subprocesses,
each with a timeout (a hang is a failure), on chronicles it generates in a temporary
folder, and counts per phase: runs, hangs, tracebacks (``Traceback`` on stderr without
``--debug``, or an exit code the README's Conventions do not list), wrong answers
(against an oracle computed here from the files it wrote, never from chronicle's own
output) and lost data (an entry a successful ``add`` wrote that is missing or does not
parse afterwards, an entry file changed by a failed write, a cache deleted).

Phases (``--phases abcdefg``):

a. malformed files: hundreds of broken files (bad dates and types, huge numbers, deep
   nesting, alias bombs, binary junk, NUL and control characters, invalid UTF-8, empty
   files, FIFOs, link loops, dangling links, unreadable files, one over 8 MB) among good
   ones, some of them odd but valid (BOM, CRLF, escaped control characters); every
   command must answer right for the good entries and report each bad file in one line
   naming its path;
b. fuzzed queries: queries from the query language's grammar, random Unicode and random
   bytes; exit 0, 1 or 2 only, no raw control character on the terminal, and the right
   ids for the boolean queries over marker words;
c. concurrent writers and readers: parallel ``add`` processes and parallel ``search`` and
   ``list``; every add kept, every reader's count between before and after and never
   going down;
d. rebuilds under load: ``index --rebuild`` and ``index --optimize`` while searches run
   (each must give the right ids), ``kill -9`` of a rebuild's process group (or of its
   main process alone) at random moments, Ctrl-C (SIGINT to the process group: exit 130,
   no traceback), then the next commands must answer right;
e. index damage: ``hostile_index_damage.py``;
f. read-only chronicles: ``chmod -R a-w`` (with the file-permission capabilities dropped
   when run as root, so the modes bind), a read-only bind mount (root only), with and
   without a writable ``$XDG_CACHE_HOME``, with an index out of date or none at all;
g. a full disk: a 4 MB tmpfs (root only) filled up, then reads and writes: right answers
   or a clear one-line error, no entry file lost, truncated or left half written, the
   catalog kept.

Run from the repository root:

    .venv/bin/python benchmarks/hostile_run.py                # about 5 minutes on 2 cores
    .venv/bin/python benchmarks/hostile_run.py --long         # about 20-30 minutes
    .venv/bin/python benchmarks/hostile_run.py --phases ab --queries 2000 --seed 7

Exits 1 when any phase found a problem; ``--verbose`` prints each problem as found.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import yaml

csv.field_size_limit(sys.maxsize)
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import hostile_index_damage  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

CHRONICLE = str(Path(sys.executable).parent / "chronicle")
# The exit codes the README's Conventions list; anything else is a crash.
DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 130, 141}
# Marker words: made up, far from each other and from the generated vocabulary, so the
# oracle for a search is the files holding them as whole words.
MARKERS = ("zorbluxe", "kwimtrap", "hexfoldaq", "vambrisk", "plutzgor")
ODD_MARKER = "quendrix"  # in every odd but valid file
ADD_MARKER = "gralbunth"  # in every entry phase c adds
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PHASES = "abcdefg"


# --------------------------------------------------------------------------- running


@dataclass
class Result:
    args: list[str]
    rc: int
    out: str
    err: str
    hung: bool
    seconds: float


@dataclass
class Tally:
    name: str
    runs: int = 0
    hangs: int = 0
    tracebacks: int = 0
    wrong: int = 0
    lost: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    skipped: str = ""
    extra: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def problem(self, kind: str, text: str) -> None:
        with self.lock:
            setattr(self, kind, getattr(self, kind) + 1)
            self.problems.append(f"[{kind}] {text}")
            if VERBOSE:
                print(f"  {self.name} [{kind}] {text}", file=sys.stderr, flush=True)

    def expect(self, ok: bool, text: str, kind: str = "wrong") -> bool:
        if not ok:
            self.problem(kind, text)
        return ok


VERBOSE = False


def shorten(text: str, limit: int = 300) -> str:
    text = text.strip().replace("\n", " | ")
    return text if len(text) <= limit else text[: limit // 2] + " … " + text[-limit // 2 :]


def describe(args: Sequence[str]) -> str:
    return shorten(" ".join(repr(a) if (" " in a or not a) else a for a in args), 200)


class Runner:
    """Runs the chronicle command with a timeout, in its own process group."""

    def __init__(self, timeout: float, cache: Path, drop_caps: bool) -> None:
        self.timeout = timeout
        self.env = {
            **os.environ,
            "XDG_CACHE_HOME": str(cache),
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "PYTHONWARNINGS": "default",
        }
        self.env.pop("CHRONICLE_ROOT", None)
        # As root, file modes do not bind: drop the capabilities that override them so
        # that chmod a-w and chmod 000 mean what they mean for everyone else.
        self.prefix = (
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
            if drop_caps
            else []
        )

    def command(self, root: Path, args: Sequence[str]) -> list[str]:
        return [*self.prefix, CHRONICLE, "--root", str(root), *args]

    def start(self, root: Path, args: Sequence[str], env: dict[str, str] | None = None
              ) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(root, args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, errors="surrogateescape",
            env={**self.env, **(env or {})}, start_new_session=True,
        )

    def finish(self, tally: Tally, args: Sequence[str], proc: subprocess.Popen[str],
               started: float, timeout: float | None = None) -> Result:
        hung = False
        try:
            out, err = proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            hung = True
            kill_group(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        result = Result(list(args), proc.returncode, out, err, hung, time.monotonic() - started)
        self.classify(tally, result)
        return result

    def run(self, tally: Tally, root: Path, args: Sequence[str], *,
            env: dict[str, str] | None = None, timeout: float | None = None) -> Result:
        started = time.monotonic()
        return self.finish(tally, args, self.start(root, args, env), started, timeout)

    @staticmethod
    def classify(tally: Tally, result: Result) -> None:
        with tally.lock:
            tally.runs += 1
        where = describe(result.args)
        if result.hung:
            tally.problem("hangs", f"{where}: no answer in {result.seconds:.0f} s")
        elif "Traceback" in result.err and "--debug" not in result.args:
            tally.problem("tracebacks", f"{where}: {shorten(result.err[-600:])}")
        elif result.rc not in DOCUMENTED_EXITS:
            tally.problem("tracebacks", f"{where}: exit {result.rc}: {shorten(result.err)}")


def kill_group(pid: int, sig: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def group_alive(pgid: int) -> list[int]:
    """The processes still in a process group (read from /proc)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(entry))
    return alive


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def one_line_error(result: Result) -> bool:
    """A failure told in one line: exactly one `Error: ...` line, no traceback."""
    errors = [line for line in result.err.splitlines() if line.startswith("Error:")]
    return len(errors) == 1 and "Traceback" not in result.err


# --------------------------------------------------------------------------- chronicles


@dataclass
class Oracle:
    """What a chronicle holds, worked out from the files this script wrote."""

    root: Path
    good: set[str] = field(default_factory=set)  # ids of valid entries
    bad: set[str] = field(default_factory=set)  # paths (entries/...) of files to report
    marked: dict[str, set[str]] = field(default_factory=dict)  # marker word -> ids

    def ids_with(self, word: str) -> set[str]:
        return self.marked.setdefault(word, set())


def entry_id(entries: Path, path: Path) -> str:
    return path.relative_to(entries).with_suffix("").as_posix()


def yaml_text(title: str, day: str, body: str = "", extra: str = "") -> str:
    text = f"title: {json.dumps(title, ensure_ascii=False)}\ndate: {day}\n"
    if body:
        text += "body: |\n" + "".join(f"  {line}\n" for line in body.splitlines())
    return text + extra


def build_chronicle(dest: Path, n: int, seed: int, markers: int) -> Oracle:
    """A generated chronicle of n entries plus `markers` entries holding marker words."""
    generate(dest, n, seed=seed)
    entries = dest / "entries"
    oracle = Oracle(dest)
    for path in entries.rglob("*.yaml"):
        oracle.good.add(entry_id(entries, path))
    rng = random.Random(seed * 7919 + 1)
    folder = entries / "marked"
    folder.mkdir(exist_ok=True)
    for i in range(markers):
        words = [w for w in MARKERS if rng.random() < 0.4] or [rng.choice(MARKERS)]
        in_title = [w for w in words if rng.random() < 0.5]
        in_body = [w for w in words if w not in in_title]
        title = f"Marked entry {i} " + " ".join(in_title)
        body = "Some words first.\n\nThen " + " and ".join(in_body) + "." if in_body else ""
        year = rng.choice((1914, 1944, 2013, 2014, 2020))
        path = folder / f"marked-{i}.yaml"
        path.write_text(yaml_text(title, f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                  body))
        ident = entry_id(entries, path)
        oracle.good.add(ident)
        for word in words:
            oracle.ids_with(word).add(ident)
    for word in MARKERS:
        oracle.ids_with(word)
    return oracle


def add_entry(oracle: Oracle, rel: str, text: str, words: Sequence[str] = ()) -> None:
    path = oracle.root / "entries" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    ident = entry_id(oracle.root / "entries", path)
    oracle.good.add(ident)
    for word in words:
        oracle.ids_with(word).add(ident)


def ids_of(result: Result) -> set[str]:
    return set(lines(result.out))


def check_ids(tally: Tally, result: Result, expected: set[str], what: str) -> bool:
    if result.hung:
        return False
    if not expected:
        ok = result.rc == 1 and not lines(result.out)
    else:
        got = ids_of(result)
        ok = result.rc == 0 and got == expected
    if not ok:
        got = ids_of(result)
        tally.problem(
            "wrong",
            f"{what}: exit {result.rc}, {len(got)} ids, expected {len(expected)} "
            f"(missing {sorted(expected - got)[:3]}, extra {sorted(got - expected)[:3]}); "
            f"stderr: {shorten(result.err, 200)}",
        )
    return ok


def check_markers(runner: Runner, tally: Tally, oracle: Oracle, root: Path | None = None,
                  env: dict[str, str] | None = None, words: Sequence[str] = MARKERS) -> None:
    for word in words:
        result = runner.run(tally, root or oracle.root, ["search", word, "-n", "0", "-f", "ids"],
                            env=env)
        check_ids(tally, result, oracle.ids_with(word), f"search {word}")


def snapshot(entries: Path) -> dict[str, bytes]:
    """Every regular file under entries/ and its bytes."""
    files = {}
    for path in entries.rglob("*"):
        with suppress(OSError):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(entries).as_posix()] = path.read_bytes()
    return files


# --------------------------------------------------------------------------- phase a

BILLION_LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)


def bad_contents(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Broken files, one of each kind in turn, each certainly invalid."""
    day = "2014-04-17"
    while True:
        yield "syntax", f"title: [unclosed\ndate: {day}\n".encode()
        yield "tab-indent", f"title: a\n\tdate: {day}\n".encode()
        bad_day = rng.choice(["2014-02-30", "2014-13-01", "not a date", "31/12/2014",
                              "2014-04-31", "2015-02-29", "yesterday", "2014-00-10"])
        yield "bad-date", f"title: Bad date\ndate: {bad_day}\n".encode()
        yield "bad-end", f"title: Bad end\ndate: {day}\nend: 2014-03-01\n".encode()
        title = rng.choice(["[a, b]", "{a: 1}", "\n  - x\n  - y", "null", "~"])
        yield "title-type", f"title: {title}\ndate: {day}\n".encode()
        when = rng.choice(["[2014]", "{y: 2014}", "true", "null", "2014.5", "[]"])
        yield "date-type", f"title: Bad date type\ndate: {when}\n".encode()
        yield "people-type", f"title: Bad people\ndate: {day}\npeople: {{a: 1}}\n".encode()
        yield "sources-type", f"title: Bad sources\ndate: {day}\nsources: 12\n".encode()
        yield "missing-title", f"date: {day}\nsummary: no title\n".encode()
        yield "missing-date", b"title: No date\n"
        digits = "9" * rng.randint(4_301, 20_000)
        yield "huge-int-title", f"title: {digits}\ndate: {day}\n".encode()
        yield "huge-int-field", f"title: Huge\ndate: {day}\nattendance: {digits}\n".encode()
        depth = rng.randint(101, 3_000)
        yield "deep-list", f"title: Deep\ndate: {day}\nx: {'[' * depth}{']' * depth}\n".encode()
        yield "deep-map", f"title: Deep\ndate: {day}\nx: {'{a: ' * depth}1{'}' * depth}\n".encode()
        yield "alias-bomb", (f"title: Laughs\ndate: {day}\n" + BILLION_LAUGHS).encode()
        yield "binary", b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
        yield "nul", f"title: a\x00b\ndate: {day}\n".encode()
        control = "".join(rng.choice("\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x7f") for _ in range(3))
        yield "raw-control", f"title: a{control}b\ndate: {day}\n".encode()
        yield "bad-utf8", b"title: caf" + b"\xe9 \xc3\x28 x\n" + f"date: {day}\n".encode()
        yield "empty", b""
        yield "blank", b"   \n\n\t\n"
        yield "comment-only", b"# nothing here\n"
        yield "top-list", f"- title: a\n- date: {day}\n".encode()
        yield "top-scalar", b"just some text\n"
        yield "bom-broken", b"\xef\xbb\xbftitle: [\n"
        yield "crlf-broken", f"title: CRLF\r\ndate: {bad_day}\r\n".encode()


def odd_but_valid(rng: random.Random, i: int) -> tuple[str, bytes]:
    """Valid entries written oddly: each must count as good."""
    day = f"20{rng.randint(10, 20)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    title = f"Odd entry {i} {ODD_MARKER}"
    kinds: list[tuple[str, bytes]] = [
        ("bom", b"\xef\xbb\xbf" + yaml_text(title, day).encode()),
        ("crlf", yaml_text(title, day, "line one\nline two").replace("\n", "\r\n").encode()),
        ("escaped-control", f'title: "{title} \\e[31m red \\x07"\ndate: {day}\n'.encode()),
        ("unknown-field", (yaml_text(title, day) + "colour: blue\n").encode()),
        ("unicode", yaml_text(f"{title} Ташмајдан 🎉 שלום", day).encode()),
        ("long-title", yaml_text(title + " long" * rng.randint(2_000, 40_000), day).encode()),
        ("long-body", yaml_text(title, day, "word " * rng.randint(10_000, 200_000)).encode()),
        ("quoted-date", f'title: "{title}"\ndate: "{day}"\n'.encode()),
    ]
    return kinds[i % len(kinds)]


def make_malformed(oracle: Oracle, count: int, rng: random.Random, drop_caps: bool) -> None:
    entries = oracle.root / "entries"
    bad = entries / "bad"
    odd = entries / "odd"
    bad.mkdir()
    odd.mkdir()

    def mark_bad(path: Path) -> None:
        oracle.bad.add(path.relative_to(oracle.root).as_posix())

    contents = bad_contents(rng)
    for i in range(count):
        kind, data = next(contents)
        path = bad / f"{i:04d}-{kind}.yaml"
        path.write_bytes(data)
        mark_bad(path)
    for i in range(max(8, count // 10)):
        kind, data = odd_but_valid(rng, i)
        path = odd / f"{i:04d}-{kind}.yaml"
        path.write_bytes(data)
        ident = entry_id(entries, path)
        oracle.good.add(ident)
        oracle.ids_with(ODD_MARKER).add(ident)
    # What is not a regular file, or cannot be read.
    for i in range(max(2, count // 50)):
        fifo = bad / f"fifo-{i}.yaml"
        os.mkfifo(fifo)
        mark_bad(fifo)
        dangling = bad / f"dangling-{i}.yaml"
        dangling.symlink_to(f"nowhere-{i}.yaml")
        mark_bad(dangling)
        one, two = bad / f"loop-{i}-a.yaml", bad / f"loop-{i}-b.yaml"
        one.symlink_to(two.name)
        two.symlink_to(one.name)
        mark_bad(one)
        mark_bad(two)
        self_link = bad / f"self-{i}.yaml"
        self_link.symlink_to(self_link.name)
        mark_bad(self_link)
        if drop_caps or os.geteuid() != 0:
            locked = bad / f"unreadable-{i}.yaml"
            locked.write_text(yaml_text("Unreadable", "2014-01-01"))
            locked.chmod(0)
            mark_bad(locked)
    huge = bad / "huge.yaml"
    huge.write_text(yaml_text("Huge", "2014-01-01", "word " * (9 * 1024 * 1024 // 5)))
    mark_bad(huge)
    # Folder links: each real folder is read once, whatever links lead to it again.
    (entries / "self").symlink_to(".")
    (odd / "up").symlink_to("..")
    (entries / "zzz-again").symlink_to("odd")


def phase_malformed(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> Oracle:
    rng = random.Random(opts.seed)
    oracle = build_chronicle(work / "malformed", opts.entries, opts.seed, opts.markers)
    make_malformed(oracle, opts.bad, rng, runner.prefix != [])
    root = oracle.root
    good = oracle.good
    for round_ in ("cold", "warm"):
        listed = runner.run(tally, root, ["list", "-n", "0", "-f", "ids"])
        check_ids(tally, listed, good, f"list ({round_})")
        reported(tally, listed, oracle, f"list ({round_})")
        check_markers(runner, tally, oracle, words=(*MARKERS, ODD_MARKER))
        table = runner.run(tally, root, ["list", "-n", "0"])
        tally.expect(table.rc == 0 and len(lines(table.out)) >= len(good),
                     f"list table ({round_}): exit {table.rc}, {len(lines(table.out))} lines")
        no_raw_control(tally, table, "list table")
        timeline = runner.run(tally, root, ["timeline", "-f", "json"])
        total = json_field(timeline, "total")
        tally.expect(timeline.rc == 0 and total == len(good),
                     f"timeline -f json ({round_}): exit {timeline.rc}, total {total}, "
                     f"expected {len(good)}")
        reported(tally, timeline, oracle, f"timeline ({round_})")
        text = runner.run(tally, root, ["timeline"])
        tally.expect(text.rc == 0, f"timeline ({round_}): exit {text.rc}: {shorten(text.err)}")
        no_raw_control(tally, text, "timeline")
        stats = runner.run(tally, root, ["stats", "-f", "json"])
        counted = json_field(stats, "entries")
        tally.expect(stats.rc == 0 and counted == len(good),
                     f"stats ({round_}): exit {stats.rc}, {counted} entries, expected {len(good)}")
        for args in (["stats"], ["names"], ["names", "-f", "json"]):
            result = runner.run(tally, root, args)
            tally.expect(result.rc == 0, f"{' '.join(args)}: exit {result.rc}: "
                         f"{shorten(result.err)}")
            reported(tally, result, oracle, " ".join(args))
        checked = runner.run(tally, root, ["check"])
        valid = re.search(r"^([\d,]+) valid entr(?:y|ies)\b", checked.out + checked.err, re.M)
        count = int(valid[1].replace(",", "")) if valid else None
        tally.expect(checked.rc == 1 and count == len(good),
                     f"check ({round_}): exit {checked.rc}, "
                     f"{valid[0] if valid else 'no summary'}, expected {len(good)} valid")
        for path in sorted(oracle.bad):
            tally.expect(any(line.startswith(path) or f" {path}" in line
                             for line in checked.out.splitlines()),
                         f"check does not report {path}")
        for fmt in ("json", "jsonl", "csv", "markdown", "ics", "timelinejs", "html"):
            exported = runner.run(tally, root, ["export", "-f", fmt])
            count = exported_count(fmt, exported.out)
            tally.expect(exported.rc == 0 and count in (None, len(good)),
                         f"export -f {fmt} ({round_}): exit {exported.rc}, {count} entries, "
                         f"expected {len(good)}: {shorten(exported.err, 200)}")
            reported(tally, exported, oracle, f"export -f {fmt}")
        for ident in rng.sample(sorted(good), min(6, len(good))):
            shown = runner.run(tally, root, ["show", ident, "-f", "json"])
            tally.expect(shown.rc == 0 and json_field(shown, "id") == ident,
                         f"show {ident}: exit {shown.rc}: {shorten(shown.err)}")
            text = runner.run(tally, root, ["show", ident])
            tally.expect(text.rc == 0, f"show {ident} (text): exit {text.rc}")
            no_raw_control(tally, text, f"show {ident}")
    return oracle


def reported(tally: Tally, result: Result, oracle: Oracle, what: str) -> None:
    """Each bad file named in exactly one line of stderr."""
    if result.hung:
        return
    err_lines = result.err.splitlines()
    for path in sorted(oracle.bad):
        hits = [line for line in err_lines if path in line
                and not line[line.index(path) + len(path):].startswith(("-", "/"))]
        if len(hits) != 1:
            tally.problem("wrong", f"{what}: {path} named in {len(hits)} stderr lines")
            return  # one per command is enough to say it


def no_raw_control(tally: Tally, result: Result, what: str) -> None:
    for stream, text in (("stdout", result.out), ("stderr", result.err)):
        found = RAW_CONTROL.search(text)
        if found:
            tally.problem("wrong", f"{what}: raw control character {found[0]!r} on {stream}")


def json_field(result: Result, key: str) -> object:
    try:
        return json.loads(result.out).get(key)
    except (ValueError, AttributeError):
        return None


def exported_count(fmt: str, text: str) -> int | None:
    try:
        if fmt == "json":
            return len(json.loads(text))
        if fmt == "jsonl":
            return len([json.loads(line) for line in text.splitlines() if line.strip()])
        if fmt == "csv":
            return len(list(csv.DictReader(io.StringIO(text))))
        if fmt == "timelinejs":
            return len(json.loads(text)["events"])
    except (ValueError, KeyError, csv.Error):
        return -1
    return None  # formats whose count this script does not read


# --------------------------------------------------------------------------- phase b

FIELDS = ("title", "summary", "body", "person", "people", "place", "places", "tag", "tags",
          "source", "sources", "date", "nope", "id", "", "TITLE")
SCRIPTS = ("Ташмајдан", "Вучић", "Алиев", "Gorbachyov", "Tašmajdan", "Nikolić", "Đorđević",
           "Łódź", "straße", "İstanbul", "Əliyev", "🎉", "👩‍👩‍👧", "🇷🇸", "שלום", "القاهرة",
           "\u202eevil\u202c", "a\u0301", "ﬁ", "Ⅻ", "𝔞𝔟𝔠", "日本語", "\u200b", "ß", "ǅ")
JUNK = ("(", ")", "((", "))", '"', "'", "[", "]", "{", "}", ":", "::", "*", "?", "**", "^2",
        "~", "~2", "\\", "/", "AND", "OR", "NOT", "-", "--", "+", "!", "&&", "||", "to", "TO",
        "[to]", "date:", "title:", ":x:", "a:b:c", "[bold]x[/bold]", "%s", "{0}", "$(id)")
DATES = ("2014", "2014-03", "2014-03-05", "-0044", "44BC", "20140315", "2014-02-30", "0",
         "99999999999", "-99999999999", "x", "", "2014-13", "1e9")


class QueryMaker:
    def __init__(self, rng: random.Random, vocabulary: Sequence[str]) -> None:
        self.rng = rng
        self.vocabulary = vocabulary

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.rng.choice(self.vocabulary)
        if r < 0.5:
            return self.rng.choice(MARKERS)
        if r < 0.65:
            return self.rng.choice(SCRIPTS)
        if r < 0.72:
            return self.rng.choice(self.vocabulary)[: self.rng.randint(1, 4)] + "*"
        if r < 0.76:
            return "".join(self.rng.choice("ab?*") for _ in range(self.rng.randint(1, 6)))
        if r < 0.8:
            return self.rng.choice("abcdefghij") * self.rng.randint(200, 20_000)
        if r < 0.85:
            return str(self.rng.randint(-10**6, 10**12))
        return self.rng.choice(JUNK)

    def atom(self, depth: int) -> str:
        r = self.rng.random()
        if r < 0.45 or depth > 3:
            return self.word()
        if r < 0.6:
            return f"{self.rng.choice(FIELDS)}:{self.word()}"
        if r < 0.7:
            return self.date_atom()
        if r < 0.78:
            inner = " ".join(self.word() for _ in range(self.rng.randint(1, 4)))
            return f'"{inner}"' if self.rng.random() < 0.85 else f'"{inner}'
        if r < 0.86:
            return self.rng.choice(("-", "NOT ", "not ", "+")) + self.atom(depth + 1)
        left, right = ("(", ")") if self.rng.random() < 0.85 else self.rng.choice(
            (("(", ""), ("", ")"), ("((", ")"), ("[", "]")))
        return f"{left}{self.expression(depth + 1)}{right}"

    def date_atom(self) -> str:
        a, b = self.rng.choice(DATES), self.rng.choice(DATES)
        return self.rng.choice((
            f"date:{a}", f"date:[{a} to {b}]", f"date:[{a} TO {b}]", f"date:[{a} to]",
            f"date:[to {b}]", f"date:>{a}", f"date:<{a}", f"date:>={a}", f"date:{a}..{b}",
            f"date:[{a}", f"date:{{{a} to {b}}}",
        ))

    def expression(self, depth: int = 0) -> str:
        parts = [self.atom(depth)]
        for _ in range(self.rng.randint(0, 3)):
            parts.append(self.rng.choice(("", "", "AND", "OR", "NOT", "and", "or")))
            parts.append(self.atom(depth))
        return " ".join(p for p in parts if p)

    def random_unicode(self) -> str:
        chars = []
        for _ in range(self.rng.randint(1, 40)):
            block = self.rng.choice(((0x21, 0x7E), (0xA0, 0x24F), (0x400, 0x4FF), (0x590, 0x6FF),
                                     (0x2000, 0x206F), (0x1F300, 0x1FAFF), (0x1, 0x1F),
                                     (0xE000, 0xF8FF), (0x10000, 0x10FFFF)))
            code = self.rng.randint(*block)
            if 0xD800 <= code <= 0xDFFF or code == 0:
                code = 0x41
            chars.append(chr(code))
        return "".join(chars)

    def random_bytes(self) -> str:
        data = bytes(self.rng.randint(1, 255) for _ in range(self.rng.randint(1, 60)))
        return os.fsdecode(data)

    def argv(self) -> tuple[list[str], bool]:
        """A search command line, and whether the query is one of the checked kind."""
        r = self.rng.random()
        if r < 0.55:
            query = self.expression()
        elif r < 0.75:
            query = self.random_unicode()
        else:
            query = self.random_bytes()
        words = query.split() if self.rng.random() < 0.3 else [query]
        args = ["search"]
        if self.rng.random() < 0.2:
            args.append("--")
        args += words
        args += self.rng.choice((["-f", "ids"], ["-f", "json"], [], ["-n", "0"], ["--explain"],
                                 ["--sort", "date"], ["--year", self.rng.choice(DATES)]))
        return args, False


def boolean_query(rng: random.Random, marked: dict[str, set[str]], everything: set[str]
                  ) -> tuple[str, set[str]]:
    """A query over marker words and the ids it must find."""
    def term(depth: int) -> tuple[str, set[str]]:
        if depth > 2 or rng.random() < 0.4:
            word = rng.choice(MARKERS)
            return rng.choice((word, word.upper(), word.capitalize())), marked[word]
        left, lset = term(depth + 1)
        right, rset = term(depth + 1)
        op = rng.choice(("AND", "OR", "", "-", "NOT"))
        if op == "OR":
            return f"({left} OR {right})", lset | rset
        if op in ("-", "NOT"):
            sep = " -" if op == "-" else " NOT "
            if right.startswith("("):
                return f"({left}{sep}{right})", lset - rset
            return f"({left}{sep}{right})", lset - rset
        return f"({left} {op} {right})".replace("  ", " "), lset & rset
    query, expected = term(0)
    return query, expected


def phase_queries(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path,
                  oracle: Oracle | None) -> None:
    if oracle is None:
        oracle = build_chronicle(work / "queries", opts.entries, opts.seed, opts.markers)
    rng = random.Random(opts.seed + 2)
    vocabulary = sorted({w for p in list((oracle.root / "entries").rglob("*.yaml"))[:200]
                         if p.is_file() and not p.is_symlink() and p.stat().st_size < 100_000
                         and os.access(p, os.R_OK)
                         for w in re.findall(r"[A-Za-z]{3,}", read_text(p))})
    maker = QueryMaker(rng, vocabulary or ["park"])
    runner.run(tally, oracle.root, ["index"])
    jobs: list[tuple[list[str], set[str] | None]] = []
    for i in range(opts.queries):
        if i % 5 == 0:
            query, expected = boolean_query(rng, oracle.marked, oracle.good)
            jobs.append((["search", query, "-n", "0", "-f", "ids"], expected))
        else:
            args, _ = maker.argv()
            jobs.append((args, None))

    def one(job: tuple[list[str], set[str] | None]) -> None:
        args, expected = job
        result = runner.run(tally, oracle.root, args)
        if result.hung:
            return
        tally.expect(result.rc in (0, 1, 2),
                     f"{describe(args)}: exit {result.rc}: {shorten(result.err)}")
        if expected is not None:
            check_ids(tally, result, expected, f"search {args[1]!r}")
        elif "json" not in args and "ids" not in args:
            no_raw_control(tally, result, describe(args))
        else:
            no_raw_control(tally, Result(args, 0, "", result.err, False, 0), describe(args))

    with ThreadPoolExecutor(opts.jobs) as pool:
        list(pool.map(one, jobs))


def read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


# --------------------------------------------------------------------------- phase c


def phase_concurrent(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> None:
    oracle = build_chronicle(work / "concurrent", opts.entries, opts.seed + 3, opts.markers)
    add_entry(oracle, "seed/seeded.yaml",
              yaml_text(f"Seeded {ADD_MARKER}", "2014-05-01", extra="tags: [hostileadd]\n"),
              [ADD_MARKER])
    root = oracle.root
    runner.run(tally, root, ["index"])
    before_all = len(oracle.good)
    before_marked = 1
    rng = random.Random(opts.seed + 4)
    added: list[tuple[str, str]] = []  # (id, title)
    failed_adds = []
    done = threading.Event()
    seen: dict[str, list[int]] = {}

    def writer(w: int) -> None:
        for k in range(opts.adds):
            if k == 0:
                title = f"Collision {ADD_MARKER}"  # every writer, same title and date
                day = "2014-06-01"
            else:
                title = f"Hostile add w{w} k{k} {ADD_MARKER}"
                day = f"2014-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"
            result = runner.run(tally, root, ["add", "--title", title, "--date", day,
                                              "--tag", "hostileadd", "--body", "Added under load."])
            if result.rc == 0 and len(lines(result.out)) == 1:
                with tally.lock:
                    added.append((lines(result.out)[0], title))
            else:
                failed_adds.append(result)
                tally.problem("wrong", f"add w{w} k{k}: exit {result.rc}: {shorten(result.err)}")

    def reader(r: int, args: list[str], key: str) -> None:
        counts = seen.setdefault(f"{key}#{r}", [])
        while not done.is_set():
            result = runner.run(tally, root, args)
            if result.hung:
                continue
            count = len(ids_of(result))
            if not tally.expect(result.rc == 0, f"{key} under load: exit {result.rc}: "
                                f"{shorten(result.err)}"):
                continue
            if counts and count < counts[-1]:
                tally.problem("wrong", f"{key} under load: {count} ids after {counts[-1]}")
            counts.append(count)

    readers = [
        (["search", ADD_MARKER, "-n", "0", "-f", "ids"], "search"),
        (["list", "--tag", "hostileadd", "-n", "0", "-f", "ids"], "list --tag"),
        (["list", "-n", "0", "-f", "ids"], "list"),
    ]
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(opts.writers)]
    for r in range(opts.readers):
        args, key = readers[r % len(readers)]
        threads.append(threading.Thread(target=reader, args=(r, args, key)))
    for thread in threads:
        thread.start()
    for thread in threads[: opts.writers]:
        thread.join()
    done.set()
    for thread in threads[opts.writers:]:
        thread.join()
    kept = len(added)
    for key, counts in seen.items():
        low, high = (before_all, before_all + kept) if key.startswith("list#") else (
            before_marked, before_marked + kept)
        for count in counts:
            if not low <= count <= high:
                tally.problem("wrong", f"{key}: saw {count}, outside {low}..{high}")
                break
    # Every add kept and readable.
    ids = [ident for ident, _ in added]
    tally.expect(len(set(ids)) == len(ids), f"{len(ids) - len(set(ids))} adds share an id")
    for ident, title in added:
        path = root / "entries" / f"{ident}.yaml"
        try:
            data = yaml.safe_load(path.read_text())
            ok = isinstance(data, dict) and data.get("title") == title
        except (OSError, yaml.YAMLError):
            ok = False
        tally.expect(ok, f"added {ident} is missing or does not parse", kind="lost")
    expected = {ident for ident, _ in added} | oracle.ids_with(ADD_MARKER)
    for args in (["search", ADD_MARKER, "-n", "0", "-f", "ids"],
                 ["list", "--tag", "hostileadd", "-n", "0", "-f", "ids"]):
        check_ids(tally, runner.run(tally, root, args), expected, f"{args[0]} after the adds")
    listed = runner.run(tally, root, ["list", "-n", "0", "-f", "ids"])
    tally.expect(len(ids_of(listed)) == before_all + kept,
                 f"list after the adds: {len(ids_of(listed))}, expected {before_all + kept}")
    checked = runner.run(tally, root, ["check"])
    tally.expect(checked.rc == 0, f"check after the adds: exit {checked.rc}: "
                 f"{shorten(checked.out[-300:])}")
    tally.extra = f"{kept}/{opts.writers * opts.adds} adds kept"


# --------------------------------------------------------------------------- phase d


def phase_rebuilds(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> None:
    oracle = build_chronicle(work / "rebuilds", opts.rebuild_entries, opts.seed + 5, opts.markers)
    root = oracle.root
    rng = random.Random(opts.seed + 6)
    started = time.monotonic()
    runner.run(tally, root, ["index"], timeout=opts.timeout * 4)
    build_seconds = time.monotonic() - started
    searches = 0
    # Rebuild and optimize while searches run.
    for round_ in range(opts.rebuilds):
        args = ["index", "--rebuild"] if round_ % 3 != 2 else ["index", "--optimize"]
        begun = time.monotonic()
        proc = runner.start(root, args)
        while proc.poll() is None:
            check_markers(runner, tally, oracle, words=[rng.choice(MARKERS)])
            searches += 1
        result = runner.finish(tally, args, proc, begun, timeout=opts.timeout * 4)
        tally.expect(result.rc == 0, f"{' '.join(args)}: exit {result.rc}: {shorten(result.err)}")
    # kill -9 at random moments: the whole group, or the main process alone.
    lingering = 0
    for round_ in range(opts.kills):
        args = ["index", "--rebuild"]
        proc = runner.start(root, args)
        time.sleep(rng.uniform(0.05, max(0.2, build_seconds)))
        whole = round_ % 3 != 0
        if whole:
            kill_group(proc.pid, signal.SIGKILL)
        else:
            with suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        with tally.lock:
            tally.runs += 1
        if not whole:
            deadline = time.monotonic() + 20
            while group_alive(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if group_alive(proc.pid):
                lingering += 1
                tally.problem("hangs", "index --rebuild: workers still running 20 s after "
                              "the main process was killed")
                kill_group(proc.pid, signal.SIGKILL)
        check_markers(runner, tally, oracle, words=[rng.choice(MARKERS)])
        indexed = runner.run(tally, root, ["index"], timeout=opts.timeout * 4)
        tally.expect(indexed.rc == 0, f"index after kill -9: exit {indexed.rc}: "
                     f"{shorten(indexed.err)}")
        check_markers(runner, tally, oracle, words=[rng.choice(MARKERS)])
    # Ctrl-C: SIGINT to the process group, as a terminal sends it.
    for _ in range(opts.sigints):
        args = ["index", "--rebuild"]
        begun = time.monotonic()
        proc = runner.start(root, args)
        time.sleep(rng.uniform(0.05, max(0.2, build_seconds)))
        kill_group(proc.pid, signal.SIGINT)
        result = runner.finish(tally, args, proc, begun)
        tally.expect(result.rc in (0, 130), f"index --rebuild after Ctrl-C: exit {result.rc}")
        if result.rc == 130:
            tally.expect(len(lines(result.err)) <= 2 and "Traceback" not in result.err,
                         f"Ctrl-C: more than one line: {shorten(result.err)}")
        time.sleep(0.5)
        leftover = group_alive(proc.pid)
        tally.expect(not leftover, f"Ctrl-C left {len(leftover)} processes running", "hangs")
        kill_group(proc.pid, signal.SIGKILL)
        check_markers(runner, tally, oracle, words=[rng.choice(MARKERS)])
    # Ctrl-C of a search, too.
    for _ in range(max(1, opts.sigints // 2)):
        args = ["search", rng.choice(MARKERS), "-f", "ids"]
        begun = time.monotonic()
        proc = runner.start(root, args)
        time.sleep(rng.uniform(0.05, 0.6))
        kill_group(proc.pid, signal.SIGINT)
        result = runner.finish(tally, args, proc, begun)
        tally.expect(result.rc in (0, 130), f"search after Ctrl-C: exit {result.rc}")
    check_markers(runner, tally, oracle)
    checked = runner.run(tally, root, ["index"])
    tally.expect(checked.rc == 0, f"final index: exit {checked.rc}")
    tally.extra = (f"build {build_seconds:.1f} s, {searches} searches during rebuilds"
                   + (f", {lingering} lingering" if lingering else ""))


# --------------------------------------------------------------------------- phase e


def phase_damage(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> None:
    figures = hostile_index_damage.damage_run(env=runner.env)
    tally.runs += figures["runs"]
    tally.hangs += figures["hangs"]
    tally.tracebacks += figures["tracebacks"]
    tally.wrong += figures["wrong first search"] + figures["wrong after index"]
    for problem in figures["problems"]:
        tally.problems.append(problem)
    tally.extra = f"{figures['cases']} damaged indexes"


# --------------------------------------------------------------------------- phase f


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    modes = {p: p.lstat().st_mode for p in [path, *path.rglob("*")] if not p.is_symlink()}
    for p, mode in modes.items():
        p.chmod(stat.S_IMODE(mode) & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            with suppress(OSError):
                p.chmod(stat.S_IMODE(mode))


@contextmanager
def bind_read_only(source: Path, target: Path) -> Iterator[bool]:
    target.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(source), str(target)],
                             capture_output=True).returncode == 0
    if mounted and subprocess.run(["mount", "-o", "remount,ro,bind", str(target)],
                                  capture_output=True).returncode != 0:
        subprocess.run(["umount", str(target)], capture_output=True)
        mounted = False
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], capture_output=True)


def reads_answer(runner: Runner, tally: Tally, oracle: Oracle, root: Path, env: dict[str, str],
                 what: str) -> None:
    good = oracle.good
    check_ids(tally, runner.run(tally, root, ["list", "-n", "0", "-f", "ids"], env=env), good,
              f"list ({what})")
    check_markers(runner, tally, oracle, root, env)
    for args, key in ((["stats", "-f", "json"], "entries"), (["timeline", "-f", "json"], "total")):
        result = runner.run(tally, root, args, env=env)
        tally.expect(result.rc == 0 and json_field(result, key) == len(good),
                     f"{args[0]} ({what}): exit {result.rc}, {json_field(result, key)}, "
                     f"expected {len(good)}: {shorten(result.err)}")
    for args in (["names"], ["check"], ["timeline"]):
        result = runner.run(tally, root, args, env=env)
        tally.expect(result.rc == 0, f"{args[0]} ({what}): exit {result.rc}: {shorten(result.err)}")
    exported = runner.run(tally, root, ["export", "-f", "json"], env=env)
    tally.expect(exported.rc == 0 and exported_count("json", exported.out) == len(good),
                 f"export ({what}): exit {exported.rc}: {shorten(exported.err)}")
    ident = sorted(oracle.ids_with(MARKERS[0]) or good)[0]
    shown = runner.run(tally, root, ["show", ident, "-f", "json"], env=env)
    tally.expect(shown.rc == 0, f"show ({what}): exit {shown.rc}: {shorten(shown.err)}")


def writes_refused(runner: Runner, tally: Tally, root: Path, env: dict[str, str], what: str,
                   entries: Path) -> None:
    before = snapshot(entries)
    added = runner.run(tally, root, ["add", "--title", "Refused write", "--date", "2014-01-01"],
                       env=env)
    tally.expect(added.rc != 0 and one_line_error(added),
                 f"add ({what}): exit {added.rc}: {shorten(added.err)}")
    rebuilt = runner.run(tally, root, ["index", "--rebuild"], env=env)
    tally.expect(rebuilt.rc == 0 or one_line_error(rebuilt),
                 f"index --rebuild ({what}): exit {rebuilt.rc}: {shorten(rebuilt.err)}")
    tally.expect(snapshot(entries) == before, f"entries/ changed ({what})", kind="lost")


def phase_read_only(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> None:
    if os.geteuid() == 0 and not runner.prefix:
        tally.skipped = "root with file permissions in force: chmod a-w does not bind"
        return
    for indexed in (True, False):
        name = "readonly-indexed" if indexed else "readonly-bare"
        oracle = build_chronicle(work / name, max(50, opts.entries // 2), opts.seed + 7,
                                 opts.markers)
        root = oracle.root
        if indexed:
            runner.run(tally, root, ["index"])
            # Out of date: a file added after the index was built.
            add_entry(oracle, "late/late.yaml", yaml_text(f"Late {MARKERS[0]}", "2014-02-02"),
                      [MARKERS[0]])
        cache = work / f"{name}-cache"
        cache.mkdir()
        stuck = work / f"{name}-stuck-cache"
        stuck.mkdir()
        state = "indexed, out of date" if indexed else "never indexed"
        with read_only(root), read_only(stuck):
            for env, what in (({"XDG_CACHE_HOME": str(cache)}, "cache writable"),
                              ({"XDG_CACHE_HOME": str(stuck)}, "no writable cache")):
                label = f"chmod a-w, {state}, {what}"
                reads_answer(runner, tally, oracle, root, env, label)
                writes_refused(runner, tally, root, env, label, root / "entries")
        if os.geteuid() == 0:
            with bind_read_only(root, work / f"{name}-mount") as mounted:
                if not mounted:
                    tally.skipped = "read-only bind mount refused"
                    continue
                mount = work / f"{name}-mount"
                for env, what in (({"XDG_CACHE_HOME": str(cache)}, "cache writable"),
                                  ({"XDG_CACHE_HOME": "/proc/no-cache"}, "no writable cache")):
                    label = f"read-only mount, {state}, {what}"
                    reads_answer(runner, tally, oracle, mount, env, label)
                    writes_refused(runner, tally, mount, env, label, mount / "entries")


# --------------------------------------------------------------------------- phase g


def fill(path: Path, leave: int = 0) -> int:
    """Write into `path` until the file system is full (or `leave` bytes remain)."""
    written = 0
    with open(path, "ab", buffering=0) as out:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            while True:
                free = shutil.disk_usage(path.parent).free
                if leave and free - size < leave:
                    break
                try:
                    count = out.write(b"\0" * size)
                except OSError:
                    break
                written += count or 0
                if not count:
                    break
    return written


def phase_full_disk(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path) -> None:
    if os.geteuid() != 0:
        tally.skipped = "not root: cannot mount a small tmpfs"
        return
    mount = work / "full"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        tally.skipped = "mount -t tmpfs refused"
        return
    try:
        full_disk_rounds(runner, tally, opts, work, mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def full_disk_rounds(runner: Runner, tally: Tally, opts: argparse.Namespace, work: Path,
                     mount: Path) -> None:
    # Small enough that its index fits twice over once the disk is freed.
    oracle = build_chronicle(mount / "chronicle", opts.full_entries, opts.seed + 8, 20)
    root = oracle.root
    entries = root / "entries"
    built = runner.run(tally, root, ["index"])
    if built.rc != 0:
        tally.skipped = f"the chronicle and its index do not fit the tmpfs: {shorten(built.err)}"
        return
    catalog = root / "index" / "catalog.sqlite"
    inode = catalog.stat().st_ino if catalog.exists() else None
    filler = mount / "filler"
    rng = random.Random(opts.seed + 9)
    kept = snapshot(entries)
    import_file = work / "import.json"
    import_file.write_text(json.dumps([
        {"title": f"Imported {i} {MARKERS[1]}", "date": f"2014-03-0{i + 1}"} for i in range(3)
    ]))

    def catalog_kept(what: str) -> None:
        now = catalog.stat().st_ino if catalog.exists() else None
        tally.expect(now == inode, f"{what}: the catalog was deleted or replaced", kind="lost")

    def entries_kept(what: str) -> None:
        now = snapshot(entries)
        for name, data in kept.items():
            if now.get(name) != data:
                tally.problem("lost", f"{what}: {name} lost or changed")
        for name in set(now) - set(kept):
            tally.problem("lost", f"{what}: {name} left behind by a failed write")

    def write_or_clear_error(args: list[str], what: str) -> Result:
        result = runner.run(tally, root, args)
        tally.expect(result.rc == 0 or one_line_error(result),
                     f"{what}: exit {result.rc}, not one line: {shorten(result.err)}")
        tally.expect((root / "index" / "whoosh").is_dir(), f"{what}: the search index is gone")
        return result

    for leave in (0, 0, 48 * 1024, 256 * 1024):
        filler.unlink(missing_ok=True)
        fill(filler, leave)
        what = f"disk full (left {leave // 1024} KB)"
        # Reads: the right answer, or one clear line.
        for args in (["list", "-n", "0", "-f", "ids"],
                     ["search", MARKERS[0], "-n", "0", "-f", "ids"]):
            result = runner.run(tally, root, args)
            if result.rc == 0 or not one_line_error(result):
                expected = oracle.good if args[0] == "list" else oracle.ids_with(MARKERS[0])
                check_ids(tally, result, expected, f"{args[0]} ({what})")
        for args in (["stats"], ["timeline"], ["check"], ["export", "-f", "json"]):
            write_or_clear_error(args, f"{args[0]} ({what})")
        # Writes: done whole, or refused in one line with nothing left behind.
        title = f"Written on a full disk {rng.randint(0, 10**6)} {MARKERS[2]}"
        added = write_or_clear_error(["add", "--title", title, "--date", "2014-07-07",
                                      "--body", "x " * rng.randint(10, 20_000)], f"add ({what})")
        if added.rc == 0 and lines(added.out):
            ident = lines(added.out)[0]
            path = entries / f"{ident}.yaml"
            try:
                ok = yaml.safe_load(path.read_text()).get("title") == title
            except (OSError, yaml.YAMLError, AttributeError):
                ok = False
            if tally.expect(ok, f"add ({what}): {ident} missing or truncated", kind="lost"):
                oracle.good.add(ident)
                oracle.ids_with(MARKERS[2]).add(ident)
                kept[f"{ident}.yaml"] = path.read_bytes()
        imported = write_or_clear_error(["import", str(import_file)], f"import ({what})")
        if imported.rc == 0:
            for ident in (line.removeprefix("created ") for line in lines(imported.out)):
                path = entries / f"{ident}.yaml"
                if tally.expect(path.is_file(), f"import ({what}): {ident} missing", "lost"):
                    oracle.good.add(ident)
                    oracle.ids_with(MARKERS[1]).add(ident)
                    kept[f"{ident}.yaml"] = path.read_bytes()
        write_or_clear_error(["index", "--rebuild"], f"index --rebuild ({what})")
        write_or_clear_error(["index", "--optimize"], f"index --optimize ({what})")
        entries_kept(what)
        catalog_kept(what)
    filler.unlink()
    what = "after the disk was freed"
    check_ids(tally, runner.run(tally, root, ["list", "-n", "0", "-f", "ids"]), oracle.good,
              f"list ({what})")
    check_markers(runner, tally, oracle)
    checked = runner.run(tally, root, ["check"])
    tally.expect(checked.rc == 0, f"check ({what}): exit {checked.rc}: {shorten(checked.out)}")
    entries_kept(what)
    catalog_kept(what)


# --------------------------------------------------------------------------- main

PRESETS = {
    "short": {"entries": 150, "markers": 40, "bad": 200, "queries": 300, "writers": 4,
              "adds": 6, "readers": 3, "rebuild_entries": 300, "rebuilds": 3, "kills": 5,
              "sigints": 3, "full_entries": 40, "timeout": 60.0},
    "long": {"entries": 1000, "markers": 120, "bad": 800, "queries": 3000, "writers": 8,
             "adds": 20, "readers": 4, "rebuild_entries": 1500, "rebuilds": 10, "kills": 20,
             "sigints": 10, "full_entries": 40, "timeout": 120.0},
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="the long preset (default short)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default=PHASES, help="which phases, e.g. abd (default all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="parallel queries in phase b")
    for name, value in PRESETS["short"].items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None,
                            help=f"default {value} (long: {PRESETS['long'][name]})")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    parser.add_argument("--as-root", action="store_true",
                        help="as root, keep the capabilities that override file modes")
    parser.add_argument("--verbose", action="store_true", help="print each problem as found")
    opts = parser.parse_args(argv)
    preset = PRESETS["long" if opts.long else "short"]
    for name, value in preset.items():
        if getattr(opts, name) is None:
            setattr(opts, name, value)
    return opts


def main(argv: Sequence[str] | None = None) -> int:
    global VERBOSE
    opts = parse(argv)
    VERBOSE = opts.verbose
    if not Path(CHRONICLE).exists():
        print(f"no chronicle command at {CHRONICLE}: run with the project's venv", file=sys.stderr)
        return 2
    work = opts.keep or Path(tempfile.mkdtemp(prefix="chronicle-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "xdg-cache"
    cache.mkdir(exist_ok=True)
    drop_caps = os.geteuid() == 0 and not opts.as_root and shutil.which("setpriv") is not None
    runner = Runner(opts.timeout, cache, drop_caps)
    load_before = os.getloadavg()
    cpu_before = os.times()
    print(f"hostile run: preset {'long' if opts.long else 'short'}, seed {opts.seed}, "
          f"phases {opts.phases}, work {work}, {os.cpu_count()} cores, load "
          f"{load_before[0]:.1f}, {'capabilities dropped' if drop_caps else 'as is'}",
          flush=True)
    names = {"a": "malformed files", "b": "fuzzed queries", "c": "concurrent writers+readers",
             "d": "rebuilds under load", "e": "index damage", "f": "read-only",
             "g": "full disk"}
    tallies: list[Tally] = []
    oracle = None
    for letter in opts.phases:
        tally = Tally(f"{letter}. {names[letter]}")
        tallies.append(tally)
        began = time.monotonic()
        print(f"{tally.name} ...", flush=True)
        phases: dict[str, Callable[..., object]] = {
            "a": phase_malformed, "b": phase_queries, "c": phase_concurrent,
            "d": phase_rebuilds, "e": phase_damage, "f": phase_read_only, "g": phase_full_disk,
        }
        extra = (oracle,) if letter == "b" else ()
        try:
            outcome = phases[letter](runner, tally, opts, work, *extra)
        except Exception as error:  # the script's own failure: say so and go on
            tally.problem("wrong", f"the phase itself failed: {error!r}")
            outcome = None
        if letter == "a" and isinstance(outcome, Oracle):
            oracle = outcome
        tally.seconds = time.monotonic() - began
    cpu = os.times()
    load_after = os.getloadavg()
    print()
    header = f"{'phase':30} {'runs':>6} {'hangs':>6} {'tracebacks':>10} {'wrong':>6} {'lost':>5} " \
             f"{'seconds':>8}  notes"
    print(header)
    print("-" * len(header))
    for t in tallies:
        note = t.skipped and f"skipped: {t.skipped}" or getattr(t, "extra", "")
        print(f"{t.name:30} {t.runs:6} {t.hangs:6} {t.tracebacks:10} {t.wrong:6} {t.lost:5} "
              f"{t.seconds:8.0f}  {note}")
    totals = [sum(getattr(t, k) for t in tallies) for k in ("runs", "hangs", "tracebacks",
                                                            "wrong", "lost")]
    print(f"{'total':30} {totals[0]:6} {totals[1]:6} {totals[2]:10} {totals[3]:6} {totals[4]:5} "
          f"{sum(t.seconds for t in tallies):8.0f}")
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          f"({os.cpu_count()} cores); children's CPU "
          f"{cpu.children_user - cpu_before.children_user:.0f} s user, "
          f"{cpu.children_system - cpu_before.children_system:.0f} s system")
    for t in tallies:
        if t.problems:
            print(f"\n{t.name}: {len(t.problems)} problems")
            for problem in t.problems[:15]:
                print(f"  {problem}")
            if len(t.problems) > 15:
                print(f"  ... and {len(t.problems) - 15} more")
    if not opts.keep:
        cleanup(work)
    return 1 if any(totals[1:]) else 0


def cleanup(work: Path) -> None:
    for path in [work, *work.rglob("*")]:
        with suppress(OSError):
            if not path.is_symlink():
                path.chmod(0o700 if path.is_dir() else 0o600)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
