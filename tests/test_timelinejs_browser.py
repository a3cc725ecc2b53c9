"""Knight Lab's own TimelineJS3 build renders ``export --format timelinejs`` in Chromium.

The build is the npm package ``@knight-lab/timelinejs`` at the version locked in
``.ci/timelinejs/package-lock.json``; ``.ci/install-timelinejs`` installs it into
``.ci/timelinejs/node_modules`` (``$CHRONICLE_TIMELINEJS`` names another copy of the
package). Without it, Playwright or Chromium the tests are skipped, saying why.

Each export is rendered as a page would embed it, and every slide is checked against the
chronicle's own dates (``chronicle list --format json``): TimelineJS read the date with
the entry's precision, labels it as chronicle does (``44 BCE``), and draws its marker
where that date lies on the time axis; the slide shows the entry's title and date text,
and the page reports no script error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium import Tab, chromium, unavailable
from conftest import REPO

PACKAGE = REPO / ".ci" / "timelinejs" / "node_modules" / "@knight-lab" / "timelinejs"
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
#: The format TimelineJS picks for a date that has parts down to this precision.
FORMATS = {
    "year": "year",
    "month": "month",
    "day": "full",
    "hour": "time_no_seconds_small_date",
    "minute": "time_no_seconds_small_date",
    "second": "time",
}
#: Events, dates and markers as TimelineJS holds them once it has drawn the timeline.
RENDERED = """(() => {
  const t = window.timeline, text = html => {
    const d = document.createElement('div'); d.innerHTML = html;
    return d.textContent.replace(/\\s+/g, ' ').trim(); };
  const date = d => d && {
    time: d.getTime(), format: d.data.format,
    label: text(d.getDisplayDate(t.language)),
    parts: d.data.date_obj instanceof Date ? [d.data.date_obj.getUTCMonth() + 1, d.data.date_obj.getUTCDate(),
      d.data.date_obj.getUTCHours(), d.data.date_obj.getUTCMinutes(),
      d.data.date_obj.getUTCSeconds()] : null };
  return {
    scale: t.config.scale,
    messages: t.config.messages,
    events: t.config.events.map(e => ({
      id: e.unique_id, start: date(e.start_date), end: date(e.end_date) })),
    markers: t._timenav._markers.map(m => ({
      id: m.data.unique_id, left: parseFloat(m._el.container.style.left),
      width: m.data.end_date ? parseFloat(m._el.container.style.width) : null })),
    slides: [...document.querySelectorAll('.tl-slide')].map(s => ({
      id: s.id,
      headline: text((s.querySelector('.tl-headline') || {}).innerHTML || ''),
      date: text((s.querySelector('.tl-headline-date') || {}).innerHTML || '') })),
  };
})()"""


def timelinejs_package() -> Path:
    package = Path(os.environ.get("CHRONICLE_TIMELINEJS") or PACKAGE)
    if not (package / "dist" / "js" / "timeline.js").is_file():
        unavailable(f"TimelineJS3 is not installed at {package} (.ci/install-timelinejs)")
    return package


@pytest.fixture(scope="module")
def package() -> Path:
    return timelinejs_package()


@pytest.fixture(scope="module")
def browser(package: Path) -> Iterator[Tab]:
    with chromium() as running:
        tab = Tab(running, offline=True)
        try:
            yield tab
        finally:
            tab.close()


def chronicle(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "chronicle", "--root", str(root), *args],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(root: Path, folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The chronicle's TimelineJS export, and its entries as ``list --format json`` gives."""
    path = folder / "timeline.json"
    chronicle(root, "export", "--format", "timelinejs", "-o", str(path))
    entries = json.loads(chronicle(root, "list", "--format", "json"))
    return json.loads(path.read_text("utf-8")), entries


def embed(document: dict[str, Any], package: Path, folder: Path) -> Path:
    """A page that embeds ``document`` the way TimelineJS's documentation shows."""
    dist = package / "dist"
    data = json.dumps(document, ensure_ascii=False).replace("</", "<\\/")
    page = folder / "timeline.html"
    page.write_text(
        f"""<!doctype html>
<html><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="{(dist / "css" / "timeline.css").as_uri()}">
<script src="{(dist / "js" / "timeline.js").as_uri()}"></script></head>
<body><div id="timeline-embed" style="width: 100%; height: 640px"></div>
<script type="application/json" id="data">{data}</script>
<script>
  window.timeline = new TL.Timeline("timeline-embed",
    JSON.parse(document.getElementById("data").textContent),
    {{script_path: {json.dumps((dist / "js").as_uri() + "/")}}});
  window.timeline.on("loaded", () => {{ window.timelineLoaded = true; }});
</script></body></html>""",
        "utf-8",
    )
    return page


# -- what the entry's dates should look like in TimelineJS ---------------------------------

_ISO = re.compile(r"^(-?\d+)(?:-(\d\d)(?:-(\d\d)(?:T(\d\d)(?::(\d\d)(?::(\d\d))?)?)?)?)?$")


def parts(iso: str) -> list[int | None]:
    match = _ISO.match(iso)
    assert match, iso
    return [int(group) if group is not None else None for group in match.groups()]


def year_label(astronomical: int) -> str:
    return str(astronomical) if astronomical > 0 else f"{1 - astronomical} BCE"


def label(iso: str, precision: str) -> str:
    """The date as TimelineJS's English labels write it, with chronicle's BCE years."""
    year, month, day, hour, minute, second = parts(iso)
    text = year_label(year)  # type: ignore[arg-type]
    if month is None:
        return text
    text = f"{MONTHS[month - 1]} {text}"
    if day is None:
        return text
    text = f"{MONTHS[month - 1]} {day}, {year_label(year)}"  # type: ignore[arg-type]
    if hour is None:
        return text
    clock = f"{hour % 12 or 12}:{minute or 0:02d}"
    if precision == "second":
        clock += f":{second or 0:02d}"
    return f"{clock} {'PM' if hour >= 12 else 'AM'} {text}"


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 in the proleptic Gregorian calendar (any year, astronomical)."""
    year -= month <= 2
    era = year // 400  # floor division: eras run forwards for negative years too
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def instant(date: dict[str, int]) -> int:
    """Milliseconds where JavaScript (and so TimelineJS) puts a TimelineJS date object, UTC.

    TimelineJS hands its ``year`` to JavaScript's Date as it is, so its -44 (44 BCE, as
    its labels say) stands where astronomical year -44 does: its axis has a year 0
    between 1 BCE and 1. The export follows TimelineJS's labels, which readers see.
    """
    days = days_from_civil(date["year"], date.get("month", 1), date.get("day", 1))
    seconds = date.get("hour", 0) * 3600 + date.get("minute", 0) * 60 + date.get("second", 0)
    return (days * 86400 + seconds) * 1000


# -- the checks ------------------------------------------------------------------------------


def render(browser: Tab, package: Path, document: dict[str, Any], folder: Path) -> dict[str, Any]:
    page = embed(document, package, folder)
    browser.open(page.as_uri(), width=1280, height=800, ready="window.timelineLoaded", timezone="UTC")
    rendered: dict[str, Any] = browser.evaluate(RENDERED)
    return rendered


def script_errors(browser: Tab) -> list[str]:
    """Uncaught exceptions and console errors, less the fetches the test itself refused."""
    return [error for error in browser.errors if "net::ERR_FAILED" not in error]


def check_every_slide(
    browser: Tab, document: dict[str, Any], entries: list[dict[str, Any]], rendered: dict[str, Any]
) -> None:
    exported = {event["unique_id"]: event for event in document["events"]}
    by_id = {entry["id"]: entry for entry in entries}
    assert len(exported) == len(entries) == len(document["events"])
    assert script_errors(browser) == []
    assert rendered["messages"] == {"errors": [], "warnings": []}

    # Every entry is an event, read with the entry's precision and labelled as chronicle
    # dates it, at the instant its date stands for.
    events = {event["id"]: event for event in rendered["events"]}
    assert sorted(events) == sorted(by_id)
    for uid, event in events.items():
        entry, sent = by_id[uid], exported[uid]
        for key, iso in (("start", entry["date"]), ("end", entry["end"])):
            shown = event[key]
            if iso is None:
                assert shown is None, (uid, key)
                continue
            sent_date = sent["start_date" if key == "start" else "end_date"]
            precision = entry["precision"] if key == "start" else precision_of(iso)
            if key == "end" and precision in ("year", "month"):
                # A range runs through its last year or month: TimelineJS gets its last day.
                iso, precision = last_day(iso), "day"
            assert shown["label"] == label(iso, precision), (uid, key)
            assert shown["format"] == FORMATS[precision], (uid, key)
            month, day, hour, minute, second = parts(iso)[1:]
            assert shown["parts"] == [month or 1, day or 1, hour or 0, minute or 0, second or 0]
            assert shown["time"] == instant(sent_date), (uid, key)

    # Every marker stands on the axis where its date lies: one scale for all.
    markers = {marker["id"]: marker for marker in rendered["markers"]}
    assert sorted(markers) == sorted(by_id)
    times = {uid: events[uid]["start"]["time"] for uid in events}
    first, last = min(times, key=times.__getitem__), max(times, key=times.__getitem__)
    assert times[last] > times[first]
    scale = (markers[last]["left"] - markers[first]["left"]) / (times[last] - times[first])
    assert scale > 0
    for uid, marker in markers.items():
        expected = markers[first]["left"] + (times[uid] - times[first]) * scale
        assert marker["left"] == pytest.approx(expected, abs=1.0), uid
        if by_id[uid]["end"] is not None:
            span = (events[uid]["end"]["time"] - times[uid]) * scale
            assert marker["width"] == pytest.approx(span, abs=1.0), uid

    # One slide each (after the title slide), with the entry's title and date text.
    slides = [slide for slide in rendered["slides"] if slide["id"] in by_id]
    assert sorted(slide["id"] for slide in slides) == sorted(by_id)
    for slide in slides:
        entry = by_id[slide["id"]]
        assert slide["headline"] == entry["title"], slide["id"]
        assert slide["date"] == exported[slide["id"]]["display_date"], slide["id"]


def last_day(iso: str) -> str:
    """The last day of the year or month ``iso`` names (astronomical years, proleptic)."""
    year, month = parts(iso)[:2]
    assert year is not None
    month = month or 12
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap else 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    return f"{'-' if year < 0 else ''}{abs(year):04d}-{month:02d}-{days:02d}"


def precision_of(iso: str) -> str:
    names = ("year", "month", "day", "hour", "minute", "second")
    count = sum(part is not None for part in parts(iso))
    return names[max(count, 1) - 1] if count != 4 else "minute"


# -- chronicles ----------------------------------------------------------------------------


def test_the_sample_chronicle_renders_every_slide_at_its_date(
    browser: Tab, package: Path, sample_root: Path, tmp_path: Path
) -> None:
    document, entries = export(sample_root, tmp_path)
    assert len(entries) >= 15
    rendered = render(browser, package, document, tmp_path)
    assert rendered["scale"] == "human"
    check_every_slide(browser, document, entries, rendered)
    # The page went nowhere but to the package's files and its fonts (refused here).
    assert all(
        url.startswith("file:") or re.search(r"\.(ttf|woff2?)$", url) for url in browser.requests
    ), browser.requests


ANCIENT = {
    "egypt.yaml": 'title: Upper and Lower Egypt unified\ndate: "-3199"\n',
    "olympia.yaml": 'title: First Olympic Games at Olympia\ndate: "-0775"\ntags: [games]\n',
    "marathon.yaml": 'title: Battle of Marathon\ndate: "-0489-09"\nplaces: [Marathon]\n',
    "ides.yaml": 'title: Assassination of Julius Caesar\ndate: "-0043-03-15"\n',
    "augustus.yaml": 'title: Reign of Augustus\ndate: "-0026-01-16"\nend: "0014-08-19"\n',
    "one-bce.yaml": 'title: A spring in 1 BCE\ndate: "0000-03"\n',
    "one-ce.yaml": 'title: The year 1\ndate: "0001"\n',
    "vesuvius.yaml": 'title: Vesuvius buries Pompeii\ndate: "0079-08-24"\n',
    "hijra.yaml": 'title: A year in the seventh century\ndate: "0602"\n',
    "hastings.yaml": 'title: Battle of Hastings begins\ndate: "1066-10-14T09:00"\n',
    "war.yaml": 'title: First World War\ndate: "1914"\nend: "1918"\n',
    "moon.yaml": 'title: Eagle lands on the Moon\ndate: "1969-07-20T20:17:40"\n',
    # Markup in a title is text: TimelineJS shows it as written, never as HTML.
    "rubicon.yaml": 'title: Caesar crosses the <b>Rubicon</b> & says "alea iacta est"\n'
    'date: "-0048-01-10"\n',
}


def write_chronicle(root: Path, title: str, files: dict[str, str]) -> Path:
    (root / "entries").mkdir(parents=True)
    (root / "chronicle.yaml").write_text(f"title: {title}\n", "utf-8")
    for name, text in files.items():
        (root / "entries" / name).write_text(text, "utf-8")
    return root


def test_bce_and_partial_dates_render_at_their_dates(
    browser: Tab, package: Path, tmp_path: Path
) -> None:
    root = write_chronicle(tmp_path / "ancient", "Ancient and partial", ANCIENT)
    document, entries = export(root, tmp_path)
    assert len(entries) == len(ANCIENT)
    rendered = render(browser, package, document, tmp_path)
    assert rendered["scale"] == "human"
    check_every_slide(browser, document, entries, rendered)
    labels = {event["id"]: event["start"]["label"] for event in rendered["events"]}
    assert labels["ides"] == "March 15, 44 BCE"
    assert labels["one-bce"] == "March 1 BCE"
    assert labels["marathon"] == "September 490 BCE"


DEEP = {
    "bang.yaml": 'title: Big Bang\ndate: "-13799999999"\n',
    "earth.yaml": 'title: Earth forms\ndate: "-4539999999"\n',
    "chicxulub.yaml": 'title: Dinosaurs die out\ndate: "-65999999"\n',
    "writing.yaml": 'title: Writing in Sumer\ndate: "-3199"\n',
    "moon.yaml": 'title: Moon landing\ndate: "1969-07-20"\n',
}


def test_deep_time_renders_on_the_cosmological_scale(
    browser: Tab, package: Path, tmp_path: Path
) -> None:
    root = write_chronicle(tmp_path / "deep", "Deep time", DEEP)
    document, entries = export(root, tmp_path)
    rendered = render(browser, package, document, tmp_path)
    assert rendered["scale"] == "cosmological"
    assert script_errors(browser) == []
    assert rendered["messages"] == {"errors": [], "warnings": []}
    # On this scale TimelineJS counts in years alone, and labels them its own way.
    years = {event["id"]: event["start"]["time"] for event in rendered["events"]}
    assert years == {
        "bang": -13_800_000_000, "earth": -4_540_000_000, "chicxulub": -66_000_000,
        "writing": -3200, "moon": 1969,
    }
    labels = {event["id"]: event["start"]["label"] for event in rendered["events"]}
    assert labels["bang"] == "13.80 billion years ago"
    assert labels["earth"] == "4.54 billion years ago"
    assert labels["chicxulub"] == "66.0 million years ago"
    markers = {marker["id"]: marker["left"] for marker in rendered["markers"]}
    scale = (markers["moon"] - markers["bang"]) / (1969 + 13_800_000_000)
    for uid, year in years.items():
        assert markers[uid] == pytest.approx(markers["bang"] + (year - years["bang"]) * scale, abs=1.0)
    slides = {slide["id"]: slide for slide in rendered["slides"]}
    by_id = {entry["id"]: entry for entry in entries}
    exported = {event["unique_id"]: event for event in document["events"]}
    for uid, entry in by_id.items():
        assert slides[uid]["headline"] == entry["title"]
        assert slides[uid]["date"] == exported[uid]["display_date"]


def test_a_range_bar_runs_to_the_end_of_its_last_period(
    browser: Tab, package: Path, tmp_path: Path
) -> None:
    root = write_chronicle(
        tmp_path / "ranges",
        "Ranges",
        {
            "war.yaml": 'title: First World War\ndate: "1914"\nend: "1918"\n',
            "siege.yaml": 'title: Siege\ndate: "1915-02"\nend: "1915-04"\n',
            "leap.yaml": 'title: A leap February\ndate: "2000-01"\nend: "2000-02"\n',
            # 522 BCE to 486 BCE, and February to March 44 BCE (astronomical -43).
            "darius.yaml": 'title: Reign of Darius I\ndate: "-0521"\nend: "-0485"\n',
            "ides.yaml": 'title: Caesar\'s last months\ndate: "-0043-02"\nend: "-0043-03"\n',
            "moon.yaml": 'title: Moon landing\ndate: "1969-07-20"\n',
        },
    )
    document, entries = export(root, tmp_path)
    rendered = render(browser, package, document, tmp_path)
    check_every_slide(browser, document, entries, rendered)
    ends = {event["id"]: event["end"] and event["end"]["time"] for event in rendered["events"]}
    day = 86_400_000
    # Each bar runs through the last day of its last period, and stops before the next.
    # TimelineJS's years go to JavaScript as they are (its -486, 486 BCE, is JavaScript's
    # astronomical -486): the period's last day is where TimelineJS's own year ends.
    for uid, last, following in (
        ("war", {"year": 1918, "month": 12, "day": 31}, {"year": 1919}),
        ("siege", {"year": 1915, "month": 4, "day": 30}, {"year": 1915, "month": 5}),
        ("leap", {"year": 2000, "month": 2, "day": 29}, {"year": 2000, "month": 3}),
        ("darius", {"year": -486, "month": 12, "day": 31}, {"year": -485}),
        ("ides", {"year": -44, "month": 3, "day": 31}, {"year": -44, "month": 4}),
    ):
        assert instant(last) <= ends[uid] < instant(following) + day, uid
    labels = {event["id"]: event["end"] and event["end"]["label"] for event in rendered["events"]}
    assert labels["darius"] == "December 31, 486 BCE"
    assert labels["ides"] == "March 31, 44 BCE"
