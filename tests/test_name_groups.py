"""Grouping the spellings of a name, and the ``names:`` block ``--suggest`` writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import catalog
from chronicle.config import config_from_mapping, find_chronicle
from chronicle.dates import PartialDate
from chronicle.model import Entry
from chronicle.name_groups import (
    NameGroupCount,
    edit_distance,
    group_names,
    keys_are_close,
    max_edits,
    names_yaml,
    suggest_names,
    yaml_scalar,
)
from chronicle.names import NameRegistry, name_key


def entries_with(kind: str, *names_per_entry: tuple[str, ...]) -> list[Entry]:
    return [
        Entry(id=f"e{n}", title="t", date=PartialDate(2014), **{kind: names})
        for n, names in enumerate(names_per_entry)
    ]


def find(groups: list[NameGroupCount], form: str) -> NameGroupCount:
    return next(group for group in groups if form in dict(group.forms))


@pytest.fixture
def sample(sample_root: Path) -> catalog.Selection:
    return catalog.select(find_chronicle(sample_root))


# -- the sample chronicle --------------------------------------------------------------


def test_the_parks_four_spellings_group_together(sample: catalog.Selection) -> None:
    places = group_names(sample.entries, registry=sample.registry)["place"]
    park = find(places, "Tashmay Park")
    assert park.canonical == "Tasmajdan Park"  # as chronicle.yaml declares it
    assert park.declared
    assert sorted(dict(park.forms)) == [
        "Tashmay Park", "Tashmaydan Park", "Tasmajdan Park", "Tasmajdan park",
    ]
    assert dict(park.forms)["Tashmay Park"] == 2
    # Counted once per entry that names the park under any spelling.
    assert park.count == sum(
        1 for entry in sample.entries if any(name_key(p).endswith("park") and
                                             name_key(p).startswith("tasmai") for p in entry.places)
    )
    assert "Tasmajdan Park" not in dict(park.others)


def test_heydar_and_haydar_aliyev_are_one_person(sample: catalog.Selection) -> None:
    people = group_names(sample.entries, registry=sample.registry)["person"]
    aliyev = find(people, "Haydar Aliyev")
    assert aliyev.canonical == "Heydar Aliyev"
    assert sorted(dict(aliyev.forms)) == ["Haydar Aliyev", "Heydar Aliyev"]
    # Ilham Aliyev is somebody else.
    assert "Ilham Aliyev" not in dict(aliyev.forms)
    assert find(people, "Ilham Aliyev").forms == [("Ilham Aliyev", 1)]


def test_without_aliases_near_misses_still_group(sample: catalog.Selection) -> None:
    grouped = group_names(sample.entries, registry=NameRegistry())
    aliyev = find(grouped["person"], "Haydar Aliyev")
    assert sorted(dict(aliyev.forms)) == ["Haydar Aliyev", "Heydar Aliyev"]
    assert aliyev.canonical == "Heydar Aliyev"  # the most frequent spelling
    assert not aliyev.declared
    park = find(grouped["place"], "Tasmajdan park")
    assert sorted(dict(park.forms)) == ["Tashmaydan Park", "Tasmajdan Park", "Tasmajdan park"]
    # A shortened name is neither a variant spelling nor a typo: only an alias joins it.
    assert find(grouped["place"], "Tashmay Park").forms == [("Tashmay Park", 2)]


def test_no_unrelated_names_are_grouped_in_the_sample(sample: catalog.Selection) -> None:
    grouped = group_names(sample.entries, registry=NameRegistry())
    # Groups joining spellings of different keys: only the one real near miss.
    merged = [
        (kind, sorted(dict(group.forms)))
        for kind, groups in grouped.items()
        for group in groups
        if len({name_key(form) for form, _ in group.forms}) > 1
    ]
    assert merged == [("person", ["Haydar Aliyev", "Heydar Aliyev"])]


def test_groups_are_listed_busiest_first(sample: catalog.Selection) -> None:
    for groups in group_names(sample.entries, registry=sample.registry).values():
        counts = [group.count for group in groups]
        assert counts == sorted(counts, reverse=True)
        for group in groups:
            forms = [count for _, count in group.forms]
            assert forms == sorted(forms, reverse=True)


# -- the distance rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("Heydar Aliyev", "Haydar Aliyev", True),
        ("Shahverdiyev", "Shaverdiyev", True),
        ("defence", "defense", True),
        ("Milosevic", "Milosevicc", True),
        ("Ana Novak", "Ava Nowak", False),  # every word a little off: two people
        ("Ivan", "Iван", True),  # same key after folding
        ("Nis", "Nik", False),  # short words must match exactly
        ("Zakir Hasanov", "Eldar Hasanov", False),
        ("Heydar Aliyev", "Heydar Aliyev Jr", False),
        ("Novak", "Movak", False),  # first letters must agree
        ("Karabakh", "Karabagh", True),
        ("Karabakh", "Kartagah", False),  # two edits in seven letters
        ("Belgrade", "Beograd", False),
    ],
)
def test_keys_are_close(a: str, b: str, close: bool) -> None:
    assert keys_are_close(name_key(a), name_key(b)) is close


def test_max_edits_grows_with_length() -> None:
    from chronicle.index import MIN_FUZZY_LENGTH

    assert MIN_FUZZY_LENGTH == 4  # the search's rule, shared
    assert [max_edits(n) for n in (1, 3, 4, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


def reference_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the plain way."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@settings(max_examples=150, deadline=None)
@given(st.text("abcs", max_size=8), st.text("abcs", max_size=8), st.integers(0, 3))
def test_bounded_edit_distance_agrees_with_the_reference(a: str, b: str, limit: int) -> None:
    exact = reference_distance(a, b)
    assert edit_distance(a, b, limit) == min(exact, limit + 1)


# -- grouping rules --------------------------------------------------------------------


def test_counts_are_entries_not_mentions() -> None:
    entries = entries_with(
        "people", ("Heydar Aliyev", "Haydar Aliyev"), ("Heydar Aliyev",), ("Haydar Aliyev",)
    )
    (group,) = group_names(entries, kinds=["person"])["person"]
    assert group.count == 3
    assert group.forms == [("Haydar Aliyev", 2), ("Heydar Aliyev", 2)]
    assert group.canonical == "Haydar Aliyev"  # tie: the first alphabetically


def test_aliases_join_spellings_no_rule_could() -> None:
    entries = entries_with("places", ("Republika Srpska",), ("Serbian Republic",))
    registry = NameRegistry.from_config({"Republika Srpska": ["Serbian Republic"]})
    (group,) = group_names(entries, kinds=["place"], registry=registry)["place"]
    assert group.canonical == "Republika Srpska" and group.count == 2
    assert len(group_names(entries, kinds=["place"])["place"]) == 2


def test_kinds_are_kept_apart() -> None:
    entries = [Entry(id="a", title="t", date=PartialDate(2014), people=("Novak",),
                     places=("Novak",), tags=("novak",))]
    grouped = group_names(entries)
    assert [len(grouped[kind]) for kind in ("person", "place", "tag")] == [1, 1, 1]
    assert list(group_names(entries, kinds=["tag"])) == ["tag"]


# -- suggestions -----------------------------------------------------------------------


def load_block(text: str) -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(text)
    config = config_from_mapping(data)
    NameRegistry.from_config(config.names)  # a spelling under two names would raise
    return dict(config.names)


def test_suggest_on_the_sample_without_aliases(sample: catalog.Selection) -> None:
    grouped = group_names(sample.entries, registry=NameRegistry())
    suggestion = suggest_names([g for gs in grouped.values() for g in gs])
    assert suggestion.names == {"Heydar Aliyev": ["Haydar Aliyev"]}
    assert suggestion.new == ["Heydar Aliyev"]
    assert load_block(suggestion.to_yaml()) == {"Heydar Aliyev": ("Haydar Aliyev",)}


def test_suggest_keeps_what_is_declared_and_adds_what_is_found() -> None:
    entries = entries_with(
        "people",
        ("Haydar Aliyev",), ("Heydar Aliyev",), ("Heydar Aliyev",),
        ("Shahin Mustafayev",), ("Shahin Mustafaev",), ("Shahin Mustafayev",),
    )
    registry = NameRegistry.from_config(
        {"Heydar Aliyev": ["Гейдар Алиев"], "Tasmajdan Park": ["Tashmay Park"]}
    )
    grouped = group_names(entries, registry=registry)
    suggestion = suggest_names([g for gs in grouped.values() for g in gs], registry)
    assert suggestion.names == {
        "Heydar Aliyev": ["Гейдар Алиев", "Haydar Aliyev"],
        "Tasmajdan Park": ["Tashmay Park"],  # not in the entries, still kept
        "Shahin Mustafayev": ["Shahin Mustafaev"],
    }
    assert suggestion.new == ["Shahin Mustafayev"]
    assert suggestion.added == [
        ("Heydar Aliyev", "Haydar Aliyev"), ("Shahin Mustafayev", "Shahin Mustafaev")
    ]
    text = suggestion.to_yaml()
    lines = text.splitlines()
    assert lines[0] == "names:"
    assert lines.index("  # Found in the entries; check each before keeping it:") == 3
    assert load_block(text) == {key: tuple(value) for key, value in suggestion.names.items()}


def test_suggest_leaves_out_spellings_that_match_already(
    sample: catalog.Selection, sample_root: Path
) -> None:
    grouped = group_names(sample.entries, registry=sample.registry)
    suggestion = suggest_names([g for gs in grouped.values() for g in gs], sample.registry)
    # The sample's chronicle.yaml already lists everything that needs an alias.
    assert suggestion.added == [] and suggestion.new == []
    declared = find_chronicle(sample_root).config.names
    assert suggestion.names == {name: list(variants) for name, variants in declared.items()}


@pytest.mark.parametrize(
    "text",
    ["Tasmajdan Park", "yes", "No", "Park: North", "#1 Street", "[x]", "O'Brien", " padded",
     "- dash", "a - b", "Ташмајдан", "null", "~", "3 May", "100", "Ali & Co", "What?",
     'Say "hi"', "x: y"],
)
def test_yaml_scalars_read_back_unchanged(text: str) -> None:
    loaded = yaml.safe_load(f"k: [{yaml_scalar(text)}]")
    assert loaded == {"k": [text]}


def test_empty_block() -> None:
    assert names_yaml({}) == "names: {}\n"
    assert yaml.safe_load(names_yaml({})) == {"names": {}}


# -- the command -----------------------------------------------------------------------


def test_cli_names_lists_groups(cli: Any) -> None:
    result = cli("names")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    park = next(line for line in lines if line.startswith("Tasmajdan Park"))
    assert park.split()[2] == "2"
    assert "Tashmay Park (1)" in park and "Tasmajdan park (1)" in park
    assert {"People", "Places", "Tags"} <= {line.strip() for line in lines}


def test_cli_names_json_by_kind(cli: Any) -> None:
    result = cli("names", "--kind", "tag", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["tag"]
    history = next(group for group in data["tag"] if group["name"] == "history")
    assert history == {"kind": "tag", "name": "history", "count": 2, "declared": False,
                       "forms": [{"form": "history", "count": 2}]}


def test_cli_names_suggest_on_the_sample(cli: Any, sample_root: Path) -> None:
    config = sample_root / "chronicle.yaml"
    text = config.read_text(encoding="utf-8")
    # Forget that Haydar is Heydar: --suggest must find it again.
    config.write_text(text.replace("  Heydar Aliyev: [Haydar Aliyev]\n", ""), encoding="utf-8")
    result = cli("names", "--suggest")
    assert result.exit_code == 0, result.output
    names = load_block(result.stdout)
    assert names["Heydar Aliyev"] == ("Haydar Aliyev",)
    assert names["Tasmajdan Park"] == ("Tashmay Park", "Tashmaydan Park", "Tašmajdan Park")
    assert "1 new names, 1 new spellings" in result.stderr
    # Pasted back, the block declares every spelling: nothing more to suggest.
    config.write_text(
        text.split("names:")[0] + result.stdout, encoding="utf-8"
    )
    again = cli("names", "--suggest")
    assert again.exit_code == 0
    assert again.stdout == result.stdout.replace(
        "  # Found in the entries; check each before keeping it:\n", ""
    )
    assert "already declares" in again.stderr


def test_cli_names_with_filters(cli: Any) -> None:
    result = cli("names", "--kind", "place", "--year", "1990", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [group["name"] for group in json.loads(result.stdout)["place"]] == ["Baku"]
