"""Editing an entry as YAML in the person's editor until it is valid, as ``crontab -e`` does.

The text lives in a draft file under ``index/drafts/`` while the editor is open. When
the saved text is invalid, the draft is reopened with the problems written as comments
at its top. What the person typed is never lost: if they give up (or the editor fails,
or the process is interrupted) the draft stays where it is and its path is reported.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from chronicle.dates import PartialDate
from chronicle.errors import DateError, UsageError
from chronicle.model import Entry, Problem
from chronicle.written_dates import parse_written_range

if TYPE_CHECKING:
    from chronicle.config import Location

DRAFTS_DIRNAME = "drafts"
#: Lines chronicle writes at the top of a draft; they are removed when it is read back.
PROBLEM_MARK = "# ! "
TEMPLATE_KEYS = ("title", "date", "end", "summary", "people", "places", "tags", "sources", "body")
TEMPLATE_HEADER = """\
# A new chronicle entry: fill in at least the title and the date, then save and close.
# Dates: 2014-04-17, 2014-04, 2014, 17 April 2014, April 17-18, 2014 (a range),
#   5 March 2014 12:03, 15 March 44 BC. Lists: people: [Zakir Hasanov, Nebojsa Rodic]
# The body is Markdown; indent its lines by two spaces under 'body: |'.
# Saving this unchanged, or empty, writes nothing.
"""
_DATE_LINE = re.compile(r"^(?P<key>date|end)(?P<sep>[ \t]*:[ \t]*)(?P<value>.*?)[ \t]*$")


# -- the text of a draft -------------------------------------------------------------------


def new_entry_template(given: Mapping[str, Any] | None = None) -> str:
    """The YAML a new entry starts from, with what was given on the command line filled in."""
    from chronicle.store import dump_mapping

    given = {key: value for key, value in (given or {}).items() if value not in (None, "", [], ())}
    lines = [TEMPLATE_HEADER]
    for key in TEMPLATE_KEYS:
        if key in given:
            lines.append(dump_mapping({key: given[key]}))
        elif key in ("people", "places", "tags", "sources"):
            lines.append(f"{key}: []\n")
        elif key == "body":
            lines.append("body: |\n")
        else:
            lines.append(f"{key}:\n")
    return "".join(lines)


def problem_lines(problems: list[Problem]) -> list[str]:
    """The problems as listed at the top of a reopened draft, numbered as shown there."""
    offset = len(problems) + 2  # the lines of the block itself
    lines = ["chronicle did not save this entry:"]
    for problem in problems:
        where = f"line {problem.line + offset}: " if problem.line else ""
        lines.append(f"  {where}{problem.message}")
    lines.append("Fix it and save. To give up, empty the file and save: "
                 "what you typed is kept as a draft.")
    return lines


def with_problems(text: str, problems: list[Problem]) -> str:
    """``text`` with its problems listed at the top, as comments."""
    block = "".join(f"{PROBLEM_MARK}{line}\n" for line in problem_lines(problems))
    return block + strip_problems(text)


def strip_problems(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(PROBLEM_MARK.rstrip()):
        lines.pop(0)
    return "".join(lines)


def same_text(a: str, b: str) -> bool:
    """Equal but for trailing spaces and blank lines (what editors add on save)."""

    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    return norm(a) == norm(b)


def normalise_dates(text: str) -> tuple[str, dict[int, str]]:
    """Written dates in ``date:`` and ``end:`` rewritten as ISO; a range in ``date:`` fills
    ``end:``. Returns the text and, per line, why a date that is not ISO could not be read.
    """
    lines = text.split("\n")
    found = {
        m.group("key"): (i, m) for i, line in enumerate(lines) if (m := _DATE_LINE.match(line))
    }
    unreadable: dict[int, str] = {}
    end_from_range: str | None = None
    for key in ("date", "end"):
        if key not in found:
            continue
        number, match = found[key]
        value = _unquote(re.sub(r"\s+#.*$", "", match.group("value")))
        if not value or _is_iso(value):
            continue
        try:
            start, end = parse_written_range(value)
        except DateError as err:
            hint = f" ({err.hint})" if err.hint else ""
            unreadable[number + 1] = f"{key}: {err.message}{hint}"
            continue
        if end is not None and key == "end":
            unreadable[number + 1] = f"end: '{value}' is a range; give the last day only"
            continue
        lines[number] = f"{key}{match.group('sep')}{_yaml_date(start)}"
        if end is not None:
            end_from_range = _yaml_date(end)
    if end_from_range is not None:
        date_line = found["date"][0]
        if "end" not in found:
            lines.insert(date_line + 1, f"end: {end_from_range}")
        elif not _unquote(found["end"][1].group("value")):
            lines[found["end"][0]] = f"end: {end_from_range}"
        else:
            unreadable[date_line + 1] = "date: a range is given here and 'end' is given too"
    return "\n".join(lines), unreadable


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value


def _is_iso(value: str) -> bool:
    try:
        PartialDate.parse(value)
    except DateError:
        return False
    return True


def _yaml_date(date: PartialDate) -> str:
    text = date.isoformat()
    return f'"{text}"' if text.startswith(("-", "+")) or "T" in text else text


def read_draft(
    chronicle: Location, text: str, *, entry_id: str, path: str
) -> tuple[str, Entry | None, list[Problem]]:
    """Validate a draft: ``(text as saved, entry or None, every problem)``."""
    from chronicle.store import parse_entry_text

    text, unreadable = normalise_dates(strip_problems(text))
    result = parse_entry_text(text, id=entry_id, path=path, declared=chronicle.config.fields)
    problems = [
        Problem(p.path, p.line, unreadable[p.line], p.severity)
        if p.line in unreadable and p.message.startswith(("date:", "end:"))
        else p
        for p in result.problems
    ]
    return text, result.entry, problems


# -- the draft file and the editor ---------------------------------------------------------


@dataclass
class Draft:
    """A draft file under ``index/drafts/``."""

    path: Path

    @classmethod
    def create(cls, chronicle: Location, text: str, *, name: str) -> Draft:
        from chronicle.fileio import atomic_write_text

        stamp = time.strftime("%Y%m%d-%H%M%S")
        filename = f"{name}-{stamp}-{os.getpid()}.yaml"
        path = chronicle.index_dir / DRAFTS_DIRNAME / filename
        try:
            atomic_write_text(path, text)
        except OSError:
            # index/ cannot be written (a read-only checkout): the temp folder will do.
            import tempfile

            path = Path(tempfile.gettempdir()) / "chronicle-drafts" / filename
            atomic_write_text(path, text)
        return cls(path)

    def read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return ""
        except UnicodeDecodeError:
            raise UsageError(f"{self.path} is not UTF-8 text; save it as UTF-8") from None

    def write(self, text: str) -> None:
        from chronicle.fileio import atomic_write_text

        atomic_write_text(self.path, text)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else the system's usual editor, split into words."""
    import shlex

    environ = os.environ if environ is None else environ
    editor = environ.get("VISUAL") or environ.get("EDITOR")
    if not editor:
        return ["notepad"] if os.name == "nt" else ["vi"]
    return shlex.split(editor, posix=os.name != "nt")


def run_editor(path: Path, command: list[str] | None = None) -> bool:
    """Open ``path`` in the editor (``command``, by default `editor_command`) and wait;
    False when the editor reports failure (``:cq``, a non-zero exit)."""
    return editor_status(path, command) == 0


def editor_status(path: Path, command: list[str] | None = None) -> int:
    """Open ``path`` in the editor and wait; the editor's exit status."""
    import subprocess

    command = command or editor_command()
    try:
        return subprocess.run([*command, str(path)], check=False).returncode
    except FileNotFoundError:
        raise UsageError(
            f"the editor '{command[0]}' was not found",
            hint="set $EDITOR (or $VISUAL) to your editor, e.g. export EDITOR=nano",
        ) from None


# -- the loop ------------------------------------------------------------------------------


@dataclass
class Checked:
    """What validating a saved draft gave."""

    text: str
    entry: Entry | None
    errors: list[Problem]
    warnings: list[Problem] = field(default_factory=list)


#: "failed": the editor exited with an error; nothing is saved (``kept`` holds what was
#: typed, if anything).
Status = Literal["saved", "unchanged", "abandoned", "failed"]


@dataclass
class EditOutcome:
    status: Status
    entry: Entry | None = None
    text: str = ""
    warnings: list[Problem] = field(default_factory=list)
    #: Where the draft was kept when the person gave up with something typed.
    kept: Path | None = None


def edit_until_valid(
    draft: Draft,
    *,
    validate: Callable[[str], Checked],
    retry: Callable[[list[Problem]], bool],
    original: str,
    open_editor: Callable[[Path], bool] = run_editor,
) -> EditOutcome:
    """Open the editor on ``draft`` until what is saved is valid, or the person gives up.

    ``original`` is the text the edit started from: saving it unchanged, or saving an
    empty file, changes nothing. ``retry`` is asked, with the problems, whether to
    reopen an invalid draft.
    """
    typed: str | None = None  # the last text saved that differs from the original
    while True:
        ok = open_editor(draft.path)
        text = strip_problems(draft.read())
        untouched = not text.strip() or same_text(text, strip_problems(original))
        if not ok:
            # A failing editor is an error, never "no changes"; what was typed is kept.
            if untouched and typed is None:
                draft.discard()
                return EditOutcome("failed", text=text)
            if untouched:
                draft.write(typed or "")
            return EditOutcome("failed", text=(typed or "") if untouched else text, kept=draft.path)
        if untouched:
            if typed is None:
                draft.discard()
                return EditOutcome("unchanged", text=text)
            # Emptied after an invalid save: give up, but keep what was typed before.
            draft.write(typed)
            return EditOutcome("abandoned", text=typed, kept=draft.path)
        checked = validate(text)
        if checked.entry is not None and not checked.errors:
            draft.discard()
            return EditOutcome("saved", checked.entry, checked.text, checked.warnings)
        typed = checked.text
        draft.write(with_problems(checked.text, checked.errors))
        if not retry(checked.errors):
            return EditOutcome("abandoned", text=checked.text, kept=draft.path)
