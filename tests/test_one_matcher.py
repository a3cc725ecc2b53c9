"""One matcher everywhere: search, the --person/--place filters, ``names`` and the HTML
page's offline search agree on what a spelling finds, on a chronicle nobody curated."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from chromium import Tab
from chronicle import index
from chronicle.catalog import select
from chronicle.config import find_chronicle
from chronicle.html_page import html_page
from chronicle.name_groups import group_names
from chronicle.query import Filters
from test_html_browser import VISIBLE_IDS, browser  # noqa: F401 (a fixture)

#: Spellings the sample's entries do not use for people they name, and the spelling
#: they do use.
PEOPLE = {
    "Haydar Aliyev": "Heydar Aliyev",
    "Geidar Aliyev": "Heydar Aliyev",
    "Gasanov": "Hasanov",
    "Aleksandar Vucic": "Alexander Vucic",
}
WORDS = ["Haydar", "Geidar", "Gasanov", "Xocalı", "Aleksandar", "Tasmajdn", "Azerbaidzhan"]


def searched(root: Path, query: str, filters: Filters | None = None) -> list[str]:
    result = index.search(find_chronicle(root), query, filters=filters, limit=0)
    return sorted(hit.entry.id for hit in result.hits)


def listed(root: Path, filters: Filters) -> list[str]:
    return sorted(entry.id for entry in select(find_chronicle(root), filters).entries)


@pytest.mark.parametrize(("typed", "written"), PEOPLE.items())
def test_search_the_filters_and_names_agree_on_people(uncurated: Path, typed: str,
                                                      written: str) -> None:
    by_filter = listed(uncurated, Filters.build(people=[typed]))
    assert by_filter, f"--person {typed} finds nothing"
    assert by_filter == listed(uncurated, Filters.build(people=[written]))
    assert searched(uncurated, "", Filters.build(people=[typed])) == by_filter
    words = " ".join(f"person:{word}" for word in typed.split())
    assert searched(uncurated, words) == by_filter
    # names groups the spellings the entries use as search would join them.
    location = find_chronicle(uncurated)
    groups = group_names(select(location, Filters()).entries, kinds=["person"])["person"]
    spellings = {form for group in groups for form, _ in group.forms
                 if any(written in form for form, _ in group.forms)}
    assert all(written in form or form in PEOPLE or any(
        part in form for part in written.split()) for form in spellings)


def test_names_groups_vowel_variants_and_keeps_distinct_names_apart(uncurated: Path) -> None:
    location = find_chronicle(uncurated)
    groups = group_names(select(location, Filters()).entries, kinds=["person"])["person"]
    by_form = {form: group for group in groups for form, _ in group.forms}
    assert by_form["Heydar Aliyev"] is by_form["Haydar Aliyev"]
    assert by_form["Heydar Aliyev"] is not by_form.get("Ilham Aliyev")


def test_the_html_page_finds_what_search_finds(uncurated: Path, browser: Tab,  # noqa: F811
                                               tmp_path: Path) -> None:
    location = find_chronicle(uncurated)
    entries = select(location, Filters()).entries
    page = tmp_path / "page.html"
    page.write_text(html_page(entries, title="Sample"), encoding="utf-8")
    # Tall enough that every entry is drawn: the list draws only the rows in view.
    browser.open(page.as_uri(), width=1280, height=6000)
    assert browser.evaluate(f"{VISIBLE_IDS}.length") == len(entries)
    for word in WORDS:
        browser.clear_input("#search")
        browser.type_text("#search", word)
        expected = searched(uncurated, word)
        deadline = time.monotonic() + 10
        shown: list[str] = []
        while time.monotonic() < deadline:
            shown = sorted(browser.evaluate(VISIBLE_IDS))
            if shown == expected:
                break
            time.sleep(0.05)
        assert shown == expected, (word, json.dumps(shown), json.dumps(expected))
        status = browser.evaluate("document.getElementById('status').textContent")
        assert status in (f"Showing {len(expected)} of {len(entries)} entries",
                          f"{len(entries)} entries" if len(expected) == len(entries) else ""), (
            word, status)
