"""Shell completion, driven through the real protocol: the shell's variables set, a fresh
``chronicle`` process, its answer read as the shell reads it; bash itself (zsh and fish
when installed) running the script ``chronicle completion`` prints, and zsh's own
completion system driven through a pseudo-terminal. The fast path, which answers
without Typer (`chronicle.fastpath.completing`), gives byte for byte what Typer's
completion gives, for every shell and a matrix of command lines; the lines it cannot be
sure of are left to Typer."""

from __future__ import annotations

import json
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


def protocol(shell: str, line: str, action: str = "get-args") -> dict[str, str]:
    """The variables a shell sets to ask for the completions of ``line``."""
    env = {"_CHRONICLE_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = action
    return env


def ask(shell: str, line: str, root: Path | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    """What ``chronicle`` answers a shell completing ``line`` (the cursor at its end)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMP_", "_TYPER", "_CHRON"))}
    if root is not None:
        env["CHRONICLE_ROOT"] = str(root)
    env.update(protocol(shell, line, extra.pop("action", "get-args")))
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
        writer.execute("DELETE FROM name_uses")
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


# zsh's own completion system, driven through a pseudo-terminal (zpty): compinit loads
# the printed script from $fpath as a user's setup does, each line gets a real Tab, and
# the edited line is read back from zle (Ctrl-T, bound to write it to a file); then the
# line again with Ctrl-D, which lists the choices on the terminal.
_ZSH_DRIVER = r"""
zmodload zsh/zpty || exit 3
dir=$1; shift
zpty z zsh -f -i
zpty -w z "PS1='' RPS1=''; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w z "fpath=($dir \$fpath); autoload -Uz compinit && compinit -u -d $dir/zcompdump"
zpty -w z "dump() { print -r -- \"\$BUFFER\" > $dir/out.\$((++n)) }; zle -N dump; bindkey '^T' dump"
zpty -w z "n=0; print READY"
zpty -r z _ '*READY*' || exit 4
integer i=0
for line in "$@"; do
    (( ++i ))
    zpty -w -n z "$line"$'\t\C-t\C-u'"$line"$'\C-d\C-t\C-u'
    for wait in {1..400}; do
        [[ -e $dir/out.$((2 * i)) ]] && break
        sleep 0.05
    done
    while zpty -r -t z screen 2>/dev/null; do print -rn -- "$screen" >> $dir/screen.$i; done
    print -r -- "$(<$dir/out.$((2 * i - 1)))"
done
zpty -d z
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completes_through_its_completion_system(cataloged: Path, tmp_path: Path) -> None:
    folder = tmp_path / "zsh"
    folder.mkdir()
    (folder / "_chronicle").write_text(script("zsh"))
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "events.json").write_text("[]")
    lines = {
        "chronicle sh": "chronicle show ",
        "chronicle time": "chronicle timeline ",
        "chronicle list --for": "chronicle list --format ",
        "chronicle list --format j": "chronicle list --format json ",
        "chronicle show 2014/2014-04-17-t": "chronicle show 2014/2014-04-17-tashmay-park-opening ",
        "chronicle edit 1992/": "chronicle edit 1992/1992-02-25-khojaly ",
        "chronicle list --place Bosnia": "chronicle list --place Bosnia\\ and\\ Herzegovina ",
        "chronicle list --tag comm": "chronicle list --tag commemoration ",
        "chronicle search x --person Hey": "chronicle search x --person Heydar\\ Aliyev ",
        "chronicle completion f": "chronicle completion fish ",
        # Nothing to offer from chronicle: zsh completes file names.
        "chronicle import ev": "chronicle import events.json ",
        # Several choices: the line stays, and Ctrl-D lists them with their help.
        "chronicle s": "chronicle s",
    }
    env = dict(os.environ, CHRONICLE_ROOT=str(cataloged), HOME=str(tmp_path),
               PATH=f"{Path(CHRONICLE).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(["zsh", "-f", "-c", _ZSH_DRIVER, "zsh", str(folder), *lines],
                            env=env, cwd=tmp_path / "work", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == list(lines.values())
    listed = (folder / f"screen.{len(lines)}").read_text()
    for shown in ("search  -- Find entries by words and names",
                  "show    -- Show one entry in full.", "stats   -- Count entries by period"):
        assert shown in listed, listed


# The fast path (chronicle.fastpath.completing), which answers without Typer, against
# Typer's own answers ------------------------------------------------------------------

SHELLS = ("bash", "zsh", "fish")

#: Command lines, the cursor at the end ({root}: the chronicle's folder).
LINES = [
    "chronicle ", "chronicle s", "chronicle -", "chronicle --", "chronicle --r",
    "chronicle --root ", "chronicle --debug l", "chronicle --debug -", "chronicle --root {root} s",
    "chronicle list ", "chronicle list -", "chronicle list --", "chronicle list --p",
    "chronicle list --tag ", "chronicle list --tag comm", "chronicle list --tag x --t",
    "chronicle list --tag x -", "chronicle list --year 2014 -", "chronicle list --format ",
    "chronicle list --format j", "chronicle list -f ", "chronicle list -f y",
    "chronicle list --reverse -", "chronicle list -r --", "chronicle list --limit 3 --",
    "chronicle list --place bel", "chronicle list --place B", "chronicle list --person he",
    "chronicle list --place \"Bosnia", "chronicle list --place 'Bosnia and",
    "chronicle timeline --place Tash", "chronicle stats --by ", "chronicle stats --by m",
    "chronicle show ", "chronicle show 2014/", "chronicle show 2014/2014-04",
    "chronicle show khojaly", "chronicle show x ", "chronicle show x -",
    "chronicle edit 1992", "chronicle rm ", "chronicle rm a 2014/2014-01", "chronicle rm zzz",
    "chronicle search ", "chronicle search park ", "chronicle search --sort ",
    "chronicle search x --person he", "chronicle search park --format ", "chronicle search -n 5 -",
    "chronicle export --format ", "chronicle export --format m", "chronicle import ",
    "chronicle import -", "chronicle completion ", "chronicle completion z",
    "chronicle completion bash ", "chronicle init ", "chronicle index -", "chronicle watch --",
    "chronicle names -", "chronicle check ", "chronicle add --tag dipl", "chronicle search park -Bel",
    "chronicle --root {root} list --tag dipl", "chronicle list --root {root} --place bel",
    "chronicle --root {root} list --root {elsewhere} --tag ", "chronicle --root {elsewhere} show ",
    "chronicle list --root ", "chronicle list --tag", "chronicle show 2014/2014-04-17-t",
]

#: Lines whose words the fast path cannot parse with certainty: Typer answers them.
LEFT_TO_TYPER = [
    "chronicle search park -Bel ", "chronicle list --format=j", "chronicle list --tag=c",
    "chronicle -- s", "chronicle list -- ", "chronicle nosuch ", "chronicle --help ",
    "chronicle list --debug --t", "chronicle list -rn5 ", "chronicle --version ",
    "chronicle list --tag -x ", "chronicle list =",
]


def help_option_last(text: str) -> str:
    """Click names the help option from a set, so ``-h`` and ``--help`` come in either
    order from run to run: the two lines are put in one order."""
    lines = text.split("\n")
    spots = [i for i, line in enumerate(lines) if line.split("\t")[0].split(":")[0] in ("-h", "--help")]
    for i, line in zip(spots, sorted(lines[i] for i in spots), strict=True):
        lines[i] = line
    return "\n".join(lines)


@pytest.fixture
def roots(sample_root: Path, tmp_path: Path, cli: Callable[..., Any]) -> dict[str, str]:
    assert cli("list", "--format", "ids").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "entries").mkdir(parents=True)
    return {"root": str(sample_root), "elsewhere": str(elsewhere)}


@pytest.mark.parametrize("shell", SHELLS)
def test_fast_completion_answers_as_typer_does(shell: str, roots: dict[str, str],
                                               asking: Any) -> None:
    differ = []
    for template in LINES:
        env = protocol(shell, template.format(**roots))
        fast = asking([], env, True)
        assert fast[1] is not None, f"left to Typer: {template!r}"
        slow = asking([], env, False)
        if (help_option_last(fast[0]), fast[1]) != (help_option_last(slow[0]), slow[1]):
            differ.append((template, fast, slow))
    assert differ == []


def test_fish_asks_whether_to_offer_files(roots: dict[str, str], asking: Any) -> None:
    for line in ("chronicle show 2014/", "chronicle import ", "chronicle list --tag zzz",
                 "chronicle completion "):
        env = protocol("fish", line, "is-args")
        fast, slow = asking([], env, True), asking([], env, False)
        assert fast[1] is not None
        assert (fast[0], fast[1] or 0) == (slow[0], slow[1] or 0), line


@pytest.mark.parametrize("line", LEFT_TO_TYPER)
def test_lines_it_cannot_parse_are_left_to_typer(line: str, roots: dict[str, str],
                                                 asking: Any) -> None:
    for shell in SHELLS:
        assert asking([], protocol(shell, line), True) == ("", None), (shell, line)


def test_other_instructions_and_missing_variables_are_left_to_typer(asking: Any) -> None:
    assert asking([], {"_CHRONICLE_COMPLETE": "source_bash"}, True) == ("", None)
    assert asking([], {"_CHRONICLE_COMPLETE": "complete_powershell"}, True) == ("", None)
    assert asking([], {"_CHRONICLE_COMPLETE": "complete_bash"}, True) == ("", None)


def test_another_typer_release_is_left_to_typer(roots: dict[str, str], asking: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.fastpath.described import DESCRIPTION

    monkeypatch.setitem(DESCRIPTION, "versions", {**DESCRIPTION["versions"], "typer": "0.0.1"})
    assert asking([], protocol("bash", "chronicle s"), True) == ("", None)


_MODULES = """
import sys
from chronicle.__main__ import main
try:
    main()
finally:
    sys.stdout.flush()
    print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'yaml', 'whoosh')), file=sys.stderr)
"""


def test_a_tab_imports_neither_typer_nor_rich(roots: dict[str, str]) -> None:
    env = dict(os.environ, CHRONICLE_ROOT=roots["root"],
               **protocol("bash", "chronicle list --tag comm"))
    result = subprocess.run([sys.executable, "-c", _MODULES], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.stdout == "commemoration\n"
    assert json.loads(result.stderr.strip().replace("'", '"')) == []
