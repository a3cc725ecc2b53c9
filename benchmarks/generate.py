"""Generate a synthetic chronicle for benchmarks and large-scale tests.

    python benchmarks/generate.py 100000 /tmp/chron100k --seed 1 --invalid 20

Deterministic for a seed. YAML is written by hand for the fixed entry schema: yaml.dump
costs about 60 us an entry with the C dumper and 500 us without, more than generating the
entry, and picks its own styles. Every string scalar is double-quoted and escaped and
bodies are literal block scalars, so no generated text can change the structure.
"""

from __future__ import annotations

import argparse
import calendar
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple


def _families(table: str) -> dict[str, list[str]]:
    rows = (row.split("|") for row in table.split(";") if row.strip())
    return {row[0].strip(): [v.strip() for v in row[1:]] for row in rows}


# Canonical spelling first, then the ways sources actually write it (ASCII, digraphs,
# Cyrillic, Azerbaijani Latin). These families become the `names:` block.
PEOPLE_FAMILIES = _families("""
    Aleksandar Vučić|Aleksandar Vucic|Alexander Vucic|Aleksandar Vuchich|Александар Вучић;
    Tomislav Nikolić|Tomislav Nikolic|Томислав Николић; Nebojša Rodić|Nebojsa Rodic|Небојша Родић;
    Ivica Dačić|Ivica Dacic|Ivica Dachich|Ивица Дачић; Rasim Ljajić|Rasim Lyaich|Расим Љајић;
    Milorad Pavić|Milorad Pavic|Milorad Pavich|Милорад Павић;
    Irena Vujović|Irena Vujovic|Irena Vuyovich|Ирена Вујовић;
    Ivan Đorđević|Ivan Djordjevic|Ivan Dordevic|Иван Ђорђевић;
    Novak Đoković|Novak Djokovic|Novak Dokovic|Новак Ђоковић;
    Ilham Aliyev|Ilham Əliyev|Ilham Aliev|Ильхам Алиев;
    Heydar Aliyev|Haydar Aliyev|Heydər Əliyev|Гейдар Алиев;
    Uzeyir Hajibeyli|Üzeyir Hacıbəyli|Uzeyir Hajibeyov|Узеир Гаджибеков;
    Zakir Hasanov|Zakir Həsənov|Закир Гасанов; Shahin Mustafayev|Şahin Mustafayev|Шахин Мустафаев;
    Elmar Mammadyarov|Elmar Məmmədyarov|Эльмар Мамедъяров;
    Eldar Ibrahimov|Eldar İbrahimov|Эльдар Ибрагимов; Ayşe Gökçe|Ayse Gokce|Ayse Goekce;
    Astan Shahverdiyev|Astan Shaverdiyev|Astan Şahverdiyev; Lech Wałęsa|Lech Walesa|Лех Валенса;
    Jürgen Müller|Juergen Mueller|Jurgen Muller; Antonín Dvořák|Antonin Dvorak|Антонин Дворжак;
    Søren Østergaard|Soren Ostergaard|Soeren Oestergaard; Nikola Tesla|Никола Тесла;
    Pyotr Tchaikovsky|Pyotr Chaikovsky|Pjotr Tschaikowski|Пётр Чайковский;
    Mustafa Kemal Atatürk|Mustafa Kemal Ataturk""")
# The same letters decomposed (NFD), as some sources store them: equal to the eye, not to ==.
PEOPLE_FAMILIES["Ivan Đorđević"].insert(2, unicodedata.normalize("NFD", "Ivan Đorđević"))
PLACE_FAMILIES = _families("""
    Tašmajdan|Tasmajdan|Tashmaydan|Tashmay|Ташмајдан; Belgrade|Beograd|Београд;
    Novi Sad|Novi Shad|Нови Сад; Niš|Nis|Nish|Ниш; Baku|Bakı|Баку; Ganja|Gəncə|Гянджа;
    Shaki|Şəki|Sheki|Шеки; Łódź|Lodz|Лодзь; Kraków|Krakow|Cracow|Краков; Zürich|Zurich|Zuerich;
    Øresund|Oresund|Öresund|Oeresund; Friedrichstraße|Friedrichstrasse|Friedrichstr.;
    Malmö|Malmo|Malmoe; Kyiv|Kiev|Київ|Киев; São Paulo|Sao Paulo""")
COMMON_PERSON = "Aleksandar Vučić"  # planted in exactly round(1% of n) entries, never at random
RARE_PERSON = "Ksenija Zwierzchowska"  # planted in exactly one entry
FIRST = ("Ana Marko Jelena Nikola Dragan Milica Stefan Ivana Petar Maria Elena Sofia Hans Anna "
         "Peter John Mary Ahmed Leyla Rashad Nigar Farid Orhan Emre Selin Katarzyna Piotr Olga "
         "Igor Dmitri Natalia Lars Ingrid Mehmet Aylin Tural Gunel Vugar Sabina Zoran").split()
LAST = ("Marković Petrović Jovanović Ilić Stanković Kovač Horvat Novak Kowalski Nowak Wiśniewski "
        "Smith Jones Brown Taylor Wilson Schmidt Schneider Fischer Weber Hansen Larsen Nielsen "
        "Yılmaz Kaya Demir Şahin Çelik Mammadov Huseynov Guliyev Rzayev Ismayilov Ivanov Petrov "
        "Sokolov Popescu Ionescu Nagy Szabó Tóth Dubois Martin Rossi Russo Ferrari García López "
        "Silva Santos Andersson Johansson Berg Lindqvist Kuznetsov Volkov Orlov").split()
PLAIN_PLACES = ("Vienna Budapest Sofia Bucharest Zagreb Sarajevo Podgorica Skopje Tirana Athens "
                "Istanbul Ankara Tbilisi Yerevan Moscow Warsaw Prague Berlin Paris London Rome "
                "Madrid Lisbon Brussels Geneva Stockholm Oslo Helsinki Copenhagen Riga Vilnius "
                "Tallinn Minsk Odesa Kharkiv Subotica Kragujevac Sumqayit Lankaran Quba Nakhchivan "
                "Trieste Thessaloniki Izmir Bratislava Ljubljana Split Plovdiv Varna").split()
TAGS = ("politics diplomacy economy trade energy culture music literature sport football tennis "
        "elections parliament defense military security religion education science technology "
        "health medicine transport railway aviation shipping agriculture environment climate "
        "flood earthquake fire war treaty protest strike law courts media press television "
        "architecture monument archaeology history migration tourism finance banking oil gas "
        "infrastructure construction art theatre film festival visit ceremony anniversary "
        "human-rights foreign-policy").split()
FUNCTION_WORDS = ("the of and to in a on for with at by from as was were is that his her their it "
                  "an which during after before between into over under also had has been "
                  "this these those its new first two three").split()
CONTENT_WORDS = (
    "minister president government delegation visit meeting agreement cooperation relations "
    "bilateral parliament committee session commission economic trade defense security foreign "
    "national international capital city republic embassy ambassador ceremony monument park "
    "statue opening reconstructed restored support financial aid project energy pipeline gas "
    "oil railway election strategic partnership group leader writer composer poet artist museum "
    "library university students professor conference summit talks negotiations treaty signed "
    "investment bank loan budget tax reform court trial verdict police army soldiers border war "
    "peace ceasefire refugees flood earthquake fire disaster rescue hospital vaccine market "
    "prices inflation export import factory workers strike union protest demonstration square "
    "church mosque monastery cathedral festival concert theatre opera film exhibition award "
    "prize champion match tournament league team announced declared reported confirmed denied "
    "discussed stressed praised welcomed opened closed launched completed elected appointed "
    "resigned arrested released visited attended addressed underlined important further "
    "strengthening political cultural historical regional local public official former deputy "
    "chairman prime chief general director people country region territory law resolution "
    "statement report news agency newspaper radio television anniversary memorial honour "
    "heritage ancient medieval modern century year month day river sea"
).split()


@dataclass(frozen=True)
class GeneratedInfo:
    """What was generated, plus facts a benchmark or test can query against."""

    root: Path
    seed: int
    entries: int  # valid entries
    invalid: int
    files: int
    bytes: int
    seconds: float
    common_person: str  # a `names:` family in about 1% of entries, under all its spellings
    common_person_spellings: tuple[str, ...]
    common_person_entries: int
    rare_person: str  # occurs in exactly one entry (people list and body)
    rare_person_entry: str  # that entry's file stem
    busy_year: int
    busy_year_entries: int
    common_tag: str
    common_tag_entries: int
    bce_entries: int
    with_end: int
    custom_field_entries: int
    precisions: dict[str, int]  # year, month, day, datetime -> entries
    invalid_files: dict[str, str]  # path relative to root -> kind of breakage


class Made(NamedTuple):
    lines: list[str]  # top-level `key: value` blocks, joined by newlines into the file
    title: list[str]
    people: list[str]
    tags: list[str]
    has_end: bool
    custom: bool


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_FOLD = str.maketrans({"đ": "dj", "Đ": "Dj", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
                       "ß": "ss", "ə": "e", "Ə": "E", "ı": "i"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore")
    words = _NON_SLUG.sub(" ", folded.decode().lower()).split()
    return "-".join(words[:6])[:48].strip("-") or "entry"


def vocabulary() -> tuple[list[str], list[float]]:
    """About 4000 words: function words, news words, then pseudo-words, Zipf-weighted by rank."""
    rng = random.Random(20140417)  # the same vocabulary for every seed
    words = list(dict.fromkeys(FUNCTION_WORDS + CONTENT_WORDS))
    seen = set(words)
    onsets = "b c d f g h j k l m n p r s t v z b d k l m n r s t br dr kr pl st tr".split()
    vowels = "a e i o u a e i o ea ou".split()
    codas = ["", "", "", "", "n", "r", "s", "l", "m", "t"]
    while len(words) < 4000:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                       for _ in range(rng.choice((1, 2, 2, 2, 3))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, list(accumulate(1.0 / (rank + 2.7) ** 1.05 for rank in range(len(words))))


def year_text(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def days_in(year: int, month: int) -> int:
    # Proleptic Gregorian for any year, BCE included (calendar.monthrange needs year >= 1).
    return 29 if month == 2 and calendar.isleap(year) else [31, 28, 31, 30, 31, 30, 31, 31,
                                                            30, 31, 30, 31][month - 1]


# A date is (precision, year, month, day, hour, minute, second); precision is one of
# "year", "month", "day", "minute", "second".
Moment = tuple[str, int, int, int, int, int, int]


def date_stamp(m: Moment) -> str:
    """The date part, down to the day: `1944`, `-0044-03`, `2014-04-17`."""
    prec, y, mo, d = m[:4]
    text = year_text(y) + ("" if prec == "year" else f"-{mo:02d}")
    return text + ("" if prec in ("year", "month") else f"-{d:02d}")


def render_date(m: Moment) -> str:
    """Dates of years >= 1000 down to the day as people type them (1944 is an int, 2014-04-17
    a YAML date); times and other years as quoted strings."""
    prec, hh, mi, ss = m[0], m[4], m[5], m[6]
    if prec in ("minute", "second"):
        return q(f"{date_stamp(m)}T{hh:02d}:{mi:02d}" + (f":{ss:02d}" if prec == "second" else ""))
    return date_stamp(m) if m[1] >= 1000 else q(date_stamp(m))


def random_moment(rng: random.Random) -> Moment:
    era = rng.random()
    if era < 0.85:
        y = 2014 if rng.random() < 0.1 else rng.randint(1900, 2025)
        prec = rng.choices(["year", "month", "day", "minute", "second"], [10, 15, 60, 10, 5])[0]
    elif era < 0.97:
        y = rng.randint(1000, 1899)
        prec = rng.choices(["year", "month", "day"], [40, 20, 40])[0]
    else:
        y = rng.randint(-2000, 0)  # astronomical: 0 is 1 BCE
        prec = rng.choices(["year", "month", "day"], [60, 15, 25])[0]
    mo = rng.randint(1, 12)
    d = rng.randint(1, days_in(y, mo))
    return (prec, y, mo, d, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def end_after(rng: random.Random, start: Moment) -> Moment:
    """An end never before start, at the same or a coarser precision."""
    prec, y, mo, d, hh, mi, ss = start
    if prec in ("minute", "second"):
        t = datetime(y, mo, d, hh, mi, ss) + timedelta(minutes=rng.randint(0, 4320))
        prec = rng.choice([prec, prec, "day"])
        return (prec, t.year, t.month, t.day, t.hour, t.minute, t.second)
    if prec == "day" and y >= 1:
        t2 = date(y, mo, d) + timedelta(days=rng.randint(0, 60))
        return (rng.choice(["day", "day", "month"]), t2.year, t2.month, t2.day, 0, 0, 0)
    if prec == "month":
        months = y * 12 + mo - 1 + rng.randint(0, 11)
        return (rng.choice(["month", "year"]), months // 12, months % 12 + 1, 1, 0, 0, 0)
    return ("year", min(y + rng.randint(0, 10), 2025 if y > 0 else 0), 1, 1, 0, 0, 0)


def generate(dest: Path, n: int, *, seed: int = 1, invalid: int = 0,
             flat: bool = False) -> GeneratedInfo:
    """Write a chronicle of n valid entries (plus `invalid` broken files) under dest."""
    started = time.perf_counter()
    dest = Path(dest)
    entries_dir = dest / "entries"
    if entries_dir.exists() and any(entries_dir.iterdir()):
        raise FileExistsError(f"{entries_dir} is not empty; choose a new destination")
    entries_dir.mkdir(parents=True, exist_ok=True)
    (dest / "index").mkdir(exist_ok=True)
    rng = random.Random(seed)
    words, cum = vocabulary()
    choices = rng.choices
    tag_cum = list(accumulate(1.0 / (i + 1) for i in range(len(TAGS))))
    people_pool = [(k, v) for k, v in PEOPLE_FAMILIES.items() if k != COMMON_PERSON]
    place_pool = list(PLACE_FAMILIES.items())
    common_spellings = (COMMON_PERSON, *PEOPLE_FAMILIES[COMMON_PERSON])
    common_at = set(rng.sample(range(n), max(1, round(n / 100)))) if n else set()
    rare_at = next((i for i in rng.sample(range(n), min(n, 100)) if i not in common_at), -1)
    domains = ["www.example.org", "news.example.com", "archive.example.net", "apa.example.az",
               "rts.example.rs", "tass.example.ru", "wiki.example.org"]

    def spelling(family: tuple[str, list[str]]) -> str:
        return family[0] if rng.random() < 0.5 else rng.choice(family[1])

    def sentence_words(k: int) -> list[str]:
        return choices(words, cum_weights=cum, k=k)

    def sentence(k: int) -> str:
        ws = sentence_words(k)
        ws[0] = ws[0].capitalize()
        return " ".join(ws) + "."

    def entry(index: int, start: Moment) -> Made:
        people: list[str] = []
        for _ in range(choices(range(5), [15, 30, 30, 15, 10])[0]):
            people.append(spelling(rng.choice(people_pool)) if rng.random() < 0.4 else
                          f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        if index in common_at:
            people.insert(rng.randint(0, len(people)), rng.choice(common_spellings))
        if index == rare_at:
            people.append(RARE_PERSON)
        people = list(dict.fromkeys(people))
        places = list(dict.fromkeys(
            spelling(rng.choice(place_pool)) if rng.random() < 0.5 else rng.choice(PLAIN_PLACES)
            for _ in range(choices(range(4), [25, 45, 20, 10])[0])))
        tags = list(dict.fromkeys(choices(TAGS, cum_weights=tag_cum, k=rng.randint(1, 4))))
        names = people + places
        title = sentence_words(rng.randint(4, 11) if names else rng.randint(5, 12))
        if names:
            title.insert(rng.randint(0, len(title)), rng.choice(names).split()[-1])
        title[0] = title[0][:1].upper() + title[0][1:]
        sentences: list[str] = []
        budget = rng.randint(85, 145) - 6 * len(names)  # name mentions below add the rest
        while budget > 0:
            sentences.append(sentence(max(5, min(budget, rng.randint(8, 18)))))
            budget -= sentences[-1].count(" ") + 1
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        for name in names:  # mention most names in the text, sometimes by surname only
            if rng.random() < 0.85:
                i = rng.randrange(len(paragraphs))
                said = name if rng.random() < 0.7 else name.split()[-1]
                paragraphs[i] = f"{paragraphs[i]} {said} {' '.join(sentence_words(5))}."
        if rng.random() < 0.2:
            i = rng.randrange(len(paragraphs))
            w = paragraphs[i].split(" ")
            j = rng.randrange(1, len(w) - 1)
            w[j] = f"**{w[j]}**" if rng.random() < 0.5 else f"*{w[j]}*"
            paragraphs[i] = " ".join(w)
        if rng.random() < 0.15:
            paragraphs.insert(rng.randint(1, len(paragraphs)), "\n".join(
                "- " + " ".join(sentence_words(rng.randint(3, 8)))
                for _ in range(rng.randint(2, 4))))
        lines = [f"title: {q(' '.join(title))}", f"date: {render_date(start)}"]
        end = end_after(rng, start) if rng.random() < 0.1 else None
        if end is not None:
            lines.append(f"end: {render_date(end)}")
        lines.append(f"summary: {q(sentence(rng.randint(10, 25)))}")
        for key, values in (("people", people), ("places", places), ("tags", tags)):
            if values:
                lines.append(key + ":" + "".join(f"\n  - {q(v)}" for v in values))
            elif rng.random() < 0.1:
                lines.append(f"{key}: []")
        sources = []
        for _ in range(choices(range(3), [40, 40, 20])[0]):
            url = f"https://{rng.choice(domains)}/{year_text(start[1])}/{slugify(' '.join(title))}"
            if rng.random() < 0.5:
                sources.append(f"\n  - {q(url)}")
            else:
                published = date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))
                sources.append(f"\n  - title: {q(sentence(rng.randint(4, 9))[:-1])}\n"
                               f"    url: {q(url)}\n    date: {published.isoformat()}")
        if sources:
            lines.append("sources:" + "".join(sources))
        custom = False
        if rng.random() < 0.05:
            lines.append(f"location_confidence: {q(rng.choice(['high', 'medium', 'low']))}")
            custom = True
        if rng.random() < 0.03:
            lines.append(f"attendance: {rng.randint(10, 50000)}")
            custom = True
        body = "\n\n".join(paragraphs).replace("\n", "\n  ").replace("\n  \n", "\n\n")
        lines.append("body: |\n  " + body)
        return Made(lines, title, people, tags, end is not None, custom)

    made_dirs: set[Path] = set()
    total_bytes = 0

    def write(start: Moment, title_words: list[str], number: int, lines: list[str]) -> Path:
        nonlocal total_bytes
        folder = entries_dir if flat else entries_dir / year_text(start[1])
        if folder not in made_dirs:
            folder.mkdir(exist_ok=True)
            made_dirs.add(folder)
        path = folder / f"{date_stamp(start)}-{slugify(' '.join(title_words))}-{number}.yaml"
        data = ("\n".join(lines) + "\n").encode("utf-8")
        path.write_bytes(data)
        total_bytes += len(data)
        return path

    years: Counter[int] = Counter()
    tag_counts: Counter[str] = Counter()
    precisions: Counter[str] = Counter()
    common_entries = bce = with_end = custom = 0
    rare_entry = ""
    for index in range(n):
        start = random_moment(rng)
        made = entry(index, start)
        path = write(start, made.title, index + 1, made.lines)
        years[start[1]] += 1
        precisions["datetime" if start[0] in ("minute", "second") else start[0]] += 1
        tag_counts.update(made.tags)
        bce += start[1] <= 0
        with_end += made.has_end
        custom += made.custom
        common_entries += any(p in common_spellings for p in made.people)
        if index == rare_at:
            rare_entry = path.stem

    kinds = ["bad_yaml", "missing_title", "impossible_date", "end_before_date", "list_for_string"]
    broken: dict[str, str] = {}
    for k in range(invalid):
        kind = kinds[k % len(kinds)]
        start = ("day", 2014, rng.randint(1, 12), rng.randint(1, 28), 0, 0, 0)
        made = entry(n + k, start)  # an index no planted name uses
        lines = [line for line in made.lines if not line.startswith("end:")]
        if kind == "bad_yaml":  # a stray list item under a scalar: a parser error on line 2
            lines.insert(1, '  - "stray item"')
        elif kind == "missing_title":
            lines = lines[1:]
        elif kind == "impossible_date":  # unquoted: libyaml's timestamp constructor rejects it
            lines[1] = "date: 2014-02-30"
        elif kind == "end_before_date":
            lines[1:2] = ["date: 2014-04-17", "end: 2014-03-01"]
        else:
            lines[2] = f"summary:\n  - {q(sentence(6))}\n  - {q(sentence(6))}"
        path = write(start, made.title, n + k + 1, lines)
        broken[path.relative_to(dest).as_posix()] = kind

    write_config(dest, n, seed)
    busy_year, busy_count = years.most_common(1)[0] if years else (0, 0)
    common_tag, common_tag_count = tag_counts.most_common(1)[0] if tag_counts else ("", 0)
    return GeneratedInfo(
        root=dest, seed=seed, entries=n, invalid=invalid, files=n + invalid,
        bytes=total_bytes, seconds=time.perf_counter() - started,
        common_person=COMMON_PERSON, common_person_spellings=common_spellings,
        common_person_entries=common_entries, rare_person=RARE_PERSON,
        rare_person_entry=rare_entry, busy_year=busy_year, busy_year_entries=busy_count,
        common_tag=common_tag, common_tag_entries=common_tag_count, bce_entries=bce,
        with_end=with_end, custom_field_entries=custom, precisions=dict(precisions),
        invalid_files=broken)


CUSTOM_FIELDS = 'fields: ["location_confidence", "attendance"]\nnames:'


def write_config(dest: Path, n: int, seed: int) -> None:
    lines = [f"title: {q(f'Synthetic chronicle ({n} entries, seed {seed})')}", CUSTOM_FIELDS]
    for canonical, variants in (PEOPLE_FAMILIES | PLACE_FAMILIES).items():
        lines.append(f"  {q(canonical)}:")
        lines.extend(f"    - {q(v)}" for v in variants)
    (dest / "chronicle.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of valid entries")
    parser.add_argument("dest", type=Path, help="chronicle folder to create")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid", type=int, default=0, help="broken files to add")
    parser.add_argument("--flat", action="store_true", help="no per-year folders under entries/")
    args = parser.parse_args(argv)
    try:
        info = generate(args.dest, args.n, seed=args.seed, invalid=args.invalid, flat=args.flat)
    except FileExistsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"{info.entries} entries, {info.invalid} invalid, {info.files} files, "
          f"{info.bytes / 1e6:.1f} MB, {info.seconds:.1f} s -> {info.root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
