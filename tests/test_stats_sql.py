"""`stats` and `names` counted in SQL from the catalog's facts equal what the entries give
(`compute_stats`, `group_names`)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from chronicle.api import Chronicle
from chronicle.catalog import facts, open_catalog
from chronicle.config import find_chronicle
from chronicle.names import NameRegistry
from chronicle.query import Filters
from chronicle.stats import BREAKDOWNS, compute_stats
from conftest import generator


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dates of every precision, BCE years, ranges, spelling families, sources."""
    root = tmp_path_factory.mktemp("stats") / "chron"
    generator()(root, 600, seed=7, invalid=3)
    odd = {
        # One entry naming a person twice under two spellings, and a source twice.
        "twice.yaml":
            "title: Twice\ndate: 2014-04-17\npeople: [Aleksandar Vučić, Aleksandar Vucic]\n"
            "sources: [https://www.example.org/a, 'https://example.org/b']\ntags: [economy]\n",
        # Three spellings of one declared name (two folds) and one spelling written
        # twice; a place twice in two folds; one source key under two labels; a tag twice.
        "thrice.yaml":
            "title: Thrice\ndate: -0044-03\nend: -0043\n"
            "people: [Aleksandar Vučić, Alexander Vucic, Александар Вучић, Alexander Vucic]\n"
            "places: [Kraków, Cracow, Krakow]\ntags: [economy, economy, Economy]\n"
            "sources: [{title: Reuters}, {title: '  reuters '}, {title: Reuters}]\n",
        # Empty lists, custom fields, a partial BCE date, names that differ only by case.
        "empty-lists.yaml":
            "title: Empty lists\ndate: -0312\npeople: []\nplaces: []\ntags: []\nsources: []\n"
            "attendance: 40\nmood: {level: high, notes: [a, b]}\n",
        "case-only.yaml":
            "title: Case only\ndate: 1999-12\npeople: [ivica dačić, IVICA DAČIĆ]\n"
            "places: [beograd, Beograd, БЕОГРАД]\ntags: [Economy]\n",
    }
    for name, text in odd.items():
        (root / "entries" / name).write_text(text, encoding="utf-8")
    (root / "entries" / "odd-names.yaml").write_text(
        "title: Odd names\ndate: '2014-04-17T09:30'\n"
        f"people: ['{unicodedata.normalize('NFD', 'Ivan Đorđević')}', Ivan Djordjevic, '!!!']\n"
        "tags: ['[red]x', 'économie', ÉCONOMIE]\n",
        encoding="utf-8",
    )
    return root


def fresh_copy(generated: Path, tmp_path: Path) -> Path:
    """A copy of the generated chronicle without its catalog, to change freely."""
    root = tmp_path / "copy"
    shutil.copytree(generated, root, ignore=shutil.ignore_patterns("index"))
    (root / "index").mkdir()
    return root


def both(root: Path, by: str, filters: Filters | None = None) -> tuple[dict, dict]:
    chronicle = find_chronicle(root)
    registry = NameRegistry.from_config(chronicle.config.names)
    cat = open_catalog(chronicle)
    try:
        cat.refresh()
        fast = facts.stats_from_catalog(cat, filters, by=by, top=7, registry=registry)
        slow = compute_stats(cat.entries(filters, registry), by=by, top=7, registry=registry)
    finally:
        cat.close()
    assert fast is not None
    return fast.to_dict(), slow.to_dict()


@pytest.mark.parametrize("by", ["auto", *BREAKDOWNS])
def test_sql_counts_equal_python_counts(generated: Path, by: str) -> None:
    fast, slow = both(generated, by)
    assert fast == slow
    assert fast["entries"] > 500


@pytest.mark.parametrize("filters", [
    Filters.build(year="2014"),
    Filters.build(from_="1900", to="1950", within=True),
    Filters.build(to="-0001"),
    Filters.build(year="1066"),
])
def test_sql_counts_follow_date_filters(generated: Path, filters: Filters) -> None:
    for by in ("auto", "month", "person", "source"):
        fast, slow = both(generated, by, filters)
        assert fast == slow


def test_facts_follow_every_change(generated: Path, tmp_path: Path) -> None:
    root = fresh_copy(generated, tmp_path)
    fast, slow = both(root, "tag")
    assert fast == slow
    target = next((root / "entries").glob("*/*.yaml"))
    target.write_text("title: Rewritten\ndate: -0044-03-15\ntags: [brand-new]\n"
                      "people: [Julius Caesar]\n", encoding="utf-8")
    (root / "entries" / "twice.yaml").unlink()
    for by in ("tag", "person", "century", "source"):
        fast, slow = both(root, by)
        assert fast == slow
    fast, _ = both(root, "tag")
    assert [c["count"] for c in fast["counts"] if c["label"] == "brand-new"] == [1]
    with Chronicle(find_chronicle(root)) as book:
        streamed = book.stream("json")
        assert streamed is not None
        assert "".join(streamed.chunks) == reference_json(book.select().entries)


def test_an_older_catalog_gets_its_facts_from_stored_entries(generated: Path,
                                                            tmp_path: Path) -> None:
    root = fresh_copy(generated, tmp_path)
    chronicle = find_chronicle(root)
    cat = open_catalog(chronicle)
    cat.refresh()
    for table in ("entry_facts", "name_uses", "entry_json"):
        cat.db.execute(f"DELETE FROM {table}")
    cat.set_meta(facts.META_KEY, None)
    cat.close()
    fast, slow = both(root, "person")
    assert fast == slow and fast["counts"]


def test_name_filters_and_twin_ids_take_the_entries_path(generated: Path,
                                                         tmp_path: Path) -> None:
    chronicle = find_chronicle(generated)
    cat = open_catalog(chronicle)
    try:
        cat.refresh()
        assert facts.stats_from_catalog(cat, Filters.build(people=["Vucic"])) is None
    finally:
        cat.close()
    root = fresh_copy(generated, tmp_path)
    shutil.copy(root / "entries" / "twice.yaml", root / "entries" / "twice.yml")
    with Chronicle(find_chronicle(root)) as book:
        selection, _ = book.stats(by="person")
    assert selection.entries  # counted from the entries: one of the twins only
    fast_path = facts.stats_from_catalog(open_catalog(find_chronicle(root)), by="person")
    assert fast_path is None


def reference_json(entries: list, *, lines: bool = False) -> str:
    """What ``export --format json`` (or jsonl) wrote entry by entry."""
    import json

    texts = [json.dumps(entry.to_dict(), ensure_ascii=False, allow_nan=False)
             for entry in entries]
    if lines:
        return "".join(text + "\n" for text in texts)
    return "[\n  " + ",\n  ".join(texts) + "\n]\n" if texts else "[]\n"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("filters", [Filters.build(), Filters.build(year="2014"),
                                     Filters.build(to="-0001", within=True)])
def test_streamed_export_equals_the_entries_export(generated: Path, fmt: str,
                                                   filters: Filters) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        streamed = book.stream(fmt, filters)
        assert streamed is not None
        text = "".join(streamed.chunks)
        entries = book.select(filters).entries
        expected = book.export(entries, fmt).text
        assert streamed.count == len(entries)
    assert text == expected
    assert text == reference_json(entries, lines=fmt == "jsonl")
    assert streamed.count > 0


def test_export_cli_streams_to_a_file_and_stdout_alike(generated: Path, tmp_path: Path,
                                                       cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    out = tmp_path / "all.json"
    to_file = cli("export", "--format", "json", "--year", "2014", "-o", str(out))
    assert to_file.exit_code == 0, to_file.output
    to_stdout = cli("export", "--format", "json", "--year", "2014")
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.select(Filters.build(year="2014")).entries
        expected = book.export(entries, "json").text
    assert out.read_text(encoding="utf-8") == expected
    assert to_stdout.stdout == expected
    assert f"Wrote {len(entries)} entries as json" in to_file.stderr
    nothing = cli("export", "--format", "jsonl", "--year", "3999")
    assert nothing.stdout == "" and "No entries match." in nothing.stderr


def both_names(root: Path, filters: Filters | None = None,
               kinds: tuple[str, ...] = ("person", "place", "tag")) -> tuple[dict, dict]:
    from chronicle.name_groups import group_names

    chronicle = find_chronicle(root)
    registry = NameRegistry.from_config(chronicle.config.names)
    cat = open_catalog(chronicle)
    try:
        cat.refresh()
        fast = facts.names_from_catalog(cat, filters, kinds=kinds, registry=registry)
        slow = group_names(cat.entries(filters, registry), kinds=kinds, registry=registry)
    finally:
        cat.close()
    assert fast is not None

    def plain(grouped: dict) -> dict:
        return {kind: [group.to_dict() for group in groups] for kind, groups in grouped.items()}

    return plain(fast), plain(slow)


@pytest.mark.parametrize("filters", [
    None,
    Filters.build(year="2014"),
    Filters.build(from_="1900", to="1950", within=True),
    Filters.build(to="-0001"),
    Filters.build(year="3999"),
])
def test_sql_names_equal_the_entries_names(generated: Path, filters: Filters | None) -> None:
    fast, slow = both_names(generated, filters)
    assert fast == slow
    if filters is None:
        groups = [group for kind in fast.values() for group in kind]
        assert len(groups) > 50
        assert any(len(group["forms"]) > 1 for group in groups)  # spellings were grouped
        assert any(group["declared"] for group in groups)  # chronicle.yaml's aliases
        twice = [g for g in fast["person"]
                 if "Aleksandar Vucic" in {f["form"] for f in g["forms"]}]
        assert twice and twice[0]["count"] < sum(f["count"] for f in twice[0]["forms"])
    fast, slow = both_names(generated, filters, kinds=("tag", "place"))
    assert fast == slow and list(fast) == ["tag", "place"]


def test_names_command_gives_what_the_entries_give(generated: Path, tmp_path: Path,
                                                   cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from chronicle.name_groups import group_names

    root = fresh_copy(generated, tmp_path)
    monkeypatch.setenv("CHRONICLE_ROOT", str(root))
    shown = cli("names", "--format", "json", "--year", "2014")
    assert shown.exit_code == 0, shown.output
    with Chronicle(find_chronicle(root)) as book:
        selection, grouped = book.names(year="2014")
        assert selection.entries == []  # counted in SQL
        entries = book.select(year="2014").entries
        expected = group_names(entries, registry=book.registry)
    assert grouped == expected
    import json

    assert json.loads(shown.stdout) == {
        kind: [group.to_dict() for group in groups] for kind, groups in expected.items()}
    # Twin ids and name filters take the entries path, with the same answer.
    shutil.copy(root / "entries" / "twice.yaml", root / "entries" / "twice.yml")
    with Chronicle(find_chronicle(root)) as book:
        selection, grouped = book.names(people=["Vucic"])
        assert selection.entries
        assert grouped == group_names(selection.entries, registry=book.registry)
        selection, grouped = book.names()
        assert selection.entries


@pytest.mark.parametrize("filters", [None, Filters.build(year="2014"),
                                     Filters.build(from_="1900", to="1950", within=True),
                                     Filters.build(to="-0001")])
def test_sql_ids_equal_the_entries_ids(generated: Path, tmp_path: Path,
                                       filters: Filters | None) -> None:
    root = fresh_copy(generated, tmp_path)
    # Twin ids: the first of them in the order shown is the one listed.
    shutil.copy(root / "entries" / "twice.yaml", root / "entries" / "twice.yml")
    chronicle = find_chronicle(root)
    cat = open_catalog(chronicle)
    try:
        cat.refresh()
        for limit, reverse in [(None, False), (None, True), (5, False), (5, True)]:
            expected = [e.id for e in cat.entries(filters, limit=limit, reverse=reverse)]
            assert cat.entry_ids(filters, limit=limit, reverse=reverse) == expected
            assert expected or filters is not None
        assert cat.entry_ids(Filters.build(people=["Vucic"])) is None
    finally:
        cat.close()


def test_list_ids_from_sql_and_from_entries_alike(generated: Path, cli,  # type: ignore[no-untyped-def]
                                                  monkeypatch) -> None:
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    with Chronicle(find_chronicle(generated)) as book:
        selection, ids = book.select_ids(year="2014")
        assert selection.entries == [] and ids  # from SQL
        assert ids == [entry.id for entry in book.select(year="2014").entries]
        named, named_ids = book.select_ids(people=["Vucic"], reverse=True)
        assert named_ids == [e.id for e in book.select(people=["Vucic"], reverse=True).entries]
        assert named.entries  # a name filter takes the entries' own rule
    shown = cli("list", "--year", "2014", "--format", "ids", "-r", "-n", "3")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.split() == list(reversed(ids))[:3]
    nothing = cli("list", "--year", "3999", "--format", "ids")
    assert nothing.exit_code == 1 and nothing.stdout == ""


@pytest.mark.parametrize("deep", ['"-13799999999"', '"2014"\nend: "2000000000"'])
def test_spans_beyond_the_keys_take_the_entries_path(generated: Path, tmp_path: Path,
                                                     deep: str) -> None:
    root = fresh_copy(generated, tmp_path)
    (root / "entries" / "deep.yaml").write_text(f"title: Far\ndate: {deep}\n", encoding="utf-8")
    chronicle = find_chronicle(root)
    with open_catalog(chronicle) as cat:
        cat.refresh()
        assert facts.stats_from_catalog(cat, by="year") is None
        assert facts.json_texts(cat) is None
    with Chronicle(chronicle) as book:
        selection, result = book.stats(by="auto")
        assert selection.entries  # counted from the entries
        assert result.to_dict() == compute_stats(selection.entries, by="auto",
                                                 registry=book.registry).to_dict()
        assert book.stream("json") is None


def test_a_new_catalog_keeps_its_facts_from_the_first_refresh(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog made now writes its facts as it reads the entries: the first `stats`
    must not fill them all again from the stored entries (a minute at 100k)."""
    chronicle = find_chronicle(chronicle_root)
    with open_catalog(chronicle) as catalog:
        catalog.refresh()

    def refill(*_: object, **__: object) -> None:
        raise AssertionError("the facts of a new catalog were filled again")

    with monkeypatch.context() as patched:
        patched.setattr(facts, "write_facts", refill)
        first = Chronicle.open(chronicle_root).stats()[1]
    # The same counts as facts filled from the stored entries.
    with open_catalog(chronicle) as catalog:
        catalog.db.execute("DELETE FROM meta WHERE key = ?", (facts.META_KEY,))
    assert Chronicle.open(chronicle_root).stats()[1] == first


def test_a_catalog_without_facts_is_filled_once(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    expected = Chronicle.open(chronicle_root).stats()[1]
    with open_catalog(chronicle) as catalog:
        for table in ("entry_facts", "name_uses", "entry_json"):
            catalog.db.execute(f"DELETE FROM {table}")
        catalog.db.execute("DELETE FROM meta WHERE key = ?", (facts.META_KEY,))
    assert Chronicle.open(chronicle_root).stats()[1] == expected


def name_uses_totals(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    """What ``name_totals`` must hold: ``name_uses`` summed per spelling and label."""
    return sorted(db.execute(
        "SELECT kind, name, ifnull(label, ''), sum(uses), sum(first) FROM name_uses "
        "GROUP BY kind, name, label"))


def kept_totals(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted(db.execute("SELECT kind, name, label, uses, first FROM name_totals"))


def test_name_totals_follow_every_change(generated: Path, tmp_path: Path) -> None:
    """The running totals equal a pass over ``name_uses`` after new, edited and removed
    files, a refill of the facts, and writes by a program that knows nothing of them."""
    root = fresh_copy(generated, tmp_path)
    chronicle = find_chronicle(root)

    def check() -> None:
        with open_catalog(chronicle) as cat:
            cat.refresh()
            assert facts.name_totals(cat)
            assert kept_totals(cat.db) == name_uses_totals(cat.db)
            assert all(uses > 0 for *_, uses, _ in kept_totals(cat.db))
        for by in ("person", "place", "tag", "source"):
            fast, slow = both(root, by)
            assert fast == slow

    check()
    entries = sorted((root / "entries").glob("*/*.yaml"))
    entries[0].write_text("title: Rewritten\ndate: 2001\npeople: [Ивица Дачић, ivica dacic]\n"
                          "places: [Cracow]\nsources: [{title: Reuters}]\n", encoding="utf-8")
    entries[1].unlink()
    (root / "entries" / "thrice.yaml").unlink()  # the last use of some spellings
    (root / "entries" / "new.yaml").write_text(
        "title: New\ndate: 2002\ntags: [never-seen-before, NEVER-seen-before]\n",
        encoding="utf-8")
    entries[2].write_text("title: [broken\n", encoding="utf-8")
    check()
    with open_catalog(chronicle) as cat:  # every fact filled again from stored entries
        cat.set_meta(facts.META_KEY, None)
        facts.ensure_facts(cat)
        assert kept_totals(cat.db) == name_uses_totals(cat.db)
        # Another program deleting, changing and adding uses directly.
        cat.db.execute("DELETE FROM name_uses WHERE relpath IN "
                       "(SELECT relpath FROM name_uses WHERE kind = 'person' LIMIT 40)")
        cat.db.execute("UPDATE name_uses SET uses = uses + 1, name = name || 'x' "
                       "WHERE rowid IN (SELECT rowid FROM name_uses LIMIT 30)")
        cat.db.execute("INSERT INTO name_uses SELECT 'elsewhere.yaml', kind, name, label, "
                       "uses, first FROM name_uses LIMIT 50")
        assert kept_totals(cat.db) == name_uses_totals(cat.db)


def test_a_catalog_without_name_totals_fills_them_once(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = fresh_copy(generated, tmp_path)
    chronicle = find_chronicle(root)
    registry = NameRegistry.from_config(chronicle.config.names)
    with open_catalog(chronicle) as cat:  # as a catalog made before the totals were kept
        cat.refresh()
        for name in ("name_totals_add", "name_totals_drop", "name_totals_change"):
            cat.db.execute(f"DROP TRIGGER {name}")
        cat.db.execute("DROP TABLE name_totals")
        cat.set_meta(facts.TOTALS_KEY, None)
        # Written while nothing kept the totals: the fill must see it.
        cat.db.execute("DELETE FROM name_uses WHERE kind = 'tag' AND relpath = ?",
                       (cat.db.execute("SELECT relpath FROM name_uses WHERE kind = 'tag'"
                                       ).fetchone()[0],))
        with monkeypatch.context() as patched:  # counted from name_uses, as before
            patched.setattr(facts, "name_totals", lambda catalog: False)
            expected = facts.stats_from_catalog(cat, by="tag", registry=registry)
            expected_names = facts.names_from_catalog(cat, registry=registry)
        assert cat.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_totals'"
                              ).fetchone() is None
        assert facts.stats_from_catalog(cat, by="tag", registry=registry) == expected
        assert cat.get_meta(facts.TOTALS_KEY) == facts.TOTALS_VERSION
        assert kept_totals(cat.db) == name_uses_totals(cat.db)
        assert facts.names_from_catalog(cat, registry=registry) == expected_names


def test_a_read_only_catalog_counts_names_without_totals(generated: Path,
                                                         tmp_path: Path) -> None:
    import sqlite3

    from chronicle.catalog import Catalog

    root = fresh_copy(generated, tmp_path)
    chronicle = find_chronicle(root)
    registry = NameRegistry.from_config(chronicle.config.names)
    with open_catalog(chronicle) as cat:
        cat.refresh()
        expected = compute_stats(cat.entries(None, registry), by="person",
                                 registry=registry).to_dict()
        facts.ensure_facts(cat)
        cat.set_meta(facts.TOTALS_KEY, None)
    path = chronicle.index_dir / "catalog.sqlite"
    read_only = Catalog(chronicle, sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                   isolation_level=None))
    try:
        assert not facts.name_totals(read_only)
        fast = facts.stats_from_catalog(read_only, by="person", registry=registry)
        assert fast is not None and fast.to_dict() == expected
    finally:
        read_only.close()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("filters", [Filters.build(), Filters.build(year="2014"),
                                     Filters.build(year="3999")])
def test_the_encoded_stream_is_the_text_stream_in_utf8(generated: Path, fmt: str,
                                                       filters: Filters) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        text = book.stream(fmt, filters)
        encoded = book.stream(fmt, filters, encoded=True)
        assert text is not None and encoded is not None
        assert encoded.encoded and not text.encoded
        pieces = list(encoded.chunks)
        assert all(isinstance(piece, bytes) for piece in pieces)
        assert b"".join(pieces) == "".join(text.chunks).encode("utf-8")
        assert encoded.count == text.count == len(book.select(filters).entries)
        html = book.stream("html", filters, encoded=True)  # only json and jsonl encode
        assert html is not None and not html.encoded


def test_export_json_writes_bytes_only_where_they_are_the_same(generated: Path,
                                                               tmp_path: Path,
                                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io
    import subprocess
    import sys

    from typer.testing import CliRunner

    from chronicle.cli import app
    from chronicle.commands.environment import Environment
    from chronicle.commands.environment import takes_utf8_bytes as _takes_utf8_bytes

    assert _takes_utf8_bytes(io.TextIOWrapper(io.BytesIO(), encoding="UTF8"))
    assert not _takes_utf8_bytes(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert not _takes_utf8_bytes(io.TextIOWrapper(io.BytesIO(), encoding="utf-8-sig"))
    assert not _takes_utf8_bytes(io.StringIO())
    monkeypatch.setenv("CHRONICLE_ROOT", str(generated))
    with Chronicle(find_chronicle(generated)) as book:
        entries = book.select().entries
    for fmt in ("json", "jsonl"):
        want = reference_json(entries, lines=fmt == "jsonl").encode("utf-8")
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding="utf-8")
        err = io.StringIO()
        code = CliRunner().invoke(app, ["export", "--format", fmt],
                                  obj=Environment(stdout=out, stderr=err)).exit_code
        assert code == 0, err.getvalue()
        assert raw.getvalue() == want
        # A real pipe, and a file.
        target = tmp_path / f"all.{fmt}"
        for args in ([], ["-o", str(target)]):
            done = subprocess.run([sys.executable, "-m", "chronicle", "export", "--format",
                                   fmt, *args], capture_output=True, check=False)
            assert done.returncode == 0, done.stderr
            assert (target.read_bytes() if args else done.stdout) == want
    assert b"\xd0" in want  # Cyrillic written as UTF-8, not escaped
