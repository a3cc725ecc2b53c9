"""The timeline page in a real headless Chromium, driven by Playwright.

The tests are skipped, saying why, when Playwright or Chromium is missing (see
``tests/chromium.py``). Screenshots go to ``$CHRONICLE_SCREENSHOTS`` when set, else to a
temporary folder.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from chromium import Tab, chromium
from chronicle.config import find_chronicle
from chronicle.html_page import html_page
from chronicle.model import Entry
from chronicle.names import NameRegistry, fold, word_keys
from chronicle.store import load_all

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def browser() -> Iterator[Tab]:
    with chromium() as running:
        tab = Tab(running)
        try:
            yield tab
        finally:
            tab.close()


@pytest.fixture(scope="module")
def basic_entries() -> tuple[list[Entry], NameRegistry]:
    chronicle = find_chronicle(DATA / "basic")
    loaded = load_all(chronicle)  # parses the files; writes nothing
    return loaded.entries, NameRegistry.from_config(chronicle.config.names)


@pytest.fixture(scope="module")
def page_url(
    basic_entries: tuple[list[Entry], NameRegistry], tmp_path_factory: pytest.TempPathFactory
) -> str:
    entries, registry = basic_entries
    path = tmp_path_factory.mktemp("page") / "timeline.html"
    path.write_text(html_page(entries, title="Test chronicle", registry=registry), "utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CHRONICLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


VISIBLE_IDS = "[...document.querySelectorAll('article.entry')].map(a => a.dataset.id)"
TICKS = "[...document.querySelectorAll('#axis .tick span')].map(s => s.textContent)"
LABELS_OVERLAP = (
    "(() => { const r = [...document.querySelectorAll('#axis .tick span')]"
    ".filter(s => s.style.visibility !== 'hidden').map(s => s.getBoundingClientRect());"
    " return r.some((a, i) => i > 0 && a.left < r[i - 1].right); })()"
)


def test_page_draws_every_entry_on_the_axis_and_in_the_list(
    browser: Tab, page_url: str, basic_entries: tuple[list[Entry], NameRegistry]
) -> None:
    entries, _ = basic_entries
    browser.open(page_url, width=1280, height=900)
    assert browser.evaluate(VISIBLE_IDS) == [entry.id for entry in entries]
    assert browser.evaluate("document.querySelectorAll('#lanes .mark').length") == len(entries)
    vague = sum(1 for entry in entries if entry.precision.name in ("YEAR", "MONTH"))
    assert vague >= 2
    assert browser.evaluate("document.querySelectorAll('#lanes .mark.vague').length") == vague
    assert browser.evaluate("document.querySelectorAll('article.entry.vague').length") == vague
    ranges = sum(1 for entry in entries if entry.end is not None)
    assert browser.evaluate("document.querySelectorAll('#lanes .mark.range').length") == ranges
    years = browser.evaluate("[...document.querySelectorAll('h2.year')].map(h => h.textContent)")
    assert years[0] == "44 BCE"
    assert "2014" in years
    ticks = browser.evaluate(TICKS)
    assert ticks[:2] == ["1", "200"], ticks  # 44 BCE to 2014 in steps of 200 years
    assert browser.evaluate(LABELS_OVERLAP) is False
    # Marks sit in date order from left to right (compare each entry's start).
    lefts = browser.evaluate(
        "[...document.querySelectorAll('#lanes .mark')].map(m => m.getBoundingClientRect().left)"
    )
    assert lefts[0] < lefts[-1]
    assert browser.evaluate("document.getElementById('status').textContent") == (
        f"{len(entries)} entries"
    )
    assert browser.errors == []


def test_page_loads_nothing_from_anywhere(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=800, height=600)
    requested = browser.requests
    assert requested, "no request events were seen at all"
    assert all(url.startswith(("file:", "data:")) for url in requested), requested


def test_content_security_policy_blocks_fetches(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=800, height=600)
    blocked = browser.evaluate(
        "new Promise(done => {"
        " document.addEventListener('securitypolicyviolation', e => done(e.effectiveDirective));"
        " fetch('http://127.0.0.1:9/').catch(() => {});"
        " setTimeout(() => done(null), 3000); })"
    )
    assert blocked == "connect-src"


def test_typing_in_the_search_box_narrows_the_entries(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=1280, height=900)
    before = browser.evaluate(VISIBLE_IDS)
    browser.type_text("#search", "Tašmajdan")
    # Folding finds "Tasmajdan park"; the alias in chronicle.yaml finds "Tashmay Park".
    after = browser.wait_for(f"(() => {{ const v = {VISIBLE_IDS}; return v.length < {len(before)} && v; }})()")
    assert sorted(after) == ["2014/2014-03-05-commission", "2014/2014-04-17-visit"]
    assert browser.evaluate("document.querySelectorAll('#lanes .mark').length") == 2
    status = browser.evaluate("document.getElementById('status').textContent")
    assert status == f"Showing 2 of {len(before)} entries"
    assert "q=Ta%C5%A1majdan" in browser.evaluate("location.hash")

    browser.clear_input("#search")
    browser.type_text("#search", "Вучић")  # Cyrillic finds Vučić
    assert browser.wait_for(f"(() => {{ const v = {VISIBLE_IDS}; return v.length === 1 && v; }})()") == [
        "2014/2014-04-17-visit"
    ]
    browser.clear_input("#search")
    browser.type_text("#search", "no such words anywhere")
    assert browser.wait_for("document.querySelector('.empty') && document.querySelector('.empty').textContent") == (
        "No entries match."
    )
    browser.clear_input("#search")
    assert browser.evaluate(VISIBLE_IDS) == before


def test_filters_and_chips_narrow_the_entries(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=1280, height=900)
    options = browser.evaluate(
        "[...document.querySelectorAll('#filter-tag option')].map(o => o.textContent)"
    )
    assert "history (2)" in options
    browser.evaluate(
        "(() => { const s = document.getElementById('filter-tag');"
        " s.value = [...s.options].find(o => o.textContent === 'history (2)').value;"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert sorted(browser.evaluate(VISIBLE_IDS)) == [
        "1990/1990-01-20-black-january",
        "ancient/ides-of-march",
    ]
    browser.evaluate("document.getElementById('clear').click()")
    assert len(browser.evaluate(VISIBLE_IDS)) == 6
    # A person chip filters by that person.
    browser.evaluate(
        "[...document.querySelectorAll('.chip.person')].find(c => c.textContent === 'Zakir Hasanov').click()"
    )
    assert browser.evaluate(VISIBLE_IDS) == ["2014/2014-04-17-visit"]
    assert "person=Zakir+Hasanov" in browser.evaluate("location.hash")


def test_the_address_fragment_restores_a_view(browser: Tab, page_url: str) -> None:
    browser.open(page_url + "#place=belgrade", width=1280, height=900)
    assert sorted(browser.evaluate(VISIBLE_IDS)) == [
        "2014/2014-03-05-commission",
        "2014/2014-04-17-visit",
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_axis_labels_bce_dates(browser: Tab, page_url: str, width: int) -> None:
    browser.open(page_url + "#q=caesar", width=width, height=900, mobile=width < 500)
    assert browser.evaluate(VISIBLE_IDS) == ["ancient/ides-of-march"]
    ticks = browser.evaluate(TICKS)
    # A single day fills the axis: the ticks are days, the first naming month and year.
    assert ticks and ticks[0].endswith("44 BCE"), ticks
    assert browser.evaluate(LABELS_OVERLAP) is False
    assert browser.evaluate("document.querySelector('article.entry time').textContent") == (
        "15 Mar 44 BCE"
    )


def test_a_zoomed_axis_shows_months_and_names_the_year(browser: Tab, page_url: str) -> None:
    browser.open(page_url + "#from=2014-02-01&to=2014-04-30", width=1280, height=900)
    # The window runs to the end of 30 April, where the May tick stands.
    assert browser.evaluate(TICKS) == ["Feb 2014", "Mar", "Apr", "May"]
    # The year-only entry overlaps the window, so it stays, marked as vague.
    assert browser.evaluate(VISIBLE_IDS) == [
        "2014/2014-year", "2014/2014-03-05-commission", "2014/2014-04-month",
        "2014/2014-04-17-visit",
    ]
    assert browser.evaluate("document.getElementById('status').textContent") == (
        "Showing 4 of 6 entries, 1 Feb 2014 – 30 Apr 2014"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_deep_time_axis_labels_fit(browser: Tab, tmp_path: Path, width: int) -> None:
    from chronicle.dates import PartialDate

    entries = [
        Entry(id="earth", title="Earth forms", date=PartialDate(-4_540_000_000)),
        Entry(id="moon", title="Moon landing", date=PartialDate(1969, 7, 20)),
    ]
    path = tmp_path / "deep.html"
    path.write_text(html_page(entries, title="Deep time"), "utf-8")
    browser.open(path.as_uri(), width=width, height=800, mobile=width < 500)
    ticks = browser.evaluate(TICKS)
    assert "1,000,000,000 BCE" in ticks or "2,000,000,000 BCE" in ticks, ticks
    assert browser.evaluate(LABELS_OVERLAP) is False
    assert browser.evaluate("[...document.querySelectorAll('h2.year')].map(h => h.textContent)") == [
        "4540000001 BCE", "1969"
    ]


def test_dragging_across_the_chart_zooms_in(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=1280, height=900)
    box = browser.evaluate(
        "(() => { const r = document.getElementById('chart').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; })()"
    )
    left, top, width, height = box
    y = top + height / 2
    # The right tenth of an axis from 44 BCE to 2014 holds only the modern entries.
    start, end = left + width * 0.9, left + width - 2
    mouse = browser.page.mouse
    mouse.move(start, y)
    mouse.down()
    mouse.move((start + end) / 2, y)
    mouse.move(end, y)
    mouse.up()
    ids = browser.wait_for(f"(() => {{ const v = {VISIBLE_IDS}; return v.length < 6 && v; }})()")
    assert "ancient/ides-of-march" not in ids
    assert "2014/2014-04-17-visit" in ids
    assert not browser.evaluate("document.getElementById('reset-zoom').hidden")
    assert "from=" in browser.evaluate("location.hash")
    browser.evaluate("document.getElementById('reset-zoom').click()")
    assert len(browser.evaluate(VISIBLE_IDS)) == 6


def test_page_folds_text_as_the_cli_does(browser: Tab, page_url: str) -> None:
    browser.open(page_url, width=800, height=600)
    samples = [
        "Đorđević", "Heydər Əliyev", "Ташмајдан", "Straße", "Søren Łódź", "ĐORĐEVIĆ",
        "Хрущёв Юрий", "Gökçe İzmir", "ﬁnal", "Vuc\u030cic\u0301", "Æsir Œuvre Þór",
    ]
    folded = browser.evaluate(f"{json.dumps(samples)}.map(window.chronicleFold)")
    assert folded == [fold(text) for text in samples]
    # The page keys a typed word as the exporter keyed the entries' words.
    samples += ["Xocalı, Khojaly", "Ljajić Lyaich", "Rwanda's wall", "Tashmaydan--Park_2014",
                "Azerbaidzhan", "¼ ½", "Friedrichstraße"]
    keyed = browser.evaluate(f"{json.dumps(samples)}.map(window.chronicleSearchKey)")
    assert keyed == [" ".join(word_keys(text)) for text in samples]


def test_hostile_text_stays_text(
    browser: Tab, tmp_path: Path, basic_entries: tuple[list[Entry], NameRegistry]
) -> None:
    from chronicle.model import Source

    entries, _ = basic_entries
    hostile = '</script><script>document.title="owned"</script><img src=x onerror=alert(1)>'
    sources = (Source(title=hostile, url="javascript:alert(1)"),
               Source(title="Fine", url="https://example.org/x?a=1&b=<2>"))
    page = html_page([entries[0].replace(title=hostile, body="<!-- " + hostile,
                              summary=hostile, people=(hostile,), sources=sources)],
                     title=hostile)
    path = tmp_path / "hostile.html"
    path.write_text(page, "utf-8")
    browser.open(path.as_uri(), width=800, height=600)
    assert browser.evaluate("document.title") == hostile
    assert browser.evaluate("document.querySelector('article.entry h3').textContent") == hostile
    assert browser.evaluate("document.querySelector('.chip.person').textContent") == hostile
    # The body and sources arrive (inflated) as text; only the http(s) source is a link.
    browser.evaluate("document.querySelector('article.entry details summary').click()")
    assert browser.wait_for("document.querySelector('article.entry .body')"
                            " && document.querySelector('article.entry .body').textContent") == (
        "<!-- " + hostile)
    links = browser.evaluate("[...document.querySelectorAll('.sources a')].map(a => a.href)")
    assert links == ["https://example.org/x?a=1&b=%3C2%3E"]
    assert browser.evaluate("document.querySelector('.sources li').textContent") == hostile
    assert browser.evaluate("document.querySelectorAll('img, script:not([type])').length") == 1
    assert browser.dialogs == []
    assert browser.errors == []


def test_a_browser_that_cannot_inflate_still_lists_and_searches(
    browser: Tab, page_url: str
) -> None:
    context = browser.browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script("delete window.DecompressionStream")
        page.goto(page_url)
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        assert page.evaluate(f"{VISIBLE_IDS}.length") == 6
        page.evaluate("document.querySelector('article.entry details summary').click()")
        page.wait_for_function("() => document.querySelector('article.entry details p.meta')")
        assert "cannot unpack" in page.evaluate(
            "document.querySelector('article.entry details p.meta').textContent")
        page.fill("#search", "caesar")
        assert page.evaluate(VISIBLE_IDS) == ["ancient/ides-of-march"]
        assert errors == []
    finally:
        context.close()


def test_screenshots_at_phone_and_desktop_widths(
    browser: Tab, page_url: str, shots: Path
) -> None:
    browser.open(page_url, width=390, height=844, mobile=True)
    # Nothing may stick out sideways on a phone.
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    assert browser.evaluate(
        "getComputedStyle(document.querySelector('.controls-inner')).gridTemplateColumns"
        ".split(' ').length"
    ) == 3
    phone = browser.screenshot(shots / "timeline-390.png")
    phone_full = browser.screenshot(shots / "timeline-390-full.png", full_page=True)
    browser.open(page_url, width=1280, height=900)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
    desktop = browser.screenshot(shots / "timeline-1280.png")
    for path in (phone, phone_full, desktop):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", path.read_bytes()[16:24])
        assert width in (390, 1280) and height > 300


def large_entries(count: int = 2500) -> list[Entry]:
    from chronicle.dates import PartialDate

    entries = [
        Entry(
            id=f"e{number:05d}",
            title=f"Event number {number}",
            date=PartialDate(1800 + number % 200, number % 12 + 1, number % 28 + 1),
            # Some entries run long, so rows differ in height.
            summary="A longer summary that wraps. " * (number % 7) or None,
            tags=("red",) if number % 2 == 0 else ("blue",),
        )
        for number in range(count)
    ]
    entries.sort(key=lambda entry: entry.sort_key)
    return entries


@pytest.fixture(scope="module")
def large_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Entry]]:
    entries = large_entries()
    path = tmp_path_factory.mktemp("large") / "large.html"
    path.write_text(html_page(entries, title="Large"), "utf-8")
    return path.as_uri(), entries


#: Scrolls the window down a screen at a time to the end of the page, noting the entries
#: drawn after each step (in the page's order), and whether they always sat in the page in
#: the order they are shown (so Tab follows the screen).
SCROLL_THROUGH = """(async () => {
  const frame = () => new Promise(done => requestAnimationFrame(() => done()));
  const seen = [], problems = [];
  window.scrollTo(0, 0);
  for (let step = 0; step < 5000; step++) {
    await frame(); await frame();
    const articles = [...document.querySelectorAll('article.entry')];
    const tops = articles.map(a => a.getBoundingClientRect().top);
    if (tops.some((top, k) => k > 0 && top <= tops[k - 1])) problems.push('out of order at ' + step);
    articles.forEach(a => { if (!seen.includes(a.dataset.id)) seen.push(a.dataset.id); });
    const bottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
    if (bottom) break;
    window.scrollBy(0, window.innerHeight * 0.8);
  }
  return { seen, problems, drawn: document.querySelectorAll('article.entry').length };
})()"""


def in_view(browser: Tab, entry_id: str) -> bool:
    return bool(browser.evaluate(
        "(() => { const a = document.querySelector(`article.entry[data-id=\"" + entry_id
        + "\"]`); if (!a) return false; const r = a.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; })()"
    ))


def test_a_large_chronicle_draws_only_the_rows_in_view_and_bins_the_axis(
    browser: Tab, large_page: tuple[str, list[Entry]]
) -> None:
    url, entries = large_page
    browser.open(url, width=1280, height=900)
    # Too many marks to draw one by one: the axis shows how many entries fall where.
    assert browser.evaluate("document.querySelectorAll('#lanes .mark').length") == 0
    assert browser.evaluate("document.querySelectorAll('#lanes .bin').length") > 10
    shown = browser.evaluate(VISIBLE_IDS)
    assert 3 <= len(shown) < 100, len(shown)
    assert shown == [entry.id for entry in entries[: len(shown)]]
    assert browser.evaluate("document.getElementById('status').textContent") == "2,500 entries"
    # Scrolled to the end, the last entry is there, on screen.
    browser.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    browser.wait_for(f"document.querySelector('article.entry[data-id={entries[-1].id}]')")
    browser.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    browser.wait_for(
        f"(() => {{ const a = document.querySelector('article.entry[data-id={entries[-1].id}]');"
        " const r = a && a.getBoundingClientRect();"
        " return r && r.bottom <= window.innerHeight + 1 && r.top >= 0; })()"
    )
    assert browser.evaluate("document.querySelectorAll('article.entry').length") < 100
    # Filtering below the limit draws the marks again.
    browser.evaluate("window.scrollTo(0, 0)")
    browser.type_text("#search", "number 1234")
    assert browser.wait_for(f"(() => {{ const v = {VISIBLE_IDS}; return v.length === 1 && v; }})()") == [
        "e01234"
    ]
    assert browser.evaluate("document.querySelectorAll('#lanes .mark').length") == 1
    assert browser.errors == []


def test_scrolling_through_a_search_reaches_every_hit_and_no_other(
    browser: Tab, large_page: tuple[str, list[Entry]]
) -> None:
    url, entries = large_page
    red = [entry.id for entry in entries if "red" in entry.tags]
    browser.open(url + "#q=red", width=1000, height=700)
    # The count shown is the number of hits.
    assert browser.evaluate("document.getElementById('status').textContent") == (
        f"Showing {len(red):,} of {len(entries):,} entries"
    )
    walk = browser.evaluate(SCROLL_THROUGH)
    assert walk["problems"] == []
    assert walk["seen"] == red
    assert walk["drawn"] < 100
    assert browser.errors == []


def test_a_mark_reveals_its_entry_far_down_the_list(
    browser: Tab, large_page: tuple[str, list[Entry]]
) -> None:
    url, entries = large_page
    blue = [entry for entry in entries if "blue" in entry.tags]
    browser.open(url + "#tag=blue", width=1280, height=900)
    assert browser.evaluate("document.querySelectorAll('#lanes .mark').length") == len(blue)
    last = blue[-1]
    assert not in_view(browser, last.id)
    # A tap on the last entry's mark scrolls the list to it, however far down it lies.
    number = entries.index(last)
    box = browser.evaluate(
        f"(() => {{ const m = document.querySelector('#lanes .mark[data-i=\"{number}\"]');"
        " m.scrollIntoView({ block: 'center' }); const r = m.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    browser.page.mouse.click(box[0], box[1])
    browser.wait_for(
        f"(() => {{ const a = document.querySelector('article.entry[data-id={last.id}]');"
        " if (!a) return false; const r = a.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; })()"
    )
    assert browser.errors == []


def test_the_keyboard_moves_through_the_list_as_it_is_drawn(
    browser: Tab, large_page: tuple[str, list[Entry]]
) -> None:
    url, entries = large_page
    browser.open(url + "#q=number", width=1000, height=700)
    # Tab from chip to chip: each focused chip is on screen, and the rows keep coming.
    browser.page.focus("#search")
    for _ in range(60):
        browser.page.keyboard.press("Tab")
    focused = browser.evaluate(
        "(() => { const f = document.activeElement, a = f.closest('article');"
        " const r = f.getBoundingClientRect();"
        " return [f.className, a && a.dataset.id, r.top >= 0 && r.bottom <= window.innerHeight]; })()"
    )
    assert focused[0] == "chip tag", focused
    assert focused[1] in {entry.id for entry in entries[20:]}, focused
    assert focused[2] is True, focused
    # Opening an entry's details makes its row taller: the rows below move down for it.
    browser.page.keyboard.press("Tab")
    browser.page.keyboard.press("Shift+Tab")
    assert browser.evaluate("document.querySelectorAll('article.entry').length") < 100
    assert browser.errors == []


#: Each kind of mark the chart draws, and whether a shown legend entry draws it the same
#: way (colour, stripes, border, corners). Also: legend entries for kinds not drawn.
LEGEND = """(() => {
  const look = node => { const s = getComputedStyle(node);
    return [s.backgroundColor, s.backgroundImage, s.borderTopStyle,
            s.borderTopStyle === 'none' ? '' : s.borderTopColor, s.borderTopLeftRadius].join(' | '); };
  const kindOf = node => [...node.classList].filter(c => c !== 'mark').sort().join(' ') || 'day';
  const shown = [...document.querySelectorAll('#legend [data-kind]')]
    .filter(item => item.offsetParent !== null);
  const keys = Object.fromEntries(shown.map(item => [item.dataset.kind, item]));
  const drawn = {}, problems = [];
  document.querySelectorAll('#lanes .mark, #lanes .bin').forEach(mark => {
    const kind = kindOf(mark);
    drawn[kind] = (drawn[kind] || 0) + 1;
    const item = keys[kind];
    if (!item) { problems.push('no legend entry for ' + kind); return; }
    if (!item.textContent.trim()) problems.push('legend entry without words: ' + kind);
    const key = item.querySelector('.key'), box = key.getBoundingClientRect(),
      around = item.getBoundingClientRect();
    // The key is drawn beside its words, not somewhere else on the page.
    if (!(box.width > 0 && box.height > 0 && box.left >= around.left - 1
          && box.right <= around.right + 1 && box.top >= around.top - 4
          && box.bottom <= around.bottom + 4)) problems.push('key out of place: ' + kind);
    if (look(key) !== look(mark)) problems.push(kind + ': ' + look(key) + ' != ' + look(mark));
  });
  shown.forEach(item => { if (!drawn[item.dataset.kind]) problems.push('stale ' + item.dataset.kind); });
  return { drawn, problems: [...new Set(problems)],
           words: Object.fromEntries(shown.map(item => [item.dataset.kind, item.textContent.trim()])) };
})()"""


def legend_page(tmp_path: Path, entries: list[Entry], name: str = "legend.html") -> str:
    path = tmp_path / name
    path.write_text(html_page(entries, title="Legend"), "utf-8")
    return path.as_uri()


def test_the_legend_explains_every_kind_of_mark_drawn(browser: Tab, tmp_path: Path) -> None:
    from chronicle.dates import PartialDate

    entries = [
        Entry(id="day", title="A day", date=PartialDate(1914, 6, 28)),
        Entry(id="moment", title="A moment", date=PartialDate(1914, 7, 28, 11, 0)),
        Entry(id="month", title="A month", date=PartialDate(1915, 4)),
        Entry(id="year", title="A year", date=PartialDate(1916)),
        Entry(id="war", title="A range", date=PartialDate(1914, 7, 28),
              end=PartialDate(1918, 11, 11)),
        Entry(id="years", title="A range of years", date=PartialDate(1914),
              end=PartialDate(1918)),
        Entry(id="bce", title="A BCE range", date=PartialDate(-43, 3), end=PartialDate(-42)),
    ]
    url = legend_page(tmp_path, entries)
    for width in (1280, 390):
        browser.open(url, width=width, height=900, mobile=width < 500)
        seen = browser.evaluate(LEGEND)
        assert seen["problems"] == [], seen
        assert set(seen["drawn"]) == {"point", "range", "vague", "range vague"}, seen
    # Zoomed in to one day, a day is a bar as long as the day: the legend says so.
    browser.open(url + "#from=1914-06-28&to=1914-06-28", width=1280, height=900)
    seen = browser.evaluate(LEGEND)
    assert seen["problems"] == [], seen
    assert "day" in seen["drawn"], seen
    assert browser.errors == []


def test_the_legend_explains_the_count_bars_of_a_dense_page(
    browser: Tab, tmp_path: Path
) -> None:
    from chronicle.dates import PartialDate

    entries = [
        Entry(id=f"e{number:05d}", title=f"Event {number}",
              date=PartialDate(1900 + number % 100, number % 12 + 1, number % 28 + 1))
        for number in range(2100)
    ]
    entries.sort(key=lambda entry: entry.sort_key)
    browser.open(legend_page(tmp_path, entries, "dense.html"), width=1280, height=900)
    seen = browser.evaluate(LEGEND)
    assert seen["problems"] == [], seen
    assert set(seen["drawn"]) == {"bin"}, seen
    # The words say what a bar counts, how long a stretch it covers, and the tallest count.
    words = seen["words"]["bin"]
    tallest = browser.evaluate(
        "Math.max(...[...document.querySelectorAll('#lanes .bin')].map(b => parseInt(b.title)))"
    )
    assert words.startswith("entries per "), words
    assert words.endswith(f"(tallest bar: {tallest})"), words
    assert any(unit in words for unit in ("day", "week", "month", "year")), words
    # Narrowed below the limit, the marks come back and so do their legend entries.
    browser.type_text("#search", "Event 1234")
    browser.wait_for("document.querySelectorAll('#lanes .mark').length === 1")
    seen = browser.evaluate(LEGEND)
    assert seen["problems"] == [], seen
    # One day alone fills the axis: it is drawn to its length, and the legend says so.
    assert set(seen["drawn"]) == {"day"}, seen
