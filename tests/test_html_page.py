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
    SCRIPT,
    duration_label,
    html_page,
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


def test_entries_are_embedded_with_their_axis_positions(
    basic: tuple[list[Entry], NameRegistry],
) -> None:
    entries, registry = basic
    data = embedded(html_page(entries, title="Test chronicle", registry=registry))
    assert data["title"] == "Test chronicle"
    rows = {row["id"]: row for row in data["entries"]}
    assert list(rows) == [entry.id for entry in entries]
    caesar = rows["ancient/ides-of-march"]
    assert caesar["label"] == "15 Mar 44 BCE" and caesar["y"] == -43 and not caesar["vague"]
    year = rows["2014/2014-year"]
    assert year["vague"] and year["precision"] == "year"
    assert year["t1"] - year["t0"] == pytest.approx(365)
    visit = rows["2014/2014-04-17-visit"]
    assert visit["range"] and visit["duration"] == "2 days"
    assert visit["sources"][0]["url"] == "https://example.org/news/1"
    # Declared spellings ride along so a search for any of them finds the entry.
    assert "Tasmajdan Park" in visit["aliases"]
    starts = [row["t0"] for row in data["entries"]]
    assert starts == sorted(starts)


def test_filter_lists_group_spellings(basic: tuple[list[Entry], NameRegistry]) -> None:
    entries, registry = basic
    data = page_data(entries, title="t", registry=registry)
    places = [label for label, _ in data["options"]["place"]]
    assert "Tasmajdan Park" in places
    assert "Tashmay Park" not in places and "Tasmajdan park" not in places
    park = places.index("Tasmajdan Park")
    assert dict(map(tuple, data["options"]["place"]))["Tasmajdan Park"] == 2
    with_park = [row["id"] for row in data["entries"] if park in row["li"]]
    assert with_park == ["2014/2014-03-05-commission", "2014/2014-04-17-visit"]
    # Each name's option index stands at the name's position.
    for row in data["entries"]:
        assert len(row["li"]) == len(row["places"])
        assert len(row["pi"]) == len(row["people"]) and len(row["ti"]) == len(row["tags"])


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
    assert data["entries"][0]["title"] == HOSTILE
    assert data["entries"][0]["people"] == [HOSTILE]
    # Only http(s) sources become links, in the script.
    assert r"/^https?:\/\//i.test(s.url)" in SCRIPT


def test_script_json_round_trips_anything() -> None:
    value = {"a": [HOSTILE, "<b>&amp;</b>", "\u2029", "Ташмајдан", 1.5, None]}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_no_entries() -> None:
    page = html_page([], title="Empty")
    assert embedded(page)["entries"] == []
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
