"""``add``, ``edit`` and ``rm`` end to end, with the search index kept in step."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from chronicle import catalog, index
from chronicle.catalog import refreshing
from chronicle.config import find_chronicle
from chronicle.index import marks

# A stand-in for $EDITOR: on each run it writes the next text of the JSON list in
# $FAKE_EDITS (null leaves the file alone; {"exit": N} exits with N after writing).
FAKE_EDITOR = '''
import json, os, sys
path = sys.argv[1]
edits = json.loads(open(os.environ["FAKE_EDITS"], encoding="utf-8").read())
state = os.environ["FAKE_EDITS"] + ".count"
n = int(open(state).read()) if os.path.exists(state) else 0
open(state, "w").write(str(n + 1))
with open(path, encoding="utf-8") as f:
    seen = f.read()
with open(os.environ["FAKE_EDITS"] + f".seen{n}", "w", encoding="utf-8") as f:
    f.write(seen)
step = edits[n]
code = 0
if isinstance(step, dict):
    code = step.get("exit", 0)
    step = step.get("text")
if step is not None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(step)
sys.exit(code)
'''


@pytest.fixture
def editor(tmp_path: Path) -> Any:
    """``editor(text, ...)`` -> the env that makes $EDITOR write those texts in turn."""
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR, encoding="utf-8")
    edits = tmp_path / "edits.json"

    def setup(*texts: object) -> dict[str, str]:
        for old in tmp_path.glob("edits.json.*"):
            old.unlink()
        edits.write_text(json.dumps(list(texts)), encoding="utf-8")
        return {"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}",
                "FAKE_EDITS": str(edits)}

    setup.seen = lambda n: Path(f"{edits}.seen{n}").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    return setup


def indexed_ids(root: Path) -> set[str]:
    """What the search index holds now (read directly: no sync first)."""
    chronicle = find_chronicle(root)
    with index.open_searcher(chronicle) as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def index_is_current(root: Path) -> bool:
    cat = catalog.open_catalog(find_chronicle(root))
    try:
        return marks.is_current(cat)
    finally:
        cat.close()


def listed(cli: Any, *args: str) -> list[str]:
    return cli("list", "--format", "ids", *args).stdout.split()


# -- add from options, stdin and prompts --------------------------------------------------


def test_add_from_options_writes_the_file_and_updates_the_index(
    cli: Any, chronicle_root: Path
) -> None:
    result = cli("add", "--title", "Tasmajdan Park reopens", "--date", "April 17-18, 2014",
                 "--place", "Belgrade", "--person", "Zakir Hasanov", "--tag", "culture",
                 "--source", "https://example.org/park", "--summary", "Reopened.")
    assert result.exit_code == 0, result.stderr
    new_id = "2014/2014-04-17-tasmajdan-park-reopens"
    assert result.stdout == new_id + "\n"
    assert f"Added entries/{new_id}.yaml" in result.stderr
    text = (chronicle_root / "entries" / f"{new_id}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:4] == [
        "title: Tasmajdan Park reopens", 'date: "2014-04-17"', 'end: "2014-04-18"',
        "summary: Reopened.",
    ]
    assert new_id in indexed_ids(chronicle_root) and index_is_current(chronicle_root)
    assert new_id in listed(cli, "--on", "2014-04-18")


def test_add_reads_the_body_from_stdin(cli: Any, chronicle_root: Path) -> None:
    body = "First paragraph with **Vučić**.\n\n- a list\n"
    result = cli("add", "--title", "From stdin", "--date", "2014-05-01", "--body", "-",
                 input=body)
    assert result.exit_code == 0, result.stderr
    path = chronicle_root / "entries" / "2014" / "2014-05-01-from-stdin.yaml"
    text = path.read_text(encoding="utf-8")
    assert "body: |\n  First paragraph with **Vučić**.\n\n  - a list\n" in text
    shown = json.loads(cli("show", "from-stdin", "--format", "json").stdout)
    assert shown["body"] == body


def test_add_dry_run_prints_yaml_and_writes_nothing(cli: Any, chronicle_root: Path) -> None:
    before = sorted(chronicle_root.rglob("*.yaml"))
    result = cli("add", "--title", "Ides", "--date", "15 March 44 BC", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == 'title: Ides\ndate: "-0043-03-15"\n'
    assert "entries/44-bce/44-bce-03-15-ides.yaml" in result.stderr
    assert sorted(chronicle_root.rglob("*.yaml")) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "No date"], "needs --title and --date"),
        (["--title", "x", "--date", "03/05/2014"], "ambiguous"),
        (["--title", "x\x00y", "--date", "2014"], "control character"),
        (["--title", "x", "--date", "2014", "--end", "2013"], "before --date"),
    ],
)
def test_add_refuses_bad_input_in_one_line(cli: Any, args: list[str], message: str) -> None:
    result = cli("add", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_add_collisions_and_hostile_titles(cli: Any, chronicle_root: Path) -> None:
    ids = [cli("add", "--title", "Same", "--date", "2014-06-01").stdout.strip() for _ in range(3)]
    assert ids == ["2014/2014-06-01-same", "2014/2014-06-01-same-2", "2014/2014-06-01-same-3"]
    for title in ("../../etc/passwd", "CON", "x" * 10_000):
        result = cli("add", "--title", title, "--date", "2014-06-02")
        assert result.exit_code == 0, result.stderr
        path = chronicle_root / "entries" / f"{result.stdout.strip()}.yaml"
        assert path.is_file() and path.resolve().is_relative_to(chronicle_root / "entries")
        assert len(path.name) < 100
    assert not (chronicle_root.parent / "etc").exists()
    long = json.loads(cli("show", "2014-06-02-xxx", "--format", "json").stdout)
    assert long["title"] == "x" * 10_000


def test_prompts_ask_again_and_offer_known_names(cli: Any, chronicle_root: Path) -> None:
    answers = [
        "",  # a title is required: asked again
        "Park ceremony",
        "03/05/2014",  # ambiguous: asked again
        "17 April 2014",
        "18 April",  # no year: asked again
        "",  # no end
        "Flowers were laid.",
        "Aleksandar Vucic, Zakir Hasanov",
        "Belgrade",
        "",  # no tags
        "https://example.org/a",
        "",  # no more sources
        "y",  # 'Aleksandar Vucic' looks like 'Aleksandar Vučić': use that?
    ]
    result = cli("add", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "ambiguous" in result.stderr and "a year is needed" in result.stderr
    assert "In use: Belgrade (2)" in result.stderr
    # CliRunner echoes what was typed to stdout; the id is the last line.
    new_id = result.stdout.strip().splitlines()[-1]
    data = json.loads(cli("show", new_id, "--format", "json").stdout)
    assert data["title"] == "Park ceremony" and data["date"] == "2014-04-17"
    assert data["people"] == ["Aleksandar Vučić", "Zakir Hasanov"]
    assert data["places"] == ["Belgrade"] and data["tags"] == []
    assert data["sources"][0]["url"] == "https://example.org/a"


def test_variant_names_warn_or_with_strict_names_refuse(cli: Any, chronicle_root: Path) -> None:
    args = ["add", "--title", "Walk", "--date", "2014-05-05", "--place", "Tashmaydan Park"]
    strict = cli(*args, "--strict-names")
    assert strict.exit_code == 2
    assert "'Tashmaydan Park' looks like 'Tasmajdan Park' (2 entries): use that?" in strict.stderr
    assert not (chronicle_root / "entries" / "2014" / "2014-05-05-walk.yaml").exists()
    relaxed = cli(*args)
    assert relaxed.exit_code == 0
    assert "Warning: 'Tashmaydan Park' looks like 'Tasmajdan Park'" in relaxed.stderr


# -- the editor ---------------------------------------------------------------------------


def test_add_edit_valid(cli: Any, editor: Any, chronicle_root: Path) -> None:
    env = editor("title: Edited entry\ndate: 17 April 2014\nplaces: [Belgrade]\n")
    result = cli("add", "--edit", "--tag", "visit", env=env)
    assert result.exit_code == 0, result.stderr
    assert "tags: [visit]" in editor.seen(0)  # the template came filled in
    path = chronicle_root / "entries" / "2014" / "2014-04-17-edited-entry.yaml"
    assert path.read_text(encoding="utf-8") == (
        'title: Edited entry\ndate: "2014-04-17"\nplaces: [Belgrade]\n'
    )
    assert "2014/2014-04-17-edited-entry" in indexed_ids(chronicle_root)
    assert not list((chronicle_root / "index" / "drafts").iterdir())


def test_add_edit_invalid_then_fixed(cli: Any, editor: Any, chronicle_root: Path) -> None:
    env = editor("title: Fix me\ndate: 31 April 2014\n", "title: Fix me\ndate: 30 April 2014\n")
    result = cli("add", "--edit", env=env, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "day 31 does not exist" in result.stderr
    reopened = editor.seen(1)
    assert reopened.startswith("# ! chronicle did not save this entry:")
    assert "day 31 does not exist" in reopened and "date: 31 April 2014" in reopened
    assert result.stdout.splitlines()[-1] == "2014/2014-04-30-fix-me"  # after the echoed "y"


def test_add_edit_abandoned_keeps_the_draft(cli: Any, editor: Any, chronicle_root: Path) -> None:
    typed = "title: Half done\ndate: someday\nbody: |\n  Words worth keeping.\n"
    result = cli("add", "--edit", env=editor(typed), input="n\n")
    assert result.exit_code == 1
    assert "Nothing saved. Your draft is kept at" in result.stderr
    drafts = list((chronicle_root / "index" / "drafts").iterdir())
    assert len(drafts) == 1 and str(drafts[0]) in result.stderr.replace("\n", "")
    assert "Words worth keeping." in drafts[0].read_text(encoding="utf-8")
    # ... and it can be finished later.
    resumed = cli("add", "--draft", str(drafts[0]),
                  env=editor("title: Half done\ndate: 2014-07-01\n"))
    assert resumed.exit_code == 0, resumed.stderr
    assert "date: someday" in editor.seen(0)  # it opened on what was kept
    assert not drafts[0].exists()


def test_add_edit_editor_failure_and_untouched_template(
    cli: Any, editor: Any, chronicle_root: Path
) -> None:
    failed = cli("add", "--edit", env=editor({"text": "title: typed\n", "exit": 1}))
    assert failed.exit_code == 1 and "draft is kept" in failed.stderr
    untouched = cli("add", "--edit", env=editor(None))
    assert untouched.exit_code == 1 and "No entry added" in untouched.stderr


# -- edit and rm ----------------------------------------------------------------------------


def test_edit_changes_the_file_and_the_index_follows(
    cli: Any, editor: Any, chronicle_root: Path
) -> None:
    cli("list")  # build the catalog
    cli("search", "Caesar")  # and the index
    path = chronicle_root / "entries" / "ancient" / "ides-of-march.yaml"
    new = path.read_text(encoding="utf-8").replace("Assassination", "Murder")
    new = new.replace('date: "-0043-03-15"', "date: 15 March 44 BC  # as Plutarch has it")
    result = cli("edit", "ides", env=editor(new))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "ancient/ides-of-march"
    saved = path.read_text(encoding="utf-8")
    assert "title: Murder of Julius Caesar" in saved
    assert 'date: "-0043-03-15"' in saved  # a written date is stored as ISO
    assert index_is_current(chronicle_root)
    hits = json.loads(cli("search", "Murder", "--format", "json").stdout)
    assert [hit["id"] for hit in hits] == ["ancient/ides-of-march"]


def test_edit_invalid_then_fixed_and_unchanged(cli: Any, editor: Any, chronicle_root: Path) -> None:
    path = chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml"
    original = path.read_text(encoding="utf-8")
    broken = original.replace("title: Black January", "title:")
    result = cli("edit", "black-january", env=editor(broken, original + "summary: Fixed.\n"),
                 input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "'title' is missing" in result.stderr
    assert path.read_text(encoding="utf-8") == original + "summary: Fixed.\n"
    unchanged = cli("edit", "black-january", env=editor(None))
    assert unchanged.exit_code == 0 and "No changes." in unchanged.stderr


def test_edit_gives_up_without_touching_the_entry(cli: Any, editor: Any, chronicle_root: Path) -> None:
    path = chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml"
    original = path.read_text(encoding="utf-8")
    result = cli("edit", "black-january", env=editor("title: [\n"), input="n\n")
    assert result.exit_code == 1 and "draft is kept" in result.stderr
    assert path.read_text(encoding="utf-8") == original


def test_rm_asks_first_and_the_index_follows(cli: Any, chronicle_root: Path) -> None:
    cli("search", "Black")  # build the index
    assert "1990/1990-01-20-black-january" in indexed_ids(chronicle_root)
    kept = cli("rm", "black-january", input="n\n")
    assert kept.exit_code == 1 and "Nothing deleted." in kept.stderr
    assert "1990/1990-01-20-black-january" in listed(cli)
    gone = cli("rm", "black-january", input="y\n")
    assert gone.exit_code == 0, gone.stderr
    assert "Deleted entries/1990/1990-01-20-black-january.yaml" in gone.stderr
    assert "1990/1990-01-20-black-january" not in listed(cli)
    assert "1990/1990-01-20-black-january" not in indexed_ids(chronicle_root)
    assert index_is_current(chronicle_root)


def test_rm_yes_several_and_unknown_ids(cli: Any, chronicle_root: Path) -> None:
    result = cli("rm", "--yes", "2014-year", "2014-04-month")
    assert result.exit_code == 0
    assert not {"2014/2014-year", "2014/2014-04-month"} & set(listed(cli))
    missing = cli("rm", "--yes", "no-such-entry")
    assert missing.exit_code == 3 and "no entry with id" in missing.stderr


def test_edit_reaches_an_invalid_file_by_its_path(
    cli: Any, editor: Any, chronicle_root: Path
) -> None:
    broken = chronicle_root / "entries" / "2014" / "2014-05-broken.yaml"
    broken.write_text("title: Broken\ndate: 2014-02-30\n", encoding="utf-8")
    assert cli("edit", "2014-05-broken").exit_code == 3  # not an entry: not found by id
    result = cli("edit", "entries/2014/2014-05-broken.yaml",
                 env=editor("title: Broken\ndate: 28 February 2014\n"))
    assert result.exit_code == 0, result.stderr
    assert broken.read_text(encoding="utf-8") == "title: Broken\ndate: 2014-02-28\n"
    assert "2014/2014-05-broken" in listed(cli)


def test_add_looks_only_at_the_file_it_wrote(
    cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("index").exit_code == 0
    # Something edited outside chronicle: add must not scan for it (at 100k entries
    # that scan is most of an add's time)...
    outside = chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml"
    outside.write_text(outside.read_text().replace("Black January", "Black January, edited"))
    real_scan = refreshing.scan_entries

    def no_full_scan(entries_dir: Path) -> object:
        raise AssertionError("a full scan of entries/ during add")

    monkeypatch.setattr(refreshing, "scan_entries", no_full_scan)
    added = cli("add", "--title", "Mayor visits Tashmay Park", "--date", "2014-05-03")
    assert added.exit_code == 0, added.stderr
    new_id = added.stdout.strip()
    assert new_id in indexed_ids(chronicle_root)
    monkeypatch.setattr(refreshing, "scan_entries", real_scan)
    # ...and a search, which does check everything, sees both changes.
    assert cli("search", "mayor", "--format", "ids").stdout.split() == [new_id]
    assert cli("search", "edited", "--format", "ids").stdout.split() == [
        "1990/1990-01-20-black-january"
    ]


def test_edit_of_an_entry_kept_as_a_link_writes_where_it_leads(
    cli: Any, editor: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    """An entry file that is a link to a file elsewhere (shared with another chronicle)
    is edited where the link leads: the link stays, the other chronicle sees the edit,
    and the index follows."""
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "treaty.yaml"
    real.write_text('title: Treaty is signed\ndate: "2014-05-01"\n', encoding="utf-8")
    link = chronicle_root / "entries" / "treaty.yaml"
    link.symlink_to(real)
    cli("search", "Treaty")  # catalog and index hold it
    result = cli("edit", "treaty", env=editor(
        'title: Treaty is ratified\ndate: "2014-05-01"\n'))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "treaty"
    assert link.is_symlink()
    assert "ratified" in real.read_text(encoding="utf-8")
    hits = json.loads(cli("search", "ratified", "--format", "json").stdout)
    assert [hit["id"] for hit in hits] == ["treaty"]
    assert index_is_current(chronicle_root)
