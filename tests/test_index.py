"""The search index: analysis, matching and ranking, sync, recovery, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import index
from chronicle.config import find_chronicle
from chronicle.errors import IndexBusyError, UsageError
from chronicle.index import lifecycle, locking
from chronicle.index.analysis import NAMES, TEXT, Tier, query_terms, word_terms
from chronicle.index.schema import SCHEMA_VERSION
from chronicle.query import Filters


def make_chronicle(root: Path, entries: dict[str, str], names: dict | None = None) -> Path:
    """A chronicle in ``root`` with ``entries`` ({id: YAML text}) and a names: block."""
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "index").mkdir(exist_ok=True)
    config = {"title": "Test", "names": names or {}}
    (root / "chronicle.yaml").write_text(json.dumps(config), encoding="utf-8")
    for entry_id, text in entries.items():
        write_entry(root, entry_id, text)
    return root


def write_entry(root: Path, entry_id: str, text: str) -> Path:
    path = root / "entries" / f"{entry_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def entry(title: str, body: str = "", date: str = "2014-04-17", **lists: list[str]) -> str:
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}", f"date: {json.dumps(date)}"]
    if body:
        lines.append(f"body: {json.dumps(body, ensure_ascii=False)}")
    for key, values in lists.items():
        lines.append(f"{key}: {json.dumps(values, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def found(root: Path, query: str, **options: object) -> list[str]:
    result = index.search(find_chronicle(root), query, limit=0, **options)  # type: ignore[arg-type]
    return [hit.entry.id for hit in result.hits]


# -- the analysis chain -----------------------------------------------------------------

WORD_ALPHABET = "aAbcčćČĆdđĐeəƏgğhijJklłŁmnoøØsšŠßtuüvyzžŽжшчћђљњџјйщыюяЖШЧЋЂЉЊЏ"
words = st.text(alphabet=WORD_ALPHABET, min_size=1, max_size=14)


def meets(query_word: str, document_word: str, kind: str) -> bool:
    """True when every position of the query word shares a term with the document word."""
    query = query_terms(query_word, kind)
    document = word_terms(document_word, kind)
    return len(query) == len(document) and all(
        {term for _, term in alternatives} & set(terms)
        for alternatives, terms in zip(query, document, strict=True)
    )


@settings(max_examples=150, deadline=None)
@given(words, st.sampled_from([TEXT, NAMES]))
def test_a_word_finds_itself_however_it_is_typed(word: str, kind: str) -> None:
    from chronicle.names import fold

    assert meets(word, word, kind)
    assert meets(word.upper(), word, kind) or not meets(word.upper(), word.upper(), kind)
    # Typed without its accents or in Latin letters, the word is still found.
    assert meets(fold(word), word, kind)


@settings(max_examples=150, deadline=None)
@given(words)
def test_an_exact_match_is_tiered_exact(word: str) -> None:
    for alternatives, terms in zip(query_terms(word, NAMES), word_terms(word, NAMES),
                                   strict=True):
        tiers = {tier for tier, term in alternatives if term in terms}
        assert Tier.EXACT in tiers


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(words, st.sampled_from([
    "Tašmajdan", "Tashmaydan", "running", "runs", "the", "Vučić", "vucic", "Хрущёв",
    "Khrushchev", "happy", "happiness", "Đorđević", "cities", "¼", "Straße", "ß", "y", "Of",
])), min_size=1, max_size=8),
       st.sampled_from([TEXT, NAMES]), st.integers(0, 7))
def test_marking_matched_words_agrees_with_the_full_chain(
    words: list[str], kind: str, pick: int
) -> None:
    from chronicle.index.analysis import iter_marked_words
    from chronicle.names import WORD_RE

    text = " ".join(words)
    terms = set(word_terms(words[pick % len(words)], kind)[0]) if word_terms(
        words[pick % len(words)], kind) else set()
    expected = [
        (m.start(), m.end(), any(t in terms for g in word_terms(m.group(0), kind) for t in g))
        for m in WORD_RE.finditer(text)
        if word_terms(m.group(0), kind)
    ]
    assert list(iter_marked_words(text, kind, terms)) == expected


def test_stemming_comes_after_folding() -> None:
    # Stemmed before folding, the -ić of one and the -ic of the other part ways.
    assert meets("Nikolic", "Nikolić", TEXT)
    assert meets("elections", "election", TEXT)
    from chronicle.index.analysis import bare_term, stem

    # The trap: stemming the unfolded word keeps the accent where the suffix was.
    assert stem("nikolić") != stem("nikolic")
    assert bare_term(word_terms("Nikolić", TEXT)[0][0]) == word_terms("Nikolic", TEXT)[0][0]
    assert word_terms("the", TEXT) == ()
    assert word_terms("the", NAMES) != ()


# -- finding names however they are spelled --------------------------------------------

SPELLINGS = [
    ("Vučić", "Vucic"),
    ("Nikolić", "Nikolic"),
    ("Đorđević", "Djordjevic"),
    ("Gökçe", "Gokce"),
    ("Friedrichstraße", "Friedrichstrasse"),
    ("Søren", "Soren"),
    ("Łódź", "Lodz"),
    ("Əliyev", "Aliyev"),
    ("Ташмајдан", "Tasmajdan"),
    ("Tashmaydan", "Tasmajdan"),
    ("Pavić", "Pavich"),
    ("Ljajić", "Lyaich"),
    ("Vujović", "Vuyovich"),
    ("Хрущёв", "Khrushchev"),
]


@pytest.fixture
def spelled(tmp_path: Path) -> Path:
    entries = {}
    for number, (a, b) in enumerate(SPELLINGS):
        entries[f"a{number}"] = entry(f"Report {number}", f"Met {a} in the morning.")
        entries[f"b{number}"] = entry(f"Note {number}", f"Talks with {b} went on.", people=[b])
    entries["other"] = entry("Unrelated", "Nothing to see: Vukovic and Pavlovic and Nikola.")
    return make_chronicle(tmp_path / "spelled", entries)


@pytest.mark.parametrize("number", range(len(SPELLINGS)))
def test_each_spelling_finds_the_other(spelled: Path, number: int) -> None:
    from chronicle.names import name_key

    a, b = SPELLINGS[number]
    # Every pair spelling the same name (Ташмајдан and Tashmaydan are one place).
    same = {i for i, (x, _) in enumerate(SPELLINGS) if name_key(x) == name_key(a)}
    expected = {f"{side}{i}" for i in same for side in "ab"}
    assert set(found(spelled, a)) == expected
    assert set(found(spelled, b)) == expected


def test_exact_ranks_above_folded_above_variant_above_fuzzy(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "rank", {
        "variant": entry("Minister Vuchich", "Vuchich spoke."),
        "folded": entry("Minister Vucic", "Vucic spoke."),
        "exact": entry("Minister Vučić", "Vučić spoke."),
        "none": entry("Minister Rodic", "Rodic spoke."),
    })
    result = index.search(find_chronicle(root), "Vučić", limit=0)
    assert [hit.entry.id for hit in result.hits] == ["exact", "folded", "variant"]
    assert [hit.tier for hit in result.hits] == [Tier.EXACT, Tier.FOLDED, Tier.VARIANT]
    assert result.hits[0].score > result.hits[1].score > result.hits[2].score

    root = make_chronicle(tmp_path / "fuzzy", {
        "exact": entry("Deputy Shahverdiyev", "Shahverdiyev observed."),
        "near": entry("Deputy Shaverdiyev", "Shaverdiyev observed."),
    })
    result = index.search(find_chronicle(root), "Shahverdiyev", limit=0)
    assert [hit.entry.id for hit in result.hits] == ["exact", "near"]
    assert result.hits[1].tier is Tier.FUZZY
    # Always on, not a retry: the near spelling is listed, and says why it matched.
    assert result.hits[1].new_forms == ["Shaverdiyev: near spelling"]


def test_a_title_match_ranks_above_a_body_match(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "fields", {
        "body": entry("A meeting", "Long text. " * 20 + "Then Hasanov arrived."),
        "title": entry("Hasanov arrives", "Long text. " * 20),
    })
    assert found(root, "Hasanov") == ["title", "body"]


def test_a_quoted_phrase_stays_a_phrase(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "phrase", {
        "heydar": entry("Monument", "Flowers for Heydar Aliyev."),
        "ilham": entry("Visit", "Ilham Aliyev met Heydar Mammadov."),
    })
    assert found(root, '"Heydar Aliyev"') == ["heydar"]
    assert set(found(root, "Heydar Aliyev")) == {"heydar", "ilham"}
    assert found(root, '"heydar aliyev"') == ["heydar"]


def test_a_phrase_does_not_run_across_list_values(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "lists", {
        "apart": entry("Meeting", people=["Ilham Aliyev", "Heydar Mammadov"]),
    })
    assert found(root, '"Aliyev Heydar"') == []
    assert found(root, '"Ilham Aliyev"') == ["apart"]


def test_short_words_do_not_drag_in_neighbours(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "short", {
        "nis": entry("Visit to Nis", places=["Nis"]),
        "nil": entry("Nil result", "The Nil and the Nik."),
        "kiev": entry("Kiev talks", places=["Kiev"]),
        "kier": entry("Kier talks", "Kier and Riev and Kiew."),
    })
    assert found(root, "Nis") == ["nis"]
    assert found(root, "Kiev") == ["kiev"]
    # A four-letter word that matches nothing is retried one edit away, and says so.
    result = index.search(find_chronicle(root), "Kiex", limit=0)
    assert result.hits and any("showing results for" in note for note in result.notes)


def test_aliases_find_every_declared_form(tmp_path: Path) -> None:
    root = make_chronicle(
        tmp_path / "alias",
        {
            "canonical": entry("Ceremony in Tasmajdan Park", places=["Tasmajdan Park"]),
            "tashmay": entry("Park reopens", "The reopening of Tashmay Park.",
                             places=["Tashmay Park"]),
            "elsewhere": entry("Other park", "Kalemegdan Park is elsewhere."),
        },
        names={"Tasmajdan Park": ["Tashmay Park", "Tashmaydan Park"]},
    )
    result = index.search(find_chronicle(root), "Tasmajdan", limit=0)
    assert [hit.entry.id for hit in result.hits] == ["canonical", "tashmay"]
    assert result.hits[1].tier is Tier.ALIAS
    assert "Tashmay Park" in result.hits[1].new_forms
    assert result.hits[0].new_forms == []
    assert set(found(root, "Tashmay")) == {"canonical", "tashmay"}
    assert set(found(root, '"Tasmajdan Park"')) == {"canonical", "tashmay"}
    assert "elsewhere" in found(root, "park")


# -- the query language ----------------------------------------------------------------


@pytest.fixture
def language(tmp_path: Path) -> Path:
    return make_chronicle(tmp_path / "lang", {
        "a": entry("Vucic in Belgrade", "Talks on energy.", date="2014-03-05",
                   people=["Aleksandar Vučić"], places=["Belgrade"], tags=["energy"]),
        "b": entry("Nikolic in Novi Sad", "Talks on the economy.", date="2014-04-17",
                   people=["Tomislav Nikolić"], places=["Novi Sad"], tags=["economy"]),
        "c": entry("Belgrade celebrates", "Vucic was not there.", date="2013-12",
                   places=["Belgrade"], tags=["civil war"]),
        "d": entry("Ancient rites", "Rome.", date="-0043-03-15"),
        "e": entry("Long era", "A long stretch.", date="-0500", end="2100"),
    })


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vucic", {"a", "c"}),
        ("person:Vucic", {"a"}),
        ("title:Belgrade", {"a", "c"}),
        ("place:Belgrade body:economy", set()),
        ("Vucic OR Nikolic", {"a", "b", "c"}),
        ("(Vucic OR Nikolic) NOT Belgrade", {"b"}),
        ("Vucic -person:Vucic", {"c"}),
        ("NOT Belgrade", {"b", "d", "e"}),
        ("Belg*", {"a", "c"}),
        ("tag:energy", {"a"}),
        ('tag:"civil war"', {"c"}),
        ("date:2014", {"a", "b", "e"}),
        ("date:2014-04", {"b", "e"}),
        ("date:[2013-12 to 2014-03]", {"a", "c", "e"}),
        ("date:[2014-03-06 to 2014-04-16]", {"e"}),
        ("date:-0043", {"d", "e"}),
        ("date:[* to -0100]", {"e"}),
        ("date:[-0044 to -0043]", {"d", "e"}),
        ("Belgrade date:2013", {"c"}),
        ("date:2014 OR Rome", {"a", "b", "d", "e"}),
        ("Novi Sad", {"b"}),
        ('"Novi Shad"', {"b"}),
    ],
)
def test_query_language(language: Path, query: str, expected: set[str]) -> None:
    assert set(found(language, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zorbluxe -vambrisk", {"c", "e"}),
        ("zorbluxe NOT vambrisk", {"c", "e"}),
        ("title:zorbluxe -title:vambrisk", {"c", "e"}),
        ("(zorbluxe -vambrisk) kwimtrap", {"e"}),
        ("kwimtrap (zorbluxe -vambrisk)", {"e"}),
        ("(zorbluxe -vambrisk) OR kwimtrap", {"c", "d", "e"}),
        ("zorbluxe -(vambrisk OR kwimtrap)", {"c"}),
    ],
)
def test_a_negated_word_removes_every_entry_holding_it(
    tmp_path: Path, query: str, expected: set[str]
) -> None:
    # The excluded word's first entry comes before the wanted word's first entry in the
    # index, and each word's entries interleave: exclusion must not depend on the order.
    root = make_chronicle(tmp_path / "neg", {
        "a": entry("vambrisk alone"),
        "b": entry("zorbluxe vambrisk"),
        "c": entry("zorbluxe alone"),
        "d": entry("kwimtrap vambrisk zorbluxe"),
        "e": entry("zorbluxe kwimtrap"),
        "f": entry("vambrisk again"),
    })
    assert set(found(root, query)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": "2014"}, {"a", "b", "e"}),
        ({"month": "2014-04"}, {"b", "e"}),
        ({"on": "2014-03-05"}, {"a", "e"}),
        ({"from_": "2014-03-06"}, {"b", "e"}),
        ({"to": "2013"}, {"c", "d", "e"}),
        ({"year": "2014", "within": True}, {"a", "b"}),
        ({"people": ["Vucic"]}, {"a"}),
        ({"people": ["Aleksandar Vucic", "nikolic"]}, {"a", "b"}),
        ({"places": ["novi shad"]}, {"b"}),
        ({"tags": ["Civil War"]}, {"c"}),
        ({"tags": ["war"]}, set()),
    ],
)
def test_list_filters_apply_to_search(language: Path, filters: dict, expected: set[str]) -> None:
    built = Filters.build(**filters)
    assert set(found(language, "", filters=built)) == expected
    from chronicle import catalog

    listed = catalog.select(find_chronicle(language), built).entries
    assert {e.id for e in listed} == expected


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "Vucic)",
        "((Vucic",
        "OR",
        "Vucic OR",
        "AND NOT",
        "NOT",
        "title:",
        "date:[2014 to",
        "date:2014-13",
        "date:banana",
        "*",
        "Vucic" + "(" * 5000,
        "NOT " * 3000 + "Vucic",
        " ".join(["Vucic"] * 3000),
        "x" * 10_000,
        "\x00\x1f\u202e Vučić \ufeff",
        "-",
        "person:(Vucic OR",
    ],
)
def test_malformed_and_hostile_queries_never_crash(language: Path, query: str) -> None:
    started = time.perf_counter()
    try:
        result = index.search(find_chronicle(language), query, limit=5)
    except UsageError as err:
        assert "nothing to search for" in err.message
        return
    assert isinstance(result.total, int)
    # Each of these queries is bounded: none may take long (generous limit for slow CI).
    assert time.perf_counter() - started < 10


def test_a_query_that_cannot_be_read_falls_back_to_its_words(language: Path) -> None:
    result = index.search(find_chronicle(language), '"Vucic Belgrade', limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert any("Could not read the query" in note for note in result.notes)


def test_only_common_words_is_nothing_to_search(language: Path) -> None:
    with pytest.raises(UsageError):
        index.search(find_chronicle(language), "the of and", limit=5)


def test_explain_lists_every_expansion(tmp_path: Path) -> None:
    root = make_chronicle(
        tmp_path / "explain",
        {"x": entry("Tashmaydan", "In Tašmajdan.", places=["Tashmay Park"])},
        names={"Tasmajdan Park": ["Tashmay Park"]},
    )
    result = index.search(find_chronicle(root), "Tasmajdan", explain=True)
    text = "\n".join(result.explain)
    assert "folded" in text and "variant" in text and "Tashmay Park" in text


def test_hits_carry_snippets_fields_and_json(language: Path) -> None:
    result = index.search(find_chronicle(language), "energy", limit=5)
    [hit] = result.hits
    assert hit.matched_fields == ["body", "tags"]
    assert ("energy", True) in hit.snippet
    data = hit.to_dict()
    assert {"id", "title", "date", "score", "matched_fields", "matched_forms"} <= set(data)


def test_sort_by_date_and_limit(language: Path) -> None:
    result = index.search(find_chronicle(language), "Belgrade OR Nikolic", sort="date", limit=2)
    assert [hit.entry.id for hit in result.hits] == ["c", "a"]
    assert result.total == 3


# -- keeping in step -------------------------------------------------------------------


def test_sync_follows_added_changed_and_deleted_files(language: Path) -> None:
    chronicle = find_chronicle(language)
    assert found(language, "Kalemegdan") == []
    write_entry(language, "new", entry("Walk in Kalemegdan", "By the fortress."))
    assert found(language, "Kalemegdan") == ["new"]
    time.sleep(0.01)
    write_entry(language, "new", entry("Walk in Topcider", "By the park."))
    assert found(language, "Kalemegdan") == []
    assert found(language, "Topcider") == ["new"]
    (language / "entries" / "new.yaml").unlink()
    assert found(language, "Topcider") == []
    report = index.update(chronicle)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)


def test_update_counts_changes_and_invalid_files(language: Path) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    write_entry(language, "n1", entry("One", "x"))
    write_entry(language, "bad", "title: [unclosed\n")
    (language / "entries" / "a.yaml").unlink()
    report = index.update(chronicle)
    assert (report.added, report.removed, report.invalid) == (2, 1, 1)
    assert report.indexed == 1
    rebuilt = index.update(chronicle, rebuild=True)
    assert rebuilt.rebuilt and rebuilt.indexed == 5 and rebuilt.invalid == 1


def test_nothing_changed_does_not_open_the_index(language: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the index was opened")

    monkeypatch.setattr(lifecycle, "_apply", fail)
    monkeypatch.setattr(lifecycle, "_create", fail)
    report = index.update(chronicle)
    assert not report.rebuilt and report.indexed == 0


# -- recovery --------------------------------------------------------------------------


def _damage_segments(folder: Path) -> None:
    for path in folder.iterdir():
        if path.suffix in (".seg", ".trm", ".pst") or path.name.endswith(".toc"):
            path.write_bytes(b"\x00garbage" * 3)


@pytest.mark.parametrize(
    ("damage", "notice"),
    [
        (lambda folder: __import__("shutil").rmtree(folder), "missing"),
        (lambda folder: (folder / index.IDENT_FILE).unlink(), "incomplete"),
        (_damage_segments, ""),
        (lambda folder: [p.rename(p.with_name(p.name.replace(f"_s{SCHEMA_VERSION}_", "_s0_")))
                         for p in folder.glob("_chronicle_*.toc")], "another version"),
    ],
    ids=["missing", "killed mid-build", "corrupt", "old schema"],
)
def test_a_damaged_index_is_rebuilt_with_a_notice(language: Path, damage, notice: str) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    damage(index.whoosh_dir(chronicle))
    result = index.search(chronicle, "Vucic", limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert any("index" in note.lower() for note in result.notes)
    assert any(notice in note for note in result.notes)
    again = index.search(chronicle, "Vucic", limit=0)
    assert not any("index" in note.lower() for note in again.notes)


def test_a_deleted_catalog_forces_a_consistent_rebuild(language: Path) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    for path in (language / "index").glob("catalog.sqlite*"):
        path.unlink()
    write_entry(language, "late", entry("Late arrival", "Kalemegdan"))
    assert found(language, "Kalemegdan") == ["late"]
    assert set(found(language, "Vucic")) == {"a", "c"}


# -- two processes at once -------------------------------------------------------------


def _update_in_child(root: str, queue: multiprocessing.Queue) -> None:
    try:
        report = index.update(find_chronicle(Path(root)))
        queue.put(("ok", report.indexed))
    except Exception as err:  # pragma: no cover - reported to the parent
        queue.put(("error", repr(err)))


def test_two_processes_updating_at_once_both_succeed(language: Path) -> None:
    for number in range(40):
        write_entry(language, f"bulk/{number}", entry(f"Bulk {number}", f"Word{number} here."))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_update_in_child, args=(str(language), queue))
                for _ in range(2)]
    for child in children:
        child.start()
    outcomes = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes
    # Exactly one of them did the work (or they split it); nothing was lost.
    assert sum(count for _, count in outcomes) >= 45
    assert set(found(language, "Word7")) == {"bulk/7"}
    assert len(found(language, "Bulk")) == 40


def test_a_held_lock_times_out_for_writers_but_not_for_readers(language: Path) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    lock = locking.UpdateLock(chronicle.index_dir / index.LOCK_FILE, timeout=1)
    assert lock.acquire()
    try:
        # Nothing to do: a reader does not wait and does not need the lock.
        assert set(found(language, "Vucic")) == {"a", "c"}
        write_entry(language, "waiting", entry("Waiting", "Kalemegdan"))
        with pytest.raises(IndexBusyError):
            index.update(chronicle, lock_timeout=0.2)
        # A search reads the index as it is and says it may be behind.
        result = index.search(chronicle, "Vucic", limit=0)
        assert {hit.entry.id for hit in result.hits} == {"a", "c"}
        assert any("updating the index" in note for note in result.notes)
    finally:
        lock.release()
    assert found(language, "Kalemegdan") == ["waiting"]


def test_the_lock_is_released_when_its_holder_dies(language: Path) -> None:
    chronicle = find_chronicle(language)
    context = multiprocessing.get_context("fork")

    def hold() -> None:
        held = locking.UpdateLock(chronicle.index_dir / index.LOCK_FILE, timeout=1)
        held.acquire()
        os._exit(0)

    child = context.Process(target=hold)
    child.start()
    child.join(timeout=30)
    write_entry(language, "after", entry("After", "Kalemegdan"))
    report = index.update(chronicle, lock_timeout=1)
    assert report.indexed >= 1


def _one_file(suffix: str, how: str):  # type: ignore[no-untyped-def]
    def damage(folder: Path) -> None:
        (path,) = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        data = path.read_bytes()
        path.write_bytes(b"" if how == "empty" else data[: len(data) // 2])

    return damage


#: How a rebuild for damage begins its one notice: found by a file's digest, or by
#: reading the index.
DAMAGE_NOTICES = ("The search index was damaged (", "The search index could not be read")

SINGLE_FILE_DAMAGE = [
    ("empty .toc", _one_file(".toc", "empty")),
    ("truncated .toc", _one_file(".toc", "half")),
    ("empty .pst", _one_file(".pst", "empty")),
    ("empty .trm", _one_file(".trm", "empty")),
    ("truncated .trm", _one_file(".trm", "half")),
    ("truncated _stored.col", _one_file("_stored.col", "half")),
]


@pytest.mark.parametrize(("name", "damage"), SINGLE_FILE_DAMAGE, ids=[n for n, _ in SINGLE_FILE_DAMAGE])
def test_any_single_file_damage_is_rebuilt_by_search(language: Path, name: str, damage) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    damage(index.whoosh_dir(chronicle))
    result = index.search(chronicle, "Vucic", limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert [note for note in result.notes if "index" in note.lower()] == [
        note for note in result.notes if note.startswith(DAMAGE_NOTICES)
    ]
    assert len([note for note in result.notes if "index" in note.lower()]) == 1


@pytest.mark.parametrize(("name", "damage"), SINGLE_FILE_DAMAGE, ids=[n for n, _ in SINGLE_FILE_DAMAGE])
def test_index_never_calls_a_damaged_index_up_to_date(language: Path, name: str, damage) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    damage(index.whoosh_dir(chronicle))
    report = index.update(chronicle)
    assert report.rebuilt
    assert [note for note in report.notices if "index" in note.lower()] == [
        note for note in report.notices if note.startswith(DAMAGE_NOTICES)
    ]
    index.probe(chronicle)
    assert {hit.entry.id for hit in index.search(chronicle, "Vucic", limit=0).hits} == {"a", "c"}


@pytest.mark.parametrize("failing", ["identity file", "catalog stamp"])
def test_a_rebuild_that_fails_on_a_full_disk_leaves_no_generation_behind(
    language: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    import errno
    import sqlite3

    from chronicle import fileio
    from chronicle.catalog import Catalog

    chronicle = find_chronicle(language)
    index.update(chronicle)
    before = sorted(p.name for p in (language / "index").iterdir())
    if failing == "identity file":
        def no_space(path: Path, text: str) -> None:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

        monkeypatch.setattr(fileio, "atomic_write_text", no_space)
    else:
        def disk_full(self: Catalog, key: str, value: str) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(Catalog, "set_meta", disk_full)
    with pytest.raises((OSError, sqlite3.OperationalError)):
        index.update(chronicle, rebuild=True)
    monkeypatch.undo()
    # A half-made generation takes room a full disk does not have: it goes at once.
    assert sorted(p.name for p in (language / "index").iterdir()) == before
    assert set(found(language, "Vucic")) == {"a", "c"}


def test_a_full_disk_during_an_update_is_not_damage_and_search_answers(
    language: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from chronicle.index import marks

    chronicle = find_chronicle(language)
    index.update(chronicle)
    before = sorted(p.name for p in (language / "index").iterdir())
    write_entry(language, "g", entry("Vucic again"))

    def disk_full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(marks, "mark_indexed", disk_full)
    result = index.search(chronicle, "Vucic", limit=0)
    # The index in use answers (no rebuild attempted on a disk that has no room)...
    assert {"a", "c"} <= {hit.entry.id for hit in result.hits}
    assert any("could not be updated" in note for note in result.notes)
    assert sorted(p.name for p in (language / "index").iterdir()) == before
    # ...and once there is room, the next search catches up.
    monkeypatch.undo()
    assert set(found(language, "Vucic")) == {"a", "c", "g"}


def test_probe_reads_index_files_only_when_their_signatures_changed(
    language: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    walks: list[int] = []
    digests: list[str] = []
    real_walk, real_digest = lifecycle._walk, lifecycle._digest

    def counting_walk(folder: Path) -> None:
        walks.append(1)
        real_walk(folder)

    def counting_digest(path: Path) -> str | None:
        digests.append(path.name)
        return real_digest(path)

    monkeypatch.setattr(lifecycle, "_walk", counting_walk)
    monkeypatch.setattr(lifecycle, "_digest", counting_digest)
    index.probe(chronicle)
    assert (walks, digests) == ([], [])  # as the last commit left them
    folder = index.whoosh_dir(chronicle)
    (trm,) = [p for p in folder.iterdir() if p.suffix == ".trm"]
    trm.write_bytes(trm.read_bytes())  # same bytes, new times: read again, found sound
    index.probe(chronicle)
    assert (walks, digests) == ([], [trm.name])
    index.probe(chronicle)  # trusted again
    assert (walks, digests) == ([], [trm.name])
    (folder / lifecycle.VERIFIED_FILE).write_text("{", encoding="utf-8")
    index.probe(chronicle)  # nothing recorded: every file walked and read once
    assert walks == [1]
    assert sorted(digests[1:]) == sorted(lifecycle._file_signatures(folder))
    index.probe(chronicle)
    assert walks == [1]


def _flip(path: Path) -> None:
    """16 bytes in the middle of the file inverted: same size, readable by Whoosh."""
    data = path.read_bytes()
    middle = len(data) // 2
    path.write_bytes(data[:middle] + bytes(x ^ 0xFF for x in data[middle:middle + 16])
                     + data[middle + 16:])


def _segment_part(name: str) -> str:
    """A file's name without its segment's random id or the table's generation."""
    return name.rsplit("_", 1)[-1].split(".", 1)[-1] if name.startswith("_") else (
        name.split(".", 1)[-1])


def test_any_changed_byte_in_any_index_file_is_found_before_search_answers(
    language: Path,
) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    good = [hit.entry.id for hit in index.search(chronicle, "Belgrade", limit=0).hits]
    parts = sorted({_segment_part(name) for name in
                    lifecycle._file_signatures(index.whoosh_dir(chronicle))})
    assert {"_body_len.col", "_title_len.col", "_stored.col", "pst", "trm", "toc"} <= set(parts)
    for part in parts:
        folder = index.whoosh_dir(chronicle)
        (path,) = [folder / name for name in lifecycle._file_signatures(folder)
                   if _segment_part(name) == part]
        _flip(path)
        result = index.search(chronicle, "Belgrade", limit=0)
        assert [hit.entry.id for hit in result.hits] == good, part
        assert result.sync.rebuilt, part
        assert [note for note in result.notes if "index" in note.lower()] == [
            f"The search index was damaged ({path.name} is not as chronicle wrote it); "
            "rebuilding it."
        ], part
        assert index.whoosh_dir(chronicle) != folder


def test_chronicle_index_finds_a_flipped_length_column_and_rebuilds(language: Path) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    good = [hit.entry.id for hit in index.search(chronicle, "Belgrade", limit=0).hits]
    folder = index.whoosh_dir(chronicle)
    (column,) = [p for p in folder.iterdir() if p.name.endswith("_body_len.col")]
    _flip(column)
    report = index.update(chronicle)
    assert report.rebuilt
    assert [note for note in report.notices if "index" in note.lower()] == [
        f"The search index was damaged ({column.name} is not as chronicle wrote it); "
        "rebuilding it."
    ]
    result = index.search(chronicle, "Belgrade", limit=0)
    assert [hit.entry.id for hit in result.hits] == good
    assert not result.sync.rebuilt and not result.notes


def test_damage_is_found_before_a_catch_up_writes_over_it(language: Path) -> None:
    chronicle = find_chronicle(language)
    index.update(chronicle)
    folder = index.whoosh_dir(chronicle)
    (column,) = [p for p in folder.iterdir() if p.name.endswith("_title_len.col")]
    _flip(column)
    write_entry(language, "later", entry("Belgrade again", "Kalemegdan"))
    result = index.search(chronicle, "Belgrade", limit=0)
    assert result.sync.rebuilt
    assert {hit.entry.id for hit in result.hits} == {"a", "c", "later"}
    assert any(note.startswith("The search index was damaged (") for note in result.notes)


def test_an_index_copied_whole_is_trusted_without_a_rebuild(
    language: Path, tmp_path: Path
) -> None:
    import shutil

    chronicle = find_chronicle(language)
    index.update(chronicle)
    good = [hit.entry.id for hit in index.search(chronicle, "Belgrade", limit=0).hits]
    copy = tmp_path / "copy"
    shutil.copytree(language, copy, symlinks=True)  # new times, same bytes
    moved = find_chronicle(copy)
    assert not lifecycle._vouched_for(index.whoosh_dir(moved))
    result = index.search(moved, "Belgrade", limit=0)
    assert [hit.entry.id for hit in result.hits] == good
    assert not result.sync.rebuilt
    assert not [note for note in result.notes if "index" in note.lower()]
    assert lifecycle._vouched_for(index.whoosh_dir(moved))  # recorded again


def test_an_index_recorded_without_digests_is_walked_once_and_then_trusted(
    language: Path,
) -> None:
    import json

    chronicle = find_chronicle(language)
    index.update(chronicle)
    folder = index.whoosh_dir(chronicle)
    # As an earlier chronicle recorded it: stat signatures alone, in another file.
    (folder / lifecycle.VERIFIED_FILE).unlink()
    (folder / "chronicle-verified").write_text(
        json.dumps(lifecycle._file_signatures(folder)), encoding="utf-8")
    result = index.search(chronicle, "Belgrade", limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert not result.sync.rebuilt
    assert lifecycle._vouched_for(folder)


def test_a_rebuild_keeps_the_old_index_readable_until_the_switch(
    language: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.query import Every

    chronicle = find_chronicle(language)
    index.update(chronicle)

    def every_id() -> set[str]:
        with lifecycle.open_searcher(chronicle) as searcher:
            return {hit["id"] for hit in searcher.search(Every(), limit=None)}

    every = every_id()
    seen: list[set[str]] = []
    real_apply = lifecycle._apply

    def apply_and_search_meanwhile(folder: Path, *args: Any, **kwargs: Any) -> None:
        # What a search in another process sees while the new index is being filled.
        real_apply(folder, *args, **kwargs)
        seen.append(every_id())

    monkeypatch.setattr(lifecycle, "_apply", apply_and_search_meanwhile)
    index.update(chronicle, rebuild=True)
    monkeypatch.undo()
    assert len(every) == 5
    assert seen and all(ids == every for ids in seen)
    generations = [p.name for p in (language / "index").iterdir() if p.name.startswith("whoosh-")]
    assert len(generations) == 2  # the new one, and the one just replaced for late readers


@pytest.mark.parametrize("batch", [100, 1], ids=["dies-at-commit", "dies-while-fed"])
def test_a_build_worker_that_dies_fails_the_build_rather_than_hang_or_lose_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: None, batch: int
) -> None:
    import whoosh.multiproc

    root = make_chronicle(tmp_path, {f"e{i:03}": entry(f"Entry {i} zorblat") for i in range(40)})
    chronicle = find_chronicle(root)
    lifecycle.update(chronicle)
    assert len(found(root, "zorblat")) == 40

    # A parallel rebuild whose workers die on their first batch, as a killed or
    # out-of-memory worker would.
    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(lifecycle, "PARALLEL_BATCH", batch)
    monkeypatch.setattr(whoosh.multiproc.SubWriterTask, "_process_file",
                        lambda self, *args: os._exit(9))
    with pytest.raises(lifecycle.WorkerLostError, match="exit code 9"):
        lifecycle.update(chronicle, rebuild=True)
    assert multiprocessing.active_children() == []
    monkeypatch.undo()
    assert len(found(root, "zorblat")) == 40  # the index in use is whole


def test_the_tuned_writer_writes_the_same_files_as_whoosh(tmp_path: Path) -> None:
    """Byte for byte, every file of a segment (the terms table's hash buckets included),
    not only what a reader reads back from them."""
    import random

    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    from chronicle.index import building

    words = ["".join(random.Random(n).choices("abcdefghij", k=2 + n % 8)) for n in range(3000)]

    def files(tuned: bool) -> dict[str, bytes]:
        folder = tmp_path / ("tuned" if tuned else "whoosh")
        folder.mkdir()
        ix = FileStorage(str(folder)).create_index(
            Schema(id=ID(stored=True, unique=True), body=TEXT(stored=True)))
        writer = (building.writer if tuned else type(ix).writer)(ix, compound=False)
        for number in range(600):
            writer.add_document(id=str(number),
                                body=" ".join(random.Random(number).sample(words, 40)))
        writer.commit()
        # Named after a random segment name: compared by what follows it.
        return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.iterdir()
                if path.suffix in (".trm", ".pst", ".col")}

    tuned, whoosh = files(True), files(False)
    assert {"trm", "pst", "_stored.col", "_body_len.col"} <= set(tuned)
    assert tuned == whoosh


def test_a_near_spelling_only_removed_entries_held_is_not_offered(tmp_path: Path) -> None:
    """Whoosh counts a removed entry's words until its segment is merged: the note of
    what was searched instead names only words some entry still holds."""
    root = make_chronicle(tmp_path / "gone", {
        "keep": entry("Kiev talks", places=["Kiev"]),
        "gone": entry("Kwimtrap festival", "The Kwimtrap festival opens."),
    })
    chronicle = find_chronicle(root)
    assert found(root, "Kwimtrab") == ["gone"]
    (root / "entries" / "gone.yaml").unlink()
    result = index.search(chronicle, "Kwimtrab", limit=0)
    assert result.hits == []
    assert not any("showing results for" in note for note in result.notes), result.notes
    # Still said for a word that is there.
    result = index.search(chronicle, "Kiex", limit=0)
    assert any('showing results for "kiev"' in note for note in result.notes), result.notes
