"""csv, markdown, ics and timelinejs exports written piece by piece from the catalog are
byte for byte the documents the whole-list exporters made (kept in `export_reference`),
to stdout and to a file, with filters and with a query; a failure midway leaves no file."""

from __future__ import annotations

import errno
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import export_reference as reference
from chronicle.api import Chronicle
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.config import find_chronicle
from chronicle.exchange import ExchangeError, ExportOptions
from chronicle.model import Entry
from chronicle.query import Filters
from conftest import generator

NOW = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
FORMATS = ("csv", "markdown", "ics", "timelinejs")

ODD_ENTRIES = {
    # Cells a spreadsheet would run, a BCE day, custom fields of every kind.
    "formula.yaml": (
        "title: '=HYPERLINK(\"http://evil.example\")'\ndate: -0043-03-15\n"
        "summary: '+1 and more'\nbody: \"-2\\n@cmd\\n\\n'=quoted\"\n"
        "people: ['@alice', 'Semi;colon \\\\ back']\ntags: [-minus]\n"
        "note: '=1+1'\ncount: 42\nflag: 'true'\nratio: 0.5\nlisted: [1, two]\n"
        "uid: imported-1@example.org\n"
    ),
    # A multi-line Markdown body, non-ASCII, control characters, sources of every shape.
    "controls.yaml": (
        "title: \"Bell \\a and escape \\e[31m red \\u2028 Ünïcødé 漢字\"\ndate: 2014-04\n"
        "end: 2014-06\nsummary: \"Tab\\tand CR\\r inside\"\n"
        "body: |\n  # Heading *star* [link](http://x.example)\n\n  - one\n  - two\n\n"
        "  <script>alert(1)</script>\n"
        "places: [Kraków, 'São Paulo']\npeople: [Александар Вучић]\n"
        "sources: [https://example.org/a, {title: 'A \"quoted\" title', url: "
        "'https://example.org/b', date: '2014-05-01'}, {title: Only a title}, "
        "'javascript:alert(1)']\n"
    ),
    "timed.yaml": (
        "title: Timed\ndate: '2014-04-17T09:30'\nend: '2014-04-17T11:00'\ntags: [a, b]\n"
    ),
    "year-range.yaml": "title: The war\ndate: 1914\nend: 1918\nsummary: '  '\n",
    # Beyond iCalendar's years (left out with a warning) and beyond TimelineJS's human scale.
    "far.yaml": "title: Far future\ndate: 12000-01-01\n",
    "deep.yaml": "title: Deep time\ndate: -300000\nend: -299000\n",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stream") / "chron"
    generator()(root, 600, seed=11, invalid=2)
    for name, text in ODD_ENTRIES.items():
        (root / "entries" / name).write_text(text, encoding="utf-8")
    return root


def expected(fmt: str, entries: list[Entry], title: str, group_by: str | None = None
             ) -> tuple[str, list[str], int | None]:
    options = ExportOptions(title=title, group_by=group_by, now=NOW)
    if fmt == "csv":
        return reference.to_csv(entries), [], None
    if fmt == "markdown":
        return reference.export_markdown(entries, options), [], None
    if fmt == "ics":
        return reference.export_ics(entries, options)
    return reference.export_timelinejs(entries, options), [], None


FILTERS = {
    "all": Filters(),
    "2014": Filters.build(year="2014"),
    "bce": Filters.build(from_="-0100", to="0100"),
    "within": Filters.build(from_="1900", to="1950", within=True),
    "none": Filters.build(year="3999"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scope", FILTERS)
def test_stream_equals_the_whole_document(generated: Path, fmt: str, scope: str) -> None:
    filters = FILTERS[scope]
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.select(filters).entries
        streamed = book.stream(fmt, filters, now=NOW, group_by="place")
        assert streamed is not None
        if fmt == "ics" and scope in ("bce", "none"):
            # No event can be written: the error comes before any text.
            with pytest.raises(ExchangeError):
                next(streamed.chunks)
            with pytest.raises(ExchangeError):
                expected(fmt, entries, book.title)
            return
        text = "".join(streamed.chunks)
        want, warnings, written = expected(fmt, entries, book.title, "place")
        assert book.export(entries, fmt, now=NOW, group_by="place").text == want
    assert text == want
    assert streamed.warnings == warnings
    assert streamed.written == written
    assert streamed.count == len(entries)
    if scope != "none":
        assert entries


def test_the_fixture_holds_the_odd_entries(generated: Path) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        ids = {entry.id for entry in book.select().entries}
        assert {name.removesuffix(".yaml") for name in ODD_ENTRIES} <= ids
        text = "".join(book.stream("ics", now=NOW).chunks)  # type: ignore[union-attr]
    assert "left out" in reference.export_ics(book.select().entries,
                                              ExportOptions(now=NOW))[1][0]
    assert "X-CHRONICLE-ID:controls" in text
    with Chronicle(find_chronicle(generated)) as book:
        table = "".join(book.stream("csv").chunks)  # type: ignore[union-attr]
    assert "'=HYPERLINK" in table and "\x1b[31m" in table


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_stream_reads_entries_as_it_writes(generated: Path, fmt: str) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        total = len(book.select().entries)
        streamed = book.stream(fmt, now=NOW)
        assert streamed is not None
        next(streamed.chunks)
        # iCalendar reads on past the entries it leaves out (BCE years).
        assert 0 < streamed.count <= (total // 2 if fmt == "ics" else 257) < total
        for _ in streamed.chunks:
            pass
        assert streamed.count == total


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, clock=lambda: NOW)
    code = CliRunner().invoke(app, list(args), obj=env, catch_exceptions=False).exit_code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("how", [
    ("--year", "2014"),
    ("--from", "-0050", "--to", "1920", "--title", "Other title"),
    ("war",),  # a query: the entries the search finds
    ("--tag", "economy"),  # a name filter: the entries' own rule
])
def test_the_command_writes_the_same_bytes_to_stdout_and_to_a_file(
        generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str,
        how: tuple[str, ...]) -> None:
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    args = ("export", "--format", fmt, "--group-by", "tag", *how)
    code, stdout, stderr = run(*args)
    target = tmp_path / "out.data"
    file_code, _, file_err = run(*args, "-o", str(target))
    query = how[0] if not how[0].startswith("-") else None
    options = dict(zip(how[::2], how[1::2], strict=False)) if query is None else {}
    title = options.pop("--title", None)
    filters = Filters.build(
        year=options.get("--year"), from_=options.get("--from"),
        to=options.get("--to"), tags=[options["--tag"]] if "--tag" in options else [])
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.find(query, filters).entries
        want, warnings, written = expected(fmt, entries, title or book.title, "tag")
    assert entries
    assert (code, file_code) == (0, 0), stderr + file_err
    assert stdout == want
    assert target.read_bytes() == want.encode("utf-8")
    count = len(entries) if written is None else written
    assert f"Wrote {count} {'entry' if count == 1 else 'entries'} as {fmt}" in file_err
    for message in warnings:
        assert message in stderr and message in file_err


def test_a_failure_midway_leaves_the_old_file(generated: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.exchange import markdown

    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "kept.md"
    target.write_text("the old export\n", encoding="utf-8")
    real = markdown.entry_lines
    calls = 0

    def full_disk(entry: Entry) -> list[str]:
        nonlocal calls
        calls += 1
        if calls > 400:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(entry)

    monkeypatch.setattr(markdown, "entry_lines", full_disk)
    code, _, stderr = run("export", "--format", "markdown", "-o", str(target))
    assert code != 0
    assert calls > 400
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert sorted(path.name for path in target.parent.iterdir()) == ["kept.md"]


def test_an_ics_of_no_writable_event_writes_nothing(generated: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    code, stdout, stderr = run("export", "--format", "ics", "--from", "-0100",
                               "--to", "0100")
    assert code != 0 and stdout == ""
    assert "nothing was written" in stderr
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "none.ics"
    code, _, _ = run("export", "--format", "ics", "--year", "3999", "-o", str(target))
    assert code != 0 and not target.exists()
    assert list(target.parent.iterdir()) == []


QUERIES = {
    "word": ("war", Filters()),
    "word and year": ("war", Filters.build(from_="1900", to="1999")),
    "word and tag": ("war", Filters.build(tags=["economy"])),
    "phrase or name": ('"the war" OR Vučić', Filters()),
    "a name within dates": ("Vučić", Filters.build(from_="2000", to="2020", within=True)),
    "nothing": ("war", Filters.build(year="3999")),
}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "html", *FORMATS])
@pytest.mark.parametrize("case", QUERIES)
def test_a_query_streams_what_find_gives(generated: Path, monkeypatch: pytest.MonkeyPatch,
                                         fmt: str, case: str) -> None:
    """Streamed with a query, an export is the whole document of the entries `find`
    gives, and the search reads back no entry from the catalog to make it."""
    from chronicle.catalog import Catalog

    query, filters = QUERIES[case]
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.find(query, filters).entries
        try:
            want = book.export(entries, fmt, now=NOW, group_by="place")
        except ExchangeError:
            want = None  # iCalendar with no event it can write
        monkeypatch.setattr(Catalog, "get_many", lambda *a: pytest.fail("entries read"))
        streamed = book.stream(fmt, filters, now=NOW, group_by="place", query=query)
        assert streamed is not None
        if want is None:
            with pytest.raises(ExchangeError):
                "".join(streamed.chunks)
            return
        text = "".join(streamed.chunks)
    assert text == want.text
    assert streamed.count == len(entries)
    assert streamed.written == want.written
    assert streamed.warnings == want.warnings
    assert (len(entries) == 0) == (case == "nothing")


def test_a_query_that_finds_most_entries_streams_them_all(generated: Path) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        every = book.select().entries
        found = book.find("--year 0001 OR NOT zzzqqq").entries
        streamed = book.stream("jsonl", query="--year 0001 OR NOT zzzqqq")
        assert streamed is not None
        lines = "".join(streamed.chunks).rstrip("\n").split("\n")  # U+2028 stays in
    assert len(lines) == len(found)
    assert len(found) > len(every) * 0.9


@pytest.mark.parametrize("fmt", ["json", "html", "csv"])
def test_the_command_with_a_query_writes_what_find_gives(
        generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    target = tmp_path / f"out.{fmt}"
    code, stdout, stderr = run("export", "war", "--year", "2014", "--format", fmt)
    file_code, _, file_err = run("export", "war", "--year", "2014", "--format", fmt,
                                 "-o", str(target))
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.find("war", Filters.build(year="2014")).entries
        want = book.export(entries, fmt, now=NOW).text
    assert entries and (code, file_code) == (0, 0), stderr + file_err
    assert stdout == want
    assert target.read_bytes() == want.encode("utf-8")
    assert f"Wrote {len(entries)} entries as {fmt}" in file_err
    code, stdout, stderr = run("export", "war", "--year", "3999", "--format", fmt)
    assert code == 1 and "No entries match." in stderr
