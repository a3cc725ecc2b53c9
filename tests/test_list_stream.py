"""``list --format json/csv/yaml`` of every entry (no --limit) and ``timeline --format
json`` are written as the entries are read from the catalog, and are byte for byte what
the whole-list writers made of `select`'s (or `find`'s) entries, in every scope and
order, to a pipe and as UTF-8 bytes alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronicle.api import Chronicle
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.config import find_chronicle
from chronicle.formats import writer
from chronicle.query import Filters
from conftest import generator
from test_export_stream import ODD_ENTRIES


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("liststream") / "chron"
    generator()(root, 400, seed=3, invalid=2)
    for name, text in ODD_ENTRIES.items():
        if name != "deep.yaml":  # deep time takes the whole-list road: checked below
            (root / "entries" / name).write_text(text, encoding="utf-8")
    return root


SCOPES = {
    "all": ([], Filters()),
    "year": (["--year", "2001"], Filters.build(year="2001")),
    "span reversed": (["--from", "1900", "--to", "1950", "--reverse"],
                      Filters.build(from_="1900", to="1950")),
    "reversed": (["--reverse"], Filters()),
    "nothing": (["--year", "3999"], Filters.build(year="3999")),
    "tag": (["--tag", "trade"], Filters.build(tags=["trade"])),
    "limit": (["--limit", "7"], Filters()),
}


def expected(root: Path, fmt: str, filters: Filters, args: list[str]) -> str:
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else None
    with Chronicle(find_chronicle(root)) as book:
        entries = book.select(filters, limit=limit, reverse="--reverse" in args).entries
    return str(writer("list", fmt)(entries))


def listed(root: Path, *args: str, stdout: io.TextIOWrapper | None = None) -> tuple[int, str]:
    env = Environment(environ={"CHRONICLE_WATCH": "0"}, stdout=stdout) if stdout else None
    result = CliRunner().invoke(app, ["--root", str(root), "list", *args], obj=env,
                                env={"CHRONICLE_WATCH": "0"}, catch_exceptions=False)
    # The bytes: Click's stdout turns CSV's CRLF into LF.
    return result.exit_code, result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv", "yaml"])
@pytest.mark.parametrize("scope", SCOPES)
def test_list_writes_the_whole_list_text(generated: Path, fmt: str, scope: str) -> None:
    args, filters = SCOPES[scope]
    want = expected(generated, fmt, filters, args)
    code, text = listed(generated, *args, "--format", fmt)
    assert text == want
    assert code == (1 if scope == "nothing" else 0)
    if scope != "nothing":
        assert want.count("\n") > 3


def test_json_as_utf8_bytes(generated: Path) -> None:
    """To a UTF-8 pipe the stored bytes are written as they are: the same text."""
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    code, _ = listed(generated, "--format", "json", "--reverse", stdout=out)
    out.flush()
    assert code == 0
    assert buffer.getvalue().decode("utf-8") == expected(generated, "json", Filters(),
                                                         ["--reverse"])


def test_the_stream_reads_as_it_writes(generated: Path) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        streamed = book.stream("yaml", Filters())
        assert streamed is not None
        first = next(streamed.chunks)
        assert streamed.count == 256 and first.startswith("- id: ")


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_deep_time_in_order(generated: Path, tmp_path: Path,
                                             fmt: str) -> None:
    import shutil

    root = Path(shutil.copytree(generated, tmp_path / "deep"))
    (root / "entries" / "deep.yaml").write_text(ODD_ENTRIES["deep.yaml"], encoding="utf-8")
    code, text = listed(root, "--format", fmt)
    assert code == 0 and text == expected(root, fmt, Filters(), [])
    assert "Deep time" in text


TIMELINE_SCOPES = {
    "all": ([], Filters()),
    "year by day": (["--year", "2001", "--by", "day"], Filters.build(year="2001")),
    "span by year": (["--from", "1900", "--to", "1950", "--by", "year"],
                     Filters.build(from_="1900", to="1950")),
    "within": (["--from", "2014-04", "--to", "2014-06", "--within"],
               Filters.build(from_="2014-04", to="2014-06", within=True)),
    "tag": (["--tag", "trade"], Filters.build(tags=["trade"])),
    "nothing": (["--year", "3999"], Filters.build(year="3999")),
}


def timeline_reference(root: Path, query: str | None, filters: Filters, by: str) -> str:
    """``timeline --format json`` as it was made: every entry at once, then the document."""
    from chronicle.exchange.serialise import json_document
    from chronicle.timeline import Unit, build_timeline, to_data

    with Chronicle(find_chronicle(root)) as book:
        entries = book.find(query, filters).entries
    built = build_timeline(entries, by=Unit(by), is_imprecise=filters.is_imprecise)
    return json_document(to_data(built))


@pytest.mark.parametrize("query", [None, "commission OR government", "comission"])
@pytest.mark.parametrize("scope", TIMELINE_SCOPES)
def test_timeline_json_is_the_whole_document(generated: Path, scope: str,
                                             query: str | None) -> None:
    args, filters = TIMELINE_SCOPES[scope]
    by = args[args.index("--by") + 1] if "--by" in args else "month"
    want = timeline_reference(generated, query, filters, by)
    code, text = listed_timeline(generated, *([query] if query else []), *args)
    assert text == want + "\n"  # a document to stdout ends its line
    assert code == (0 if '"entries": [\n' in want else 1)


def listed_timeline(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--root", str(root), "timeline", *args,
                                      "--format", "json"],
                                env={"CHRONICLE_WATCH": "0"}, catch_exceptions=False)
    return result.exit_code, result.stdout


def test_timeline_json_of_entries_and_of_listings(generated: Path) -> None:
    """The writer gives the same text for a timeline of whole entries, and for one of
    listings with their entries read by file (twins and deep time included)."""
    from chronicle.exchange.serialise import json_document, timeline_json, timeline_json_chunks
    from chronicle.timeline import Unit, build_timeline, iter_items, to_data

    with Chronicle(find_chronicle(generated)) as book:
        entries = book.select().entries
        _, listings = book.select_listings()
        for by in Unit:
            for part in (slice(0, 0), slice(0, 1), slice(100, 180), slice(None)):
                whole = build_timeline(entries[part], by=by)
                lean = build_timeline(listings[part], by=by)
                want = json_document(to_data(whole))
                assert timeline_json(whole) == want
                read = book.whole_entries(item.entry for item in iter_items(lean))
                assert "".join(timeline_json_chunks(lean, read)) == want
        with pytest.raises(TypeError):
            timeline_json(build_timeline(listings[:3]))


def test_an_entry_gone_midway_is_an_error_not_a_silent_gap(generated: Path,
                                                          tmp_path: Path) -> None:
    import shutil

    from chronicle.errors import ChronicleError

    root = Path(shutil.copytree(generated, tmp_path / "gone"))
    with Chronicle(find_chronicle(root)) as book:
        _, listings = book.select_listings()
        read = book.whole_entries(listings)
        assert next(read).id == listings[0].id
        book.catalog.db.execute("DELETE FROM files WHERE relpath = ?",
                                (listings[300].path.split("/", 1)[1],))
        with pytest.raises(ChronicleError, match="changed while"):
            list(read)


def test_timeline_json_leaves_no_garbage_behind(generated: Path) -> None:
    """The command runs without the cyclic collector, but json's indenting encoder
    leaves a cycle per entry it writes: those are collected as it goes, not piled up."""
    import gc

    gc.collect()
    gc.disable()  # so that nothing but the command itself collects
    try:
        code, _ = listed_timeline(generated)
        left = gc.collect()
    finally:
        gc.enable()
    assert code == 0
    assert left < 2000  # 400 entries' cycles would be over 10,000 objects
