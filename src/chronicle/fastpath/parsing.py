"""The command lines of the reading commands (``search``, ``list``, ``show``,
``timeline``, ``stats``, ``names``) and of ``index``, parsed as Click parses them, from
the commands' description.

Importing Typer (and the Click it carries) and building a command costs more than the
rest of a small search. `parse_command` reads the command line when it is certain
that Click would read it the same way and accept it: known options each followed by a
value it accepts, flags, positional words in the number the command takes. Anything
else (an unknown or abbreviated option, ``--opt=value``, ``-n5``, ``--``, a value or a
word starting with ``-``, ``--help``, ``--debug``, a value Click would refuse) raises
`Unsure`, and Typer parses the command line as always, with its own messages.
"""

from __future__ import annotations

import os
from pathlib import Path

from chronicle.fastpath import COMPLETE_VAR, TYPE_CHECKING, Unsure, description

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: The commands whose command lines are parsed here (their bodies are in
#: `chronicle.commands`).
COMMANDS = ("search", "list", "show", "timeline", "stats", "names", "index")


class Parsed:
    """A command line as Click would have read it: the command, the global ``--root``
    and the command's parameters given on the command line, by name, converted."""

    def __init__(self, command: str, root: Path | None, values: dict[str, Any]) -> None:
        self.command = command
        self.root = root
        self.values = values

    def __repr__(self) -> str:
        return f"Parsed({self.command!r}, {self.root!r}, {self.values!r})"


def parse_command(argv: list[str], environ: Mapping[str, str]) -> Parsed:
    """The command line of a reading command, parsed; `Unsure` when Typer must parse it."""
    if environ.get("CHRONICLE_DEBUG"):
        raise Unsure("debug")  # a traceback is Typer's to print
    if environ.get(COMPLETE_VAR):
        raise Unsure("a shell's request")  # Click answers it, whatever the words
    described = description("typer")
    parameters = described["parameters"]
    group = [parameters[number] for number in described["group"]["params"]]
    given, rest = _parse(argv, group, stop_at_word=True)
    if not rest or rest[0] not in COMMANDS or set(given) - {"root"}:
        raise Unsure("not a reading command")
    command = rest[0]
    spec = described["commands"].get(command)
    if spec is None:
        raise Unsure(command)
    params = [parameters[number] for number in spec["params"]]
    values, words = _parse(rest[1:], params, stop_at_word=False)
    values.update(_arguments(params, words))
    root = given.get("root")
    return Parsed(command, root, values)


def _parse(tokens: list[str], params: list[dict[str, Any]],
           stop_at_word: bool) -> tuple[dict[str, Any], list[str]]:
    """The options among ``tokens``, converted, and the positional words (for a group,
    what follows its options)."""
    by_name: dict[str, tuple[dict[str, Any], bool]] = {}
    for param in params:
        if param["kind"] == "option":
            for name in param["opts"]:
                by_name[name] = (param, True)
            for name in param["secondary"]:
                by_name[name] = (param, False)
    values: dict[str, Any] = {}
    words: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.startswith("-") or token == "-":
            if stop_at_word:
                return values, tokens[index:]
            words.append(token)
            index += 1
            continue
        found = by_name.get(token)
        if found is None:
            raise Unsure(token)
        param, primary = found
        if param["eager"] or param["nargs"] != 1 or param["kind"] != "option":
            raise Unsure(token)
        if param["value"] == ["flag"]:
            value: Any = primary
            index += 1
        else:
            if index + 1 >= len(tokens):
                raise Unsure(f"{token} without a value")
            word = tokens[index + 1]
            if word.startswith("-") and word != "-":
                raise Unsure(word)
            value = _converted(param, word)
            index += 2
        if param["multiple"]:
            values.setdefault(param["name"], []).append(value)
        else:
            values[param["name"]] = value
    return values, words


def _arguments(params: list[dict[str, Any]], words: list[str]) -> dict[str, Any]:
    """The positional words given to the command's arguments, as Click gives them: a
    word each, or all of them to the one that takes any number (the last)."""
    arguments = [param for param in params if param["kind"] == "argument"]
    values: dict[str, Any] = {}
    left = list(words)
    for position, param in enumerate(arguments):
        if param["nargs"] == -1:
            if position != len(arguments) - 1:
                raise Unsure("argument shape")
            values[param["name"]] = [_converted(param, word) for word in left]
            left = []
        elif param["nargs"] == 1:
            if left:
                values[param["name"]] = _converted(param, left.pop(0))
        else:
            raise Unsure("argument shape")
    if left:
        raise Unsure("more words than arguments")  # Click's error, said by Typer
    for param in params:
        if param["required"] and param["name"] not in values:
            raise Unsure(f"{param['name']} missing")
    return values


def _converted(param: dict[str, Any], word: str) -> Any:
    """``word`` as the parameter's value, when Click would accept it."""
    kind = param["value"]
    if kind[0] == "string":
        return word
    if kind[0] == "choice":
        case_sensitive, choices = kind[1], kind[2]
        if case_sensitive and word in choices:
            return word
        raise Unsure(word)
    if kind[0] == "int":
        low, high, low_open, high_open, clamp = kind[1:]
        if clamp:
            raise Unsure("clamped")
        try:
            number = int(word)  # what Click's INT does
        except ValueError:
            raise Unsure(word) from None
        if low is not None and (number <= low if low_open else number < low):
            raise Unsure(word)
        if high is not None and (number >= high if high_open else number > high):
            raise Unsure(word)
        return number
    if kind == ["path", False, True, True, True, False, False, False]:
        # Typer's path: when it exists, it must be readable.
        try:
            os.stat(word)
        except OSError:
            return Path(word)
        except ValueError:
            raise Unsure(word) from None
        if not os.access(word, os.R_OK):
            raise Unsure(word)
        return Path(word)
    raise Unsure(f"a {kind[0]} value")
