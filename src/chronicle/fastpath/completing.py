"""Shell completion without Typer: Click's completion protocol, as chronicle's
completion classes answer it (`chronicle.cli.completion`), worked out from the static
description of the command line.

Click finds what is being completed by parsing the words typed so far with the commands'
own parsers (`_resolve_context`) and then looking at the last one (`_resolve_incomplete`).
This module does the same for the command lines it can parse with certainty: known
options with their values, a known command, positional words. Anything else (an option
it does not know, ``--``, ``--opt=value``, ``--help``, a negated search word) raises
`Unsure`, and Typer answers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from chronicle.fastpath import TYPE_CHECKING, Unsure, description

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: One completion: its value and its help (None for none).
Item = tuple[str, "str | None"]


def split_arg_string(string: str) -> list[str]:
    """Split the command line as Click does (``shlex``, keeping a word whose quote or
    escape is not closed yet)."""
    import shlex

    lex = shlex.shlex(string, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out = []
    try:
        for token in lex:
            out.append(token)
    except ValueError:
        out.append(lex.token)
    return out


def plain_help(text: str | None) -> str:
    """A help text on one line (the shells show one line per value)."""
    return re.sub(r"\s+", " ", text or "").strip()


#: What bash would split or expand in a reply put in the command line as it stands.
_BASH_SPECIAL = re.compile(r"[^\w@%+=:,./-]")


def bash_format(value: str) -> str:
    """Bash puts a reply in the command line as it stands: quote what it would split."""
    return _BASH_SPECIAL.sub(r"\\\g<0>", value) if _BASH_SPECIAL.search(value) else value


def zsh_format(value: str, help_text: str | None) -> str:
    escaped = value.replace("\\", "\\\\").replace(":", "\\:")
    if value.endswith("/"):
        return escaped
    text = plain_help(help_text)
    return f"{escaped}:{text}" if text else escaped


def fish_format(value: str, help_text: str | None) -> str:
    text = plain_help(help_text)
    return f"{value}\t{text}" if text else value


class _Level:
    """One command of the command line as parsed so far: its description, the options
    given on the command line (name -> values) and its positional words."""

    def __init__(self, spec: dict[str, Any], parent: _Level | None,
                 parameters: list[dict[str, Any]]) -> None:
        self.spec = spec
        self.parent = parent
        self.params = [parameters[number] for number in spec["params"]]
        self.given: dict[str, list[str]] = {}
        self.positional: list[str] = []
        self.stopped = False  # the parse ended on an option missing its value
        self.by_name: dict[str, dict[str, Any]] = {}
        for param in self.params:
            if param["kind"] == "option":
                for name in (*param["opts"], *param["secondary"]):
                    self.by_name[name] = param

    @property
    def is_group(self) -> bool:
        return "commands" in self.spec

    def parse(self, tokens: list[str]) -> list[str]:
        """Take this command's words; what follows the command named (for a group)."""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.startswith("-") and token != "-":
                param = self.by_name.get(token)
                if param is None or param["eager"] or token in param["secondary"]:
                    raise Unsure(token)
                if param["flag"]:
                    self.given.setdefault(param["name"], []).append("")
                    index += 1
                    continue
                if param["nargs"] != 1:
                    raise Unsure(token)
                if index + 1 >= len(tokens):
                    self.stopped = True  # Click's parser stops here, resiliently
                    return []
                value = tokens[index + 1]
                if value.startswith("-") and value != "-":
                    raise Unsure(value)
                self.given.setdefault(param["name"], []).append(value)
                index += 2
                continue
            if self.is_group:
                return tokens[index:]
            self.positional.append(token)
            index += 1
        return []

    def arguments_given(self) -> dict[str, bool]:
        """Which arguments got a value from the command line (Click's COMMANDLINE)."""
        arguments = [p for p in self.params if p["kind"] == "argument"]
        nargs = [p["nargs"] for p in arguments]
        if any(n not in (1, -1) for n in nargs) or -1 in nargs[:-1]:
            raise Unsure("argument shape")
        if self.stopped:
            return {p["name"]: False for p in arguments}
        given = {}
        left = len(self.positional)
        for param in arguments:
            if param["nargs"] == -1:
                given[param["name"]] = left > 0
                left = 0
            else:
                given[param["name"]] = left > 0
                left = max(left - 1, 0)
        return given

    def root(self) -> Path | None:
        """The ``--root`` given here, else to the commands around (`_root_given`)."""
        level: _Level | None = self
        while level is not None:
            values = level.given.get("root")
            if values and values[-1]:
                return Path(values[-1])
            level = level.parent
        return None


def _resolve(args: list[str]) -> _Level:
    """The command being completed, its words parsed (`_resolve_context`)."""
    spec = description("typer")
    level = _Level(spec["group"], None, spec["parameters"])
    rest = level.parse(args)
    if rest:
        name = rest[0]
        if name not in spec["commands"]:
            raise Unsure(name)
        level = _Level(spec["commands"][name], level, spec["parameters"])
        if "--debug" in rest[1:]:
            raise Unsure("--debug after the command")  # the group moves it first
        rest = level.parse(rest[1:])
    return level


def _is_incomplete_option(args: list[str], param: dict[str, Any]) -> bool:
    if param["kind"] != "option" or not param["typer_option"] or param["flag"]:
        return False
    last_option = None
    for index, arg in enumerate(reversed(args)):
        if index + 1 > param["nargs"]:
            break
        if arg[:1] == "-":
            last_option = arg
            break
    return last_option is not None and last_option in param["opts"]


def _values(level: _Level, param: dict[str, Any], incomplete: str) -> list[Item]:
    completes = param["completes"]
    if completes == "none":
        return []
    if completes == "other":
        raise Unsure(param["name"])
    kind, *rest = completes
    if kind == "catalog":
        from chronicle import lookup

        return [(value, None) for value in lookup.suggest(level.root(), *rest, incomplete)]
    if kind == "choice":
        case_sensitive, choices = rest
        if case_sensitive:
            return [(c, None) for c in choices if c.startswith(incomplete)]
        folded = incomplete.lower()
        return [(c, None) for c in choices if c.lower().startswith(folded)]
    raise Unsure(kind)


def _names(level: _Level, incomplete: str) -> list[Item]:
    """The command's own completions: its commands (a group) and options by name."""
    items: list[Item] = []
    if level.is_group:
        items.extend(
            (name, short_help) for name, short_help, hidden in level.spec["commands"]
            if name.startswith(incomplete) and not hidden
        )
    if incomplete and not incomplete[0].isalnum():
        for param in level.params:
            if (param["kind"] != "option" or not param["typer_option"] or param["hidden"]
                    or (not param["multiple"] and param["name"] in level.given)):
                continue
            items.extend(
                (name, param["help"]) for name in (*param["opts"], *param["secondary"])
                if name.startswith(incomplete)
            )
    return items


def completions(args: list[str], incomplete: str) -> list[Item]:
    """What the shell is offered for ``incomplete`` after ``args``."""
    if "--" in args or incomplete == "=" or ("=" in incomplete and incomplete[:1] == "-"):
        raise Unsure("-- or =")
    level = _resolve(args)
    if incomplete[:1] == "-":
        return _names(level, incomplete)
    params = level.params
    for param in params:
        if _is_incomplete_option(args, param):
            return _values(level, param, incomplete)
    given = level.arguments_given()
    for param in params:
        if param["kind"] == "argument" and param["typer_argument"] and (
                param["nargs"] == -1 or not given[param["name"]]):
            return _values(level, param, incomplete)
    return _names(level, incomplete)


def _args_after_command(line: str) -> tuple[list[str], str]:
    """zsh's and fish's ``_TYPER_COMPLETE_ARGS``: the words, and the one being typed."""
    words = split_arg_string(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def complete(instruction: str, environ: Mapping[str, str]) -> int:
    """Answer ``_CHRONICLE_COMPLETE=complete_<shell>``; the exit status."""
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        raise Unsure("stdout encoding")
    try:
        if instruction == "complete_bash":
            words = split_arg_string(environ["COMP_WORDS"])
            index = int(environ["COMP_CWORD"])
            if index < 1:
                raise Unsure("COMP_CWORD")
            args, incomplete = words[1:index], (words[index] if index < len(words) else "")
            text = "\n".join(bash_format(v) for v, _ in completions(args, incomplete))
        elif instruction == "complete_zsh":
            args, incomplete = _args_after_command(environ.get("_TYPER_COMPLETE_ARGS", ""))
            text = "\n".join(zsh_format(v, h) for v, h in completions(args, incomplete))
        elif instruction == "complete_fish":
            action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
            args, incomplete = _args_after_command(environ.get("_TYPER_COMPLETE_ARGS", ""))
            items = completions(args, incomplete)
            if action == "is-args":
                return 0 if items else 1
            text = "\n".join(fish_format(v, h) for v, h in items) if action == "get-args" else ""
        else:
            raise Unsure(instruction)
    except (KeyError, ValueError) as err:
        raise Unsure(str(err)) from None
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return 0

