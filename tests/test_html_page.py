"""The timeline page as text: one self-contained document, data embedded safely."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from chronicle.calendar import day_number
from chronicle.config import find_chronicle
from chronicle.dates import PartialDate
from chronicle.html_page import (
    CSS,
    DETAILS_CHUNK,
    POSTING_DIGITS,
    SCRIPT,
    decode_postings,
    deflate_chunks,
    duration_label,
    encode_postings,
    html_page,
    inflate_chunks,
    page_data,
    script_json,
)
from chronicle.model import Entry, Source
from chronicle.names import NameRegistry, fold
from chronicle.store import load_all

DATA = Path(__file__).parent / "data"
HOSTILE = '</script><script>alert(1)</script><!-- & "quotes" \u2028'


@pytest.fixture
def basic() -> tuple[list[Entry], NameRegistry]:
    chronicle = find_chronicle(DATA / "basic")
    return load_all(chronicle).entries, NameRegistry.from_config(chronicle.config.names)


def embedded(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="chronicle-data">(.*?)</script>', page, re.S
    )
    assert match, "no data block"
    return json.loads(match.group(1))


def test_one_document_with_everything_inline(basic: tuple[list[Entry], NameRegistry]) -> None:
    entries, registry = basic
    page = html_page(entries, title="Test chronicle", registry=registry)
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<style>") == 1 and page.count("<script") == 2
    # Nothing is fetched: no external scripts, styles, images, fonts or frames.
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    assert "@import" not in page and "url(" not in CSS
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media (max-width: 640px)" in page


def test_content_security_policy_allows_only_the_inline_code(
    basic: tuple[list[Entry], NameRegistry],
) -> None:
    page = html_page(basic[0], title="t")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy
    directives = dict(item.strip().split(" ", 1) for item in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'"

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert style and script
    assert directives["style-src"] == sha(style.group(1)) == sha(CSS)
    assert directives["script-src"] == sha(script.group(1)) == sha(SCRIPT)


def rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's columns read back as one mapping per entry, by id."""
    columns = data["entries"]
    return {
        entry_id: {field: values[number] for field, values in columns.items()}
        for number, entry_id in enumerate(columns["id"])
    }


def test_entries_are_embedded_as_columns_with_their_axis_positions(
    basic: tuple[list[Entry], NameRegistry],
) -> None:
    entries, registry = basic
    data = embedded(html_page(entries, title="Test chronicle", registry=registry))
    assert data["title"] == "Test chronicle"
    # One list per field, each as long as the entries: no per-entry objects, no keys repeated.
    assert {len(values) for values in data["entries"].values()} == {len(entries)}
    by_id = rows(data)
    assert list(by_id) == [entry.id for entry in entries]
    caesar = by_id["ancient/ides-of-march"]
    assert caesar["label"] == "15 Mar 44 BCE" and caesar["y"] == -43
    assert data["precisions"][caesar["precision"]] == "day"
    year = by_id["2014/2014-year"]
    assert data["precisions"][year["precision"]] == "year" and year["m"] == 0
    assert year["t1"] - year["t0"] == pytest.approx(365)
    visit = by_id["2014/2014-04-17-visit"]
    assert visit["range"] == 1 and visit["duration"] == "2 days"
    assert visit["more"] == 3  # a body and sources
    body, sources = inflate_chunks(data["details"])[list(by_id).index(visit["id"])]
    assert sources[0][1] == "https://example.org/news/1"
    assert body == next(entry.body for entry in entries if entry.id == visit["id"])
    names = data["kinds"]["person"]["names"]
    assert "Zakir Hasanov" in [names[k] for k in visit["people"]]
    starts = data["entries"]["t0"]
    assert starts == sorted(starts)


def searched_on_the_page(data: dict[str, Any], word: str) -> list[str]:
    """The entries holding a word that begins so, read from the page's word table."""
    ids = data["entries"]["id"]
    found: set[int] = set()
    for key, posting in zip(data["words"], data["postings"], strict=True):
        if key.startswith(word):
            found.update(decode_postings(posting))
    return [ids[number] for number in sorted(found)]


def test_the_word_table_holds_every_searched_field(
    basic: tuple[list[Entry], NameRegistry],
) -> None:
    entries, registry = basic
    data = embedded(html_page(entries, title="t", registry=registry))
    assert data["words"] == sorted(data["words"])
    # Folded and variant-keyed as the script keys a typed word: Vučić, Вучић, Vucic.
    assert searched_on_the_page(data, "vucic") == ["2014/2014-04-17-visit"]
    # A spelling declared in chronicle.yaml finds the entries naming another.
    assert searched_on_the_page(data, "tasmaidan") == [
        "2014/2014-03-05-commission", "2014/2014-04-17-visit"]
    # The date as shown and as written, and source titles, are searched too.
    assert "ancient/ides-of-march" in searched_on_the_page(data, "bce")
    assert "2014/2014-04-17-visit" in searched_on_the_page(data, "2014")
    every = {number for posting in data["postings"] for number in decode_postings(posting)}
    assert every == set(range(len(entries)))


def test_details_come_in_deflated_chunks() -> None:
    rows = [[f"Body {number} " * (number % 5), []] for number in range(DETAILS_CHUNK * 2 + 3)]
    chunks = deflate_chunks(rows)
    assert len(chunks) == 3
    assert inflate_chunks(chunks) == rows
    assert all(re.fullmatch(r"[A-Za-z0-9+/=]*", chunk) for chunk in chunks)


@pytest.mark.parametrize(
    "numbers", [[], [0], [0, 1, 2, 40], [31], [32], [1023, 1024, 1025], [5, 10**6, 10**9]]
)
def test_postings_round_trip(numbers: list[int]) -> None:
    text = encode_postings(numbers)
    assert decode_postings(text) == numbers
    assert set(text) <= set(POSTING_DIGITS)
    # Entries in a row cost a character each.
    assert encode_postings(list(range(100))) == "0" * 100


def test_filter_lists_group_spellings(basic: tuple[list[Entry], NameRegistry]) -> None:
    entries, registry = basic
    data = page_data(entries, title="t", registry=registry)
    places = [label for label, _ in data["options"]["place"]]
    assert "Tasmajdan Park" in places
    assert "Tashmay Park" not in places and "Tasmajdan park" not in places
    park = places.index("Tasmajdan Park")
    assert dict(map(tuple, data["options"]["place"]))["Tasmajdan Park"] == 2
    kind = data["kinds"]["place"]
    columns = data["entries"]
    with_park = [entry_id for entry_id, spellings in zip(columns["id"], columns["places"],
                                                          strict=True)
                 if park in [kind["option"][k] for k in spellings]]
    assert with_park == ["2014/2014-03-05-commission", "2014/2014-04-17-visit"]
    # Each name is written once, and each entry's names are as the entry wrote them.
    for field, kind_name in (("people", "person"), ("places", "place"), ("tags", "tag")):
        table = data["kinds"][kind_name]
        assert len(set(table["names"])) == len(table["names"]) == len(table["option"])
        for entry, spellings in zip(entries, columns[field], strict=True):
            assert [table["names"][k] for k in spellings] == list(getattr(entry, field))


def test_hostile_text_cannot_break_out_of_the_data_block() -> None:
    entry = Entry(
        id="x", title=HOSTILE, date=PartialDate(2014), body=HOSTILE, people=(HOSTILE,),
        sources=(Source(title=HOSTILE, url="javascript:alert(1)"),),
    )
    page = html_page([entry], title=HOSTILE)
    assert page.count("</script>") == 2  # the data block's and the code's own
    assert "<!--" not in page
    assert f"<title>{HOSTILE}" not in page
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)" in page
    data = embedded(page)
    assert data["title"] == HOSTILE
    assert data["entries"]["title"] == [HOSTILE]
    assert inflate_chunks(data["details"]) == [
        [HOSTILE, [[HOSTILE, "javascript:alert(1)", ""]]]]
    assert data["kinds"]["person"]["names"] == [HOSTILE]
    # Only http(s) sources become links, in the script.
    assert r"/^https?:\/\//i.test(url)" in SCRIPT


def test_script_json_round_trips_anything() -> None:
    value = {"a": [HOSTILE, "<b>&amp;</b>", "\u2029", "Ташмајдан", 1.5, None]}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_no_entries() -> None:
    page = html_page([], title="Empty")
    assert embedded(page)["entries"]["id"] == []
    assert "No entries" in page


@pytest.mark.parametrize(
    "day", [dt.date(1970, 1, 1), dt.date(2014, 4, 17), dt.date(1, 1, 1), dt.date(2000, 2, 29),
            dt.date(1900, 3, 1), dt.date(9999, 12, 31)]
)
def test_day_numbers_match_the_calendar(day: dt.date) -> None:
    assert day_number(day.year, day.month, day.day) == (day - dt.date(1970, 1, 1)).days


def test_day_numbers_run_on_through_bce_and_deep_time() -> None:
    # 1 BCE (year 0) is a leap year; the day before 1 Jan 1 CE is 31 Dec 1 BCE.
    assert day_number(1, 1, 1) - day_number(0, 12, 31) == 1
    assert day_number(1, 1, 1) - day_number(0, 1, 1) == 366
    assert day_number(-43, 3, 15) < day_number(-43, 3, 16)
    assert day_number(-4_500_000_000, 1, 1) < day_number(-4_499_999_999, 1, 1)


@pytest.mark.parametrize(
    ("days", "label"),
    [(0.5, None), (1, "1 day"), (2, "2 days"), (59, "59 days"), (92, "3 months"),
     (731, "2 years"), (365.2425 * 1500, "1,500 years")],
)
def test_duration_labels(days: float, label: str | None) -> None:
    assert duration_label(days) == label


def test_page_folds_with_the_same_letters_as_the_cli() -> None:
    data = page_data([], title="t")
    table = data["fold"]
    for letter, replacement in table.items():
        assert fold(letter) == replacement or fold(letter) == fold(replacement)
    for letter in "đəłøßшчћђж":
        assert letter in table
    assert "normalize(\"NFKD\")" in SCRIPT and "\\p{M}" in SCRIPT
