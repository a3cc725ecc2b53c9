"""Shell completion, driven through the real protocol: the shell's variables set, a fresh
``chronicle`` process, its answer read as the shell reads it; and bash itself (zsh and
fish when installed) running the script ``chronicle completion`` prints."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chronicle import lookup

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))


@pytest.fixture
def cataloged(sample_root: Path, cli: Callable[..., Any]) -> Path:
    """The sample chronicle with its catalog built (a command has run once)."""
    assert cli("list", "--format", "ids").exit_code == 0
    assert (sample_root / "index" / "catalog.sqlite").is_file()
    return sample_root


def ask(shell: str, line: str, root: Path | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    """What ``chronicle`` answers a shell completing ``line`` (the cursor at its end)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMP_", "_TYPER", "_CHRON"))}
    if root is not None:
        env["CHRONICLE_ROOT"] = str(root)
    env["_CHRONICLE_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = extra.pop("action", "get-args")
    env.update(extra)
    return subprocess.run([CHRONICLE], env=env, capture_output=True, text=True, timeout=30)


def bash_words(line: str, root: Path) -> list[str]:
    result = ask("bash", line, root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # An empty answer is one empty line, which bash reads as no words.
    return [word for word in result.stdout.splitlines() if word]


def test_bash_protocol_offers_commands_options_and_choices(cataloged: Path) -> None:
    assert bash_words("chronicle s", cataloged) == ["search", "show", "stats"]
    assert {"--person", "--place"} <= set(bash_words("chronicle list --p", cataloged))
    assert bash_words("chronicle list --format ", cataloged) == [
        "table", "json", "csv", "yaml", "ids"]
    assert "markdown" in bash_words("chronicle export --format ", cataloged)
    assert bash_words("chronicle search --sort ", cataloged) == ["relevance", "date"]
    assert bash_words("chronicle completion ", cataloged) == ["bash", "zsh", "fish"]


def test_bash_protocol_offers_values_from_the_catalog(cataloged: Path) -> None:
    assert bash_words("chronicle show 2014/2014-04", cataloged) == [
        "2014/2014-04-17-defence-cooperation-agreement",
        "2014/2014-04-17-tashmay-park-opening",
        "2014/2014-04-17-zakir-hasanov-visit",
    ]
    # Any unique part of an id is accepted, so a part offers the ids holding it.
    assert bash_words("chronicle edit khojaly", cataloged) == [
        "1992/1992-02-25-khojaly", "2014/2014-02-khojaly-anniversary"]
    assert "2014/2014-01-08-dodik-medal" in bash_words("chronicle rm 2014/2014-01-08 ", cataloged)
    assert bash_words("chronicle list --tag comm", cataloged) == ["commemoration"]
    # Any case; a name with spaces comes quoted for bash's command line.
    assert bash_words("chronicle timeline --place bel", cataloged) == ["Belgrade"]
    assert "Bosnia\\ and\\ Herzegovina" in bash_words("chronicle list --place B", cataloged)
    assert bash_words("chronicle search x --person he", cataloged) == ["Heydar\\ Aliyev"]
    assert bash_words("chronicle stats --person Nobody", cataloged) == []


def test_an_invalid_entry_is_offered_for_editing(cataloged: Path, cli: Callable[..., Any]) -> None:
    (cataloged / "entries" / "2014" / "2014-05-broken.yaml").write_text("title: [unclosed\n")
    cli("list")  # the catalog records the invalid file, with its id
    assert bash_words("chronicle edit 2014/2014-05", cataloged) == ["2014/2014-05-broken"]


def test_root_given_on_the_command_line_is_the_one_completed(cataloged: Path,
                                                             tmp_path: Path) -> None:
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    line = f"chronicle --root {cataloged} list --tag dipl"
    assert bash_words(line, elsewhere) == ["diplomacy"]
    line = f"chronicle list --root {cataloged} --tag dipl"
    assert bash_words(line, elsewhere) == ["diplomacy"]


def test_zsh_protocol_gives_values_with_descriptions(cataloged: Path) -> None:
    result = ask("zsh", "chronicle sh", cataloged)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["show:Show one entry in full."]
    lines = ask("zsh", "chronicle list --place Bel", cataloged).stdout.splitlines()
    assert lines == ["Belgrade"]
    lines = ask("zsh", "chronicle list --format ", cataloged).stdout.splitlines()
    assert "json" in lines


def test_fish_protocol_gives_values_and_says_when_files_are_wanted(cataloged: Path) -> None:
    result = ask("fish", "chronicle list --tag ", cataloged)
    assert result.returncode == 0
    assert "commemoration" in result.stdout.splitlines()
    lines = ask("fish", "chronicle st", cataloged).stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("stats\tCount entries by period")
    # "is-args": exit 0 when chronicle has values to offer, 1 to let fish offer files.
    assert ask("fish", "chronicle show 2014/", cataloged, action="is-args").returncode == 0
    assert ask("fish", "chronicle import ", cataloged, action="is-args").returncode == 1


def test_file_arguments_are_left_to_the_shell(cataloged: Path) -> None:
    assert bash_words("chronicle import ", cataloged) == []
    assert bash_words("chronicle --root ", cataloged) == []


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    } if folder.exists() else {}


def test_completion_never_writes_the_index(cataloged: Path) -> None:
    index = cataloged / "index"
    before = _listing(index)
    for line in ("chronicle show 2014/", "chronicle list --tag ", "chronicle list --person A"):
        assert bash_words(line, cataloged)
    assert _listing(index) == before


def test_no_catalog_offers_nothing_and_creates_nothing(sample_root: Path) -> None:
    shutil.rmtree(sample_root / "index")
    assert bash_words("chronicle show 2014/", sample_root) == []
    assert bash_words("chronicle list --tag ", sample_root) == []
    assert not (sample_root / "index").exists()
    # Commands still complete without a chronicle at all.
    assert bash_words("chronicle sh", sample_root / "entries" / "2014") == ["show"]


def test_damaged_or_foreign_catalog_offers_nothing(cataloged: Path) -> None:
    catalog = cataloged / "index" / "catalog.sqlite"
    catalog.write_bytes(b"not a database" * 100)
    assert bash_words("chronicle show 2014/", cataloged) == []
    catalog.unlink()
    with sqlite3.connect(catalog) as db:
        db.execute("CREATE TABLE files (relpath TEXT)")  # another schema
    assert bash_words("chronicle show 2014/", cataloged) == []
    assert bash_words("chronicle list --tag ", cataloged) == []


def test_a_catalog_being_written_does_not_hold_completion_up(cataloged: Path) -> None:
    catalog = cataloged / "index" / "catalog.sqlite"
    writer = sqlite3.connect(catalog, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("DELETE FROM spellings")
        result = ask("bash", "chronicle list --tag comm", cataloged)
        assert result.returncode == 0
        # What was committed, or nothing: never the uncommitted state, never a wait.
        assert result.stdout.splitlines() in (["commemoration"], [])
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_completion_imports_neither_yaml_nor_whoosh_nor_rich(cataloged: Path) -> None:
    code = (
        "import sys\nfrom chronicle.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'whoosh', 'rich', 'rapidfuzz', 'icalendar'))), file=sys.stderr)\n"
    )
    env = dict(os.environ, CHRONICLE_ROOT=str(cataloged), _CHRONICLE_COMPLETE="complete_bash",
               COMP_WORDS="chronicle list --tag comm", COMP_CWORD="3")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.stdout.splitlines() == ["commemoration"]
    assert result.stderr.strip() == ""


# The scripts, run by the shells themselves ------------------------------------------


def script(shell: str) -> str:
    result = subprocess.run([CHRONICLE, "completion", shell], capture_output=True, text=True,
                            check=True)
    return result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_runs_the_script_and_completes(cataloged: Path, tmp_path: Path) -> None:
    (tmp_path / "chronicle.bash").write_text(script("bash"))
    program = (
        f'source {tmp_path / "chronicle.bash"}\n'
        'complete -p chronicle\n'
        'try() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=();\n'
        '        _chronicle_completion chronicle; printf "%s|" "${COMPREPLY[@]}"; echo; }\n'
        'try chronicle show 2014/2014-04-17-t\n'
        'try chronicle list --place "Bosnia"\n'
        'try chronicle list --tag ""\n'
        'try chronicle tim\n'
    )
    env = dict(os.environ, CHRONICLE_ROOT=str(cataloged),
               PATH=f"{Path(CHRONICLE).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "complete -o default -F _chronicle_completion chronicle"
    assert lines[1] == "2014/2014-04-17-tashmay-park-opening|"
    assert lines[2] == "Bosnia\\ and\\ Herzegovina|"
    assert "commemoration" in lines[3].split("|")
    assert lines[4] == "timeline|"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_loads_the_script(tmp_path: Path) -> None:
    (tmp_path / "_chronicle").write_text(script("zsh"))
    program = (f"autoload -Uz compinit && compinit -u -d {tmp_path / 'zcompdump'}\n"
               f"source {tmp_path / '_chronicle'}\n"
               "print -r -- $_comps[chronicle]\n")
    result = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "_chronicle_completion", result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_runs_the_script_and_completes(cataloged: Path, tmp_path: Path) -> None:
    (tmp_path / "chronicle.fish").write_text(script("fish"))
    program = f"source {tmp_path / 'chronicle.fish'}; complete -C 'chronicle list --tag comm'"
    env = dict(os.environ, CHRONICLE_ROOT=str(cataloged),
               PATH=f"{Path(CHRONICLE).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(["fish", "--no-config", "-c", program], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["commemoration"], result.stderr


# The look-ups themselves -------------------------------------------------------------


def test_ids_come_a_folder_at_a_time_when_there_are_many(cataloged: Path) -> None:
    with lookup.open_catalog(cataloged / "index" / "catalog.sqlite") as db:
        assert db is not None
        every = lookup.entry_ids(db, "")
        folders = sorted({i.split("/")[0] + "/" for i in every})
        assert len(folders) < len(every)
        assert lookup.entry_ids(db, "", limit=len(folders)) == folders
        in_2014 = [i for i in every if i.startswith("2014/")]
        assert lookup.entry_ids(db, "2014/") == in_2014
        assert lookup.entry_ids(db, "2014/", limit=3) == in_2014[:3]
        assert lookup.entry_ids(db, "20", limit=2) == ["2003/", "2013/"]


def test_names_match_any_case_and_keep_their_spelling(cataloged: Path) -> None:
    with lookup.open_catalog(cataloged / "index" / "catalog.sqlite") as db:
        assert db is not None
        assert lookup.names(db, "place", "TASH") == ["Tashmay Park", "Tashmaydan Park"]
        assert lookup.names(db, "place", "tasmajdan") == ["Tasmajdan Park", "Tasmajdan park"]
        assert lookup.names(db, "tag", "") == sorted(lookup.names(db, "tag", ""))
        with pytest.raises(ValueError):
            lookup.names(db, "source", "")


def test_a_slow_query_is_cut_short(cataloged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup, "TIME_LIMIT_S", -1.0)
    with lookup.open_catalog(cataloged / "index" / "catalog.sqlite") as db:
        assert db is not None
        assert lookup.safely(lookup.entry_ids, db, "") == []
