"""What starting chronicle imports: help screens and ordinary commands load only what
they use (checked through ``sys.modules`` in a fresh interpreter, never by timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Never needed to show help: Markdown (markdown-it, Pygments through rich.syntax),
#: tracebacks, and the core's storage and search.
NOT_FOR_HELP = (
    "markdown_it", "pygments", "rich.markdown", "rich.syntax", "rich.traceback",
    "whoosh", "yaml", "sqlite3", "icalendar", "watchfiles", "rapidfuzz",
)

_RUN = """
import io, json, sys, contextlib
from chronicle.cli import main
shown = {}
for argv in json.loads(sys.argv[1]):
    sys.argv = ["chronicle", *argv]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main()
        except SystemExit:
            pass
    shown[" ".join(argv)] = out.getvalue()
print(json.dumps({"modules": sorted(sys.modules), "shown": shown}))
"""


def run_fresh(*argvs: list[str], cwd: Path | None = None) -> tuple[set[str], dict[str, str]]:
    """Run chronicle with each argv in turn in one fresh interpreter: the modules loaded
    by the end, and what each run wrote to stdout."""
    result = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(argvs)],
        capture_output=True, text=True, check=True, cwd=cwd,
    )
    report = json.loads(result.stdout)
    return set(report["modules"]), report["shown"]


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def command_names() -> list[str]:
    import typer

    from chronicle.cli import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_help_screen_loads_nothing_it_does_not_show() -> None:
    argvs = [["--help"], ["-h"], *[[name, "--help"] for name in command_names()]]
    modules, shown = run_fresh(*argvs)
    assert loaded(modules, NOT_FOR_HELP) == []
    # Still Typer's Rich help: the commands grouped in panels, the filters in theirs.
    assert "╭─ Find and read" in shown["--help"]
    assert "╭─ Filters" in shown["search --help"]
    assert all("Usage: chronicle" in text for text in shown.values()), shown


def test_a_crash_under_debug_still_draws_the_full_traceback() -> None:
    """The help screen's stand-in for rich.traceback hands over to the real one."""
    from chronicle.cli.helpformat import load_rich_help

    load_rich_help()
    import rich.traceback
    from typer import rich_utils

    try:
        raise ValueError("day 30")
    except ValueError as err:
        drawn = rich_utils.Traceback.from_exception(type(err), err, err.__traceback__)
    assert isinstance(drawn, rich.traceback.Traceback)
    assert drawn.trace.stacks[-1].exc_value == "day 30"


def test_a_command_imports_only_its_own_module(chronicle_root: Path) -> None:
    modules, shown = run_fresh(["show", "--help"], ["list", "--format", "ids"])
    assert "chronicle.cli.entries" in modules
    others = ("search", "timeline", "authoring", "exchange", "insight", "watch", "shell")
    assert loaded(modules, tuple(f"chronicle.cli.{name}" for name in others)) == []
    assert "Usage: chronicle show" in shown["show --help"]
    assert shown["list --format ids"].splitlines()[0] == "ancient/ides-of-march"
    # Once the catalog is made: neither what only a write needs (temporary files) nor
    # OpenSSL, for the scan's one digest.
    modules, shown = run_fresh(["list", "--format", "ids"])
    assert shown["list --format ids"].splitlines()[0] == "ancient/ides-of-march"
    assert loaded(modules, ("tempfile", "hashlib", "importlib.resources")) == []


def test_the_command_table_names_every_command_where_it_is_defined() -> None:
    """`chronicle.cli.COMMANDS` lists each command once, with the module that defines it,
    in panel order (`chronicle --help` lists them so)."""
    import typer

    from chronicle.cli import COMMANDS, app
    from chronicle.cli.app import KEEP, READ, SHARE, WRITE

    group = typer.main.get_command(app)
    commands = dict(group.commands.items())  # type: ignore[attr-defined]
    assert list(commands) == list(COMMANDS)
    for name, command in commands.items():
        assert command.callback.__module__ == f"chronicle.cli.{COMMANDS[name]}", name
    panels = [READ, WRITE, SHARE, KEEP]
    order = [panels.index(command.rich_help_panel) for command in commands.values()]
    assert order == sorted(order)
    # Every command registered on the app is in the table.
    assert len(app.registered_commands) == len(COMMANDS)


def test_a_search_loads_whoosh_without_asyncio_the_english_morphology_or_http(
        sample_root: Path) -> None:
    # Whoosh's reader takes one cached property from a package that imports asyncio, its
    # term queries import morphology tables chronicle never uses, and its compatibility
    # module takes a URL downloader from urllib.request (HTTP, e-mail, SSL): a search gets
    # stand-ins while those Whoosh modules load (chronicle.index.whooshimports).
    modules, shown = run_fresh(["index"], ["search", "Tasmajdan", "--format", "ids"],
                               cwd=sample_root)
    assert shown["search Tasmajdan --format ids"].split(), shown
    assert {"whoosh.reading", "whoosh.query.terms", "whoosh.compat"} <= modules
    assert not loaded(modules, ("asyncio", "cached_property", "whoosh.lang.morph_en",
                                "urllib.request", "http", "email", "ssl"))
    # Nor the HTML entity tables, OpenSSL, or the Snowball stemmers of other languages
    # (a search alone: making the catalog loads hashlib through `secrets`).
    modules, shown = run_fresh(["search", "Tasmajdan", "--format", "ids"], cwd=sample_root)
    assert shown["search Tasmajdan --format ids"].split(), shown
    assert not loaded(modules, ("html", "hashlib", "_hashlib"))
    # A word the chronicle holds finds its misspellings without rapidfuzz.
    assert not loaded(modules, ("rapidfuzz",))
    assert loaded(modules, ("whoosh.lang.snowball",)) == [
        "whoosh.lang.snowball", "whoosh.lang.snowball.bases", "whoosh.lang.snowball.english"]


_AFTER_A_SEARCH = """
import json, pathlib, sys, tempfile
import chronicle.index
import whoosh.reading, whoosh.query.terms, whoosh.compat, whoosh.filedb.filetables
import whoosh.lang.snowball.english
stand_in_urlretrieve = whoosh.compat.urlretrieve
reader_property = type(whoosh.reading.SegmentReader.__dict__["deleted_docs_set"])
hooks = [type(f).__name__ for f in sys.meta_path if type(f).__module__.startswith("chronicle")]
import cached_property
from whoosh.lang.morph_en import variations
import urllib.request
import hashlib, html
from whoosh.compat import htmlescape
from whoosh.filedb.filetables import md5_hash
import whoosh.lang.snowball as snowball
from whoosh.lang import stemmer_for_language
with tempfile.TemporaryDirectory() as folder:
    source = pathlib.Path(folder, "a.txt")
    source.write_text("fetched")
    fetched, _ = stand_in_urlretrieve(source.as_uri(), str(pathlib.Path(folder, "b.txt")))
    fetched_text = pathlib.Path(fetched).read_text()
print(json.dumps({
    "fetched": fetched_text,
    "urllib_request": urllib.request.__file__,
    "urllib_names": hasattr(urllib.request, "Request"),
    "reader_property": f"{reader_property.__module__}.{reader_property.__name__}",
    "hooks": hooks,
    "package": cached_property.__file__,
    "package_names": hasattr(cached_property, "threaded_cached_property"),
    "variations": sorted(whoosh.query.terms.variations("running")),
    "real_variations": sorted(variations("running")),
    "escaped": [htmlescape('<a href="x">&</a>'), htmlescape('"q"', quote=False)],
    "real_escaped": [html.escape('<a href="x">&</a>'), html.escape('"q"', quote=False)],
    "md5_hash": md5_hash(b"commission"),
    "real_md5_hash": int(hashlib.md5(b"commission").hexdigest(), 16) & 0xFFFFFFFF,
    "snowball_languages": sorted(snowball.classes),
    "snowball_stemmer": snowball.classes["en"] is snowball.EnglishStemmer,
    "german": stemmer_for_language("de")("häuser"),
    "snowball_getattr": "__getattr__" in vars(snowball),
    "snowball_missing": not hasattr(snowball, "no_such_name"),
}))
"""


def test_the_stand_ins_are_seen_by_whoosh_alone() -> None:
    report = json.loads(subprocess.run([sys.executable, "-c", _AFTER_A_SEARCH],
                                       capture_output=True, text=True, check=True).stdout)
    assert report["reader_property"] == "functools.cached_property"
    assert report["hooks"] == []  # gone once both modules are loaded
    # Code importing the package afterwards gets the real one, with all its names.
    assert report["package"].endswith("cached_property.py") and report["package_names"]
    assert report["variations"] == report["real_variations"]
    assert "ran" in report["variations"]
    assert report["urllib_request"].endswith("request.py") and report["urllib_names"]
    # Whoosh's own name for the downloader still downloads, through the real module.
    assert report["fetched"] == "fetched"
    assert report["escaped"] == report["real_escaped"]
    assert report["md5_hash"] == report["real_md5_hash"]
    # The Snowball package runs its own code when first asked for more than a submodule.
    assert len(report["snowball_languages"]) == 14 and "ru" in report["snowball_languages"]
    assert report["snowball_stemmer"] and report["german"] == "haus"
    assert not report["snowball_getattr"] and report["snowball_missing"]


def test_whoosh_loaded_first_is_left_as_it_is() -> None:
    code = ("import sys, whoosh.reading, whoosh.query.terms, whoosh.compat, "
            "whoosh.filedb.filetables, whoosh.lang.snowball, chronicle.index; "
            "print(type(whoosh.reading.SegmentReader.__dict__['deleted_docs_set']).__module__, "
            "any(type(f).__module__.startswith('chronicle') for f in sys.meta_path))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["cached_property", "False"]


def test_a_piped_search_loads_no_rich(sample_root: Path) -> None:
    """Into a pipe, the results and the summary line are plain text: Rich is not loaded."""
    run_fresh(["index"], cwd=sample_root)
    modules, shown = run_fresh(["search", "Tasmajdan"], cwd=sample_root)
    assert "Tasmajdan" in shown["search Tasmajdan"] or "Tašmajdan" in shown["search Tasmajdan"]
    assert loaded(modules, ("rich",)) == []


def test_a_listing_a_watcher_vouches_for_reads_no_entry_file_code(chronicle_root: Path) -> None:
    """With ``chronicle watch`` running, list and timeline stat no file and read none:
    neither the store (its YAML parsing) nor the catalog's file reading is loaded."""
    import socket
    import threading

    import pytest

    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("Unix sockets")
    from chronicle.config import find_chronicle
    from chronicle.watcher import Watcher

    run_fresh(["list", "--format", "ids"])  # the catalog made (that reads every file)
    watcher = Watcher(find_chronicle(chronicle_root))
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert watcher.ready.wait(30), "the watcher did not start"
        modules, shown = run_fresh(["list", "--year", "2014"], ["timeline", "--year", "2014"],
                                   ["list", "--year", "2014", "--format", "ids"])
    finally:
        watcher.stop()
        thread.join(10)
    assert "2014/2014-04-17-visit" in shown["list --year 2014 --format ids"]
    assert "April 2014" in shown["timeline --year 2014"]
    assert loaded(modules, ("chronicle.store", "chronicle.catalog.reading", "yaml")) == []


def test_a_piped_list_loads_no_rich(chronicle_root: Path) -> None:
    """Into a pipe, `list` writes its plain rows: Rich is not loaded."""
    run_fresh(["list", "--format", "ids"])
    modules, shown = run_fresh(["list", "--year", "2014"])
    assert "2014" in shown["list --year 2014"]
    assert loaded(modules, ("rich",)) == []


def test_a_piped_timeline_or_stats_loads_no_rich(chronicle_root: Path) -> None:
    """Into a pipe, `timeline` and `stats` write the text Rich would: Rich is not loaded."""
    run_fresh(["list", "--format", "ids"])
    commands = [["timeline"], ["timeline", "--year", "2014", "--by", "day"], ["stats"],
                ["stats", "--by", "month"], ["stats", "--by", "person"]]
    for argv in commands:
        modules, shown = run_fresh(argv)
        assert shown[" ".join(argv)].strip(), argv
        assert loaded(modules, ("rich",)) == [], argv
