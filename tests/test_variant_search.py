"""Variant matching, always on: what a user meets on a chronicle nobody has curated yet.

The sample chronicle with its ``names:`` block removed must still find every spelling
the sources used; distinct names stay apart; digits are not letters.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from chronicle import index
from chronicle.config import find_chronicle
from chronicle.index.analysis import Tier
from test_index import entry, found, make_chronicle


def holding(root: Path, pattern: str) -> set[str]:
    """The ids of entries whose file text matches ``pattern`` (case-insensitive)."""
    rx = re.compile(pattern, re.IGNORECASE)
    return {
        str(path.relative_to(root / "entries").with_suffix(""))
        for path in (root / "entries").rglob("*.yaml")
        if rx.search(path.read_text(encoding="utf-8"))
    }


def test_aleksandar_finds_alexander(uncurated: Path) -> None:
    expected = holding(uncurated, r"\bAlexander Vu")
    assert expected
    assert set(found(uncurated, "Aleksandar")) >= expected


def test_haydar_and_heydar_find_each_other(uncurated: Path) -> None:
    expected = holding(uncurated, r"\bH[ae]ydar Aliyev")
    assert len(expected) == 5
    assert set(found(uncurated, "Haydar Aliyev")) == expected
    assert set(found(uncurated, "Heydar Aliyev")) == expected
    assert set(found(uncurated, '"Haydar Aliyev"')) == expected


def test_azerbaijani_latin_finds_the_english_spelling(uncurated: Path) -> None:
    expected = holding(uncurated, r"\bKhojaly\b")
    assert len(expected) == 2
    assert set(found(uncurated, "Xocalı")) == expected


def test_russian_route_spellings(uncurated: Path) -> None:
    assert set(found(uncurated, "Gasanov")) == holding(uncurated, r"\bHasanov\b")
    heydar = holding(uncurated, r"\bH[ae]ydar\b")
    assert set(found(uncurated, "Geydar")) == heydar
    assert set(found(uncurated, "Geidar")) == heydar


def test_the_reason_is_shown(uncurated: Path) -> None:
    result = index.search(find_chronicle(uncurated), "Haydar Aliyev", limit=0)
    assert any("Heydar Aliyev: vowel variant" in form
               for hit in result.hits for form in hit.new_forms)


def test_a_place_finds_its_adjective_ranked_below(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "derived", {
        "adjective": entry("A Serbian delegation arrives", "The Serbian side spoke."),
        "name": entry("Talks in Serbia", "Held in Serbia."),
        "other": entry("Talks in Bosnia", "Bosnian officials."),
        "azeri": entry("An Azerbaijani delegation", "Azerbaijani officials."),
    })
    assert found(root, "Serbia") == ["name", "adjective"]
    result = index.search(find_chronicle(root), "Serbia", limit=0)
    assert [hit.tier for hit in result.hits] == [Tier.EXACT, Tier.DERIVED]
    assert found(root, "Azerbaijan") == ["azeri"]
    assert found(root, "Bosnia") == ["other"]
    # The adjective does not find the name: Serbian is not Serbia.
    assert found(root, "Serbian") == ["adjective"]


def test_a_misspelling_in_the_data_is_found_beside_the_usual_spelling(tmp_path: Path) -> None:
    entries = {f"r{n}": entry(f"Romney speech {n}", "Romney spoke.") for n in range(6)}
    entries["typo"] = entry("Romeny campaign", "Romeny spoke.")
    entries["other"] = entry("Rodney campaign", "Rodney spoke.")
    root = make_chronicle(tmp_path / "typos", entries)
    assert set(found(root, "Romney")) == {*(f"r{n}" for n in range(6)), "typo"}
    assert found(root, "Romney")[-1] == "typo"
    assert set(found(root, "Romny")) == {*(f"r{n}" for n in range(6)), "typo"}


def test_well_attested_neighbours_stay_apart(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "apart", {
        **{f"vujovic{n}": entry(f"Irena Vujović speaks {n}") for n in range(3)},
        **{f"vukovic{n}": entry(f"Marko Vuković speaks {n}") for n in range(3)},
        "party": entry("The party meets", "The party met."),
        "parts": entry("Spare parts", "The parts arrived."),
    })
    assert set(found(root, "Vujović")) == {f"vujovic{n}" for n in range(3)}
    assert set(found(root, "Vukovic")) == {f"vukovic{n}" for n in range(3)}
    assert found(root, "party") == ["party"]


def test_a_phrase_accepts_variants_word_by_word(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "phrase", {
        "heydar": entry("Heydar Aliyev honoured"),
        "haydar": entry("Statue of Haydar Aliyev"),
        "geidar": entry("Geidar Aliyev in Moscow"),
        "ilham": entry("Ilham Aliyev visits", "Heydar is not named here with the surname."),
    })
    assert set(found(root, '"Heydar Aliyev"')) == {"heydar", "haydar", "geidar"}


def test_a_corrected_word_goes_through_the_same_variant_matching(uncurated: Path) -> None:
    config_path = uncurated / "chronicle.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["names"] = {"Tasmajdan Park": ["Tashmay Park", "Tashmaydan Park"]}
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert set(found(uncurated, "Tasmajdn")) == set(found(uncurated, "tasmajdan"))


def test_digits_are_not_letters(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "digits", {
        "a": entry("Code zq13 filed"),
        "b": entry("Code zq113 filed"),
    })
    assert found(root, "zq113") == ["b"]
    assert found(root, "zq13") == ["a"]


def _families(tmp_path: Path) -> Path:
    return make_chronicle(tmp_path / "families", {
        "heydar": entry("Heydar Aliyev visits Baku"),
        "heydar2": entry("Heydər Əliyev honoured"),
        "geidar": entry("Geidar Aliev in Moscow"),
        "hocali": entry("Hocalı anması", "Anma töreni."),
        "xocali": entry("Xocalı faciəsi", "Anım günü."),
        "khojaly": entry("Khojaly remembered", "A memorial."),
        "hodzhaly": entry("Ходжалы помнят", "Память."),
        "zurich": entry("Talks in Zurich"),
        "zuerich": entry("Treffen in Zuerich"),
        "zurich2": entry("Gespräche in Zürich"),
        "cuba": entry("Talks in Cuba"),
        "juba": entry("Talks in Juba"),
    })


def test_every_spelling_of_a_family_finds_the_same_entries(tmp_path: Path) -> None:
    # Also when the typed spelling is itself in the data (Geidar, Hocali): its family is
    # still expanded. Turkish/Azerbaijani typed with a plain i, Russian дж = dzh = j.
    root = _families(tmp_path)
    heydar = {"heydar", "heydar2", "geidar"}
    for typed in ("Heydar", "Heydər", "Geidar", "Geydar", "Haydar", "Гейдар"):
        assert set(found(root, typed)) == heydar, typed
    assert set(found(root, '"Geidar Aliev"')) == heydar
    khojaly = {"hocali", "xocali", "khojaly", "hodzhaly"}
    for typed in ("Hocalı", "Hocali", "Xocalı", "Xocali", "Khojaly", "Khodzhaly", "Ходжалы"):
        assert set(found(root, typed)) == khojaly, typed
    # Exact first.
    assert found(root, "Geidar")[0] == "geidar"
    assert found(root, "Hocali")[0] == "hocali"
    # A plain c is read as Turkish only where the entries write such a word in Turkish.
    assert found(root, "Cuba") == ["cuba"]
    assert found(root, "Juba") == ["juba"]


def test_an_inflection_the_data_holds_is_an_exact_match(tmp_path: Path) -> None:
    titles = {"party": "The party met", "party2": "A party congress",
              "parts": "Spare parts arrive", "cat": "A cat at home", "car": "A car at home",
              "cap": "A cap at home", "victims": "Victims remembered",
              "agreement": "An agreement signed"}
    root = make_chronicle(tmp_path / "plural", {
        key: entry(title, f"Said again: {title.lower()}.") for key, title in titles.items()})
    chronicle = find_chronicle(root)
    for typed, expected in [("parties", {"party", "party2"}), ("cats", {"cat"}),
                            ("victim", {"victims"}), ("agreements", {"agreement"})]:
        result = index.search(chronicle, typed, limit=0)
        assert {hit.entry.id for hit in result.hits} == expected, typed
        assert not [note for note in result.notes if "No entry has" in note], typed
        assert not [form for hit in result.hits for form in hit.new_forms
                    if "near spelling" in form], typed


def test_a_corrected_misspelling_finds_what_the_corrected_word_finds(tmp_path: Path) -> None:
    root = _families(tmp_path)
    zurich = set(found(root, "Zurich"))
    assert zurich == {"zurich", "zuerich", "zurich2"}
    assert set(found(root, "Zurch")) == zurich
    result = index.search(find_chronicle(root), "Zurch", limit=0)
    assert any('showing results for "zurich"' in note for note in result.notes)


def test_an_entry_holding_the_typed_word_is_not_labelled_a_variant(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "labels", {
        "both": entry("Embassy opens", "The Embassy opened. The Embasy was new."),
        "usual": entry("Embassy closes", "The embassy closed."),
    })
    result = index.search(find_chronicle(root), "Embasy", limit=0)
    labels = {hit.entry.id: hit.new_forms for hit in result.hits}
    assert labels["both"] == []
    assert labels["usual"] == ["Embassy: spelling variant"]


def test_russian_yo_written_yo_finds_the_e_spelling(tmp_path: Path) -> None:
    root = make_chronicle(tmp_path / "yo", {
        "e": entry("Gorbachev in Geneva"),
        "cyrillic": entry("Горбачёв в Женеве"),
        "yo": entry("Gorbachyov in Reykjavik"),
    })
    for typed in ("Gorbachyov", "Gorbachev", "Горбачёв", "Gorbachov"):
        assert set(found(root, typed)) == {"e", "cyrillic", "yo"}, typed
