"""The page written piece by piece, from entries read one at a time, is the page the
whole-string writer made (``html_page_reference``), byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chronicle.api import Chronicle
from chronicle.html_page import DETAILS_CHUNK, PageWriter, html_page
from chronicle.model import Entry
from conftest import generator
from html_page_reference import whole_page

ODD = {
    "hostile.yaml": (
        "title: '</script><script>alert(1)</script><!-- & \"q\"'\ndate: 2014-04-17\n"
        "summary: \"line\\u2028separator\\u2029paragraph & <b>\"\n"
        "body: \"</script> \\U0001F600 \\U0001D518 astral, \\x01 control, _under_score_\"\n"
        "people: ['</script>', Aleksandar Vučić, Aleksandar Vucic]\n"
        "sources: [{title: '<!--', url: 'javascript:alert(1)'}, https://example.org/a]\n"
    ),
    "deep.yaml": "title: Deep time\ndate: -800000000\n",
    "bce.yaml": "title: Ides of March\ndate: -0043-03-15\nend: -0043-03-17\n",
    "far.yaml": "title: Far future\ndate: 800000000\ntags: [far]\n",
    "empty.yaml": "title: 'Ташмајдан, Đorđević, straße, Straße'\ndate: 2014-04\nbody: ''\n",
    "moment.yaml": "title: A moment\ndate: 2014-04-17T10:30:15\nend: 2014-04-17T10:30:16\n",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated entries (every precision, BCE, ranges, spelling families, a names:
    block, broken files) and odd ones: hostile text, astral characters, deep time."""
    root = tmp_path_factory.mktemp("html") / "chron"
    generator()(root, 530, seed=11, invalid=2)
    for name, text in ODD.items():
        (root / "entries" / name).write_text(text, encoding="utf-8")
    return root


def _entries(root: Path, **filters: Any) -> tuple[list[Entry], Any, str]:
    with Chronicle.open(root) as book:
        return book.select(**filters).entries, book.registry, book.title


def test_the_fixture_is_odd_enough(generated: Path) -> None:
    entries, registry, _ = _entries(generated)
    assert len(entries) > 2 * DETAILS_CHUNK + 1
    assert {entry.id for entry in entries} >= {"hostile", "deep", "bce", "far", "empty"}
    assert registry.forms("Aleksandar Vucic")
    with Chronicle.open(generated) as book:
        assert book.stream("html") is not None  # export reads the catalog row by row


@pytest.mark.parametrize("count", [0, 1, DETAILS_CHUNK, DETAILS_CHUNK + 1, None])
def test_the_streamed_page_is_the_whole_string_page(generated: Path, count: int | None) -> None:
    entries, registry, _ = _entries(generated)
    entries = entries[-count:] if count else entries[:count]  # the odd ones sort last
    writer = PageWriter(title="A <chronicle> & more", registry=registry)
    for entry in entries:
        writer.add(entry)
    streamed = "".join(writer.chunks())
    assert streamed == whole_page(entries, title="A <chronicle> & more", registry=registry)
    assert streamed == html_page(entries, title="A <chronicle> & more", registry=registry)


@pytest.mark.parametrize(
    "options", [[], ["--year", "2014"], ["--from", "1990", "--to", "1999-06"],
                ["--person", "Vučić"], ["--title", "Другой"]],
)
def test_export_writes_the_whole_string_page(
    generated: Path, tmp_path: Path, cli: Any, options: list[str]
) -> None:
    # Without name filters the export streams the entries from the catalog; with them it
    # takes the other road. Both give the page of the entries `select` keeps.
    target = tmp_path / "page.html"
    result = cli("--root", str(generated), "export", *options, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    filters: dict[str, Any] = {}
    if "--year" in options:
        filters["year"] = 2014
    if "--from" in options:
        filters.update(from_="1990", to="1999-06")
    if "--person" in options:
        filters["people"] = ["Vučić"]
    entries, registry, title = _entries(generated, **filters)
    if "--title" in options:
        title = "Другой"
    assert 0 < len(entries) and f"Wrote {len(entries)} entries as html" in result.stderr
    expected = whole_page(entries, title=title, registry=registry)
    assert target.read_bytes() == expected.encode("utf-8")


def test_export_to_standard_output_is_the_same_page(
    generated: Path, tmp_path: Path, cli: Any
) -> None:
    target = tmp_path / "page.html"
    cli("--root", str(generated), "export", "-o", str(target))
    result = cli("--root", str(generated), "export", "--format", "html")
    assert result.exit_code == 0
    assert result.stdout == target.read_text(encoding="utf-8")


def test_the_same_chronicle_gives_the_same_page_in_every_run(
    generated: Path, tmp_path: Path
) -> None:
    # Python orders sets of words differently in each process (hash randomisation);
    # the page must not depend on it.
    pages = []
    for seed in ("1", "2"):
        target = tmp_path / f"page-{seed}.html"
        subprocess.run(
            [sys.executable, "-m", "chronicle", "--root", str(generated), "export", "-o",
             str(target)],
            check=True, capture_output=True, env=dict(os.environ, PYTHONHASHSEED=seed),
        )
        pages.append(target.read_bytes())
    assert pages[0] == pages[1]
