"""Rebuild ``data/records.jsonl`` from the public sources it was drawn from.

Not needed to run the benchmark (the extracted records are committed); kept so anyone can
check that the records are the sources' own text. Give the folders holding checkouts of
the three repositories at the commits named in ``data/SOURCES.md``::

    python benchmarks/relevance/extract.py AOHH_DIR TIMELINEJS3_DIR RDCR_DIR

Every record is ``{"id", "source", "date", "title", "body", "people", "places"}`` with the
source's text unchanged apart from HTML/XML markup removed and whitespace collapsed.
"""

from __future__ import annotations

import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "records.jsonl"

#: The TimelineJS3 files used: the examples Knight Lab publishes on its site and in src/.
TIMELINEJS_FILES = [
    "website/examples/houston/timeline3.json",
    "website/examples/mediatypes/timeline3.json",
    "website/examples/republican/timeline3.json",
    "website/examples/soundcite/timeline3.json",
    "website/examples/timeline3.json",
    "website/examples/twain/marktwain.json",
    "website/examples/user-interface/timeline3.json",
    "src/template/eras.json",
    "src/template/cosmo.json",
    "contrib/women_in_computing.json",
]
TEI = "{http://www.tei-c.org/ns/1.0}"


def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def iso(year: object, month: object = None, day: object = None) -> str:
    y = int(str(year))
    text = f"{y:04d}" if y >= 0 else f"-{-y:04d}"
    if month not in (None, ""):
        text += f"-{int(str(month)):02d}"
        if day not in (None, ""):
            text += f"-{int(str(day)):02d}"
    return text


def all_of_human_history(folder: Path) -> list[dict]:
    records = []
    for path in sorted((folder / "data").glob("*.json")):
        for number, event in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            start = event["start"]
            records.append({
                "id": f"aohh/{path.stem}/{number:04d}",
                "source": "all-of-human-history",
                "date": iso(start["year"], start.get("month"), start.get("day")),
                "title": clean(event["event"]),
                "body": "",
                "people": [],
                "places": [],
            })
    return records


def timelinejs(folder: Path) -> list[dict]:
    records = []
    for name in TIMELINEJS_FILES:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        stem = name.replace("/", "-").removesuffix(".json")
        for number, event in enumerate(data.get("events", [])):
            text = event.get("text", {})
            start = event.get("start_date") or {}
            if not start.get("year"):
                continue
            records.append({
                "id": f"tljs/{stem}/{number:03d}",
                "source": "TimelineJS3",
                "date": iso(start["year"], start.get("month"), start.get("day")),
                "title": clean(text.get("headline", "")) or "(untitled)",
                "body": clean(text.get("text", "")),
                "people": [],
                "places": [],
            })
    return records


def _text(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def rdcr(folder: Path) -> list[dict]:
    records = []
    for path in sorted((folder / "articles").glob("*.xml")):
        root = ET.parse(path).getroot()
        number = 0
        for div in root.iter(f"{TEI}div"):
            if div.get("type") != "timeline":
                continue
            head = div.find(f"{TEI}head")
            date = head.find(f".//{TEI}date") if head is not None else None
            when = date.get("when") if date is not None else None
            if head is None or not when or not re.fullmatch(r"\d{4}(-\d\d){0,2}", when):
                continue
            body = " ".join(_text(p) for p in div.findall(f"{TEI}p"))
            people = sorted({_text(e) for e in div.iter(f"{TEI}persName")})
            places = sorted({_text(e) for e in div.iter(f"{TEI}placeName")})
            records.append({
                "id": f"rdcr/{path.stem}/{number:03d}",
                "source": "rdcr",
                "date": when,
                "title": _text(head).rstrip("."),
                "body": body,
                "people": people,
                "places": places,
            })
            number += 1
    return records


def main(argv: list[str]) -> None:
    aohh, tljs, guide = (Path(arg) for arg in argv)
    records = all_of_human_history(aohh) + timelinejs(tljs) + rdcr(guide)
    with OUT.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} records -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
