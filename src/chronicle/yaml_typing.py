"""What other YAML readers make of a plain (unquoted) scalar. No I/O.

Entry files outlive chronicle and are read by other programs: PyYAML's ``safe_load``
(YAML 1.1: ``0602`` is the octal number 386, ``yes`` is true, ``1:30`` is 90) and YAML 1.2
readers such as ruamel.yaml (``1e3`` is a float, ``0o17`` an integer). A value is written
plain only when every one of them reads it back as the same text; otherwise it is quoted.
``check`` uses the same judgement to warn about hand-written files.
"""

from __future__ import annotations

import functools
import re
from typing import Any

STR_TAG = "tag:yaml.org,2002:str"

# Every implicit type of YAML 1.2's core schema, widened to what YAML 1.2 and 1.1 readers
# accept beyond it (underscores in numbers, 0o/0b/0x prefixes, sexagesimal numbers, the
# 1.1 booleans y/n that PyYAML itself leaves as text, timestamps with one-digit parts).
# Too wide errs on the side of quoting, which every reader reads as text.
_TYPED_SOURCES: list[tuple[str, str, int]] = [
    ("nothing", r"~|null|Null|NULL|", 0),
    (
        "true/false",
        r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        0,
    ),
    (
        "a number",
        r"""[-+]?(?:
                0b[01_]+
              | 0o?[0-7_]+
              | 0x[0-9a-fA-F_]+
              | [0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
              | \.[0-9_]+(?:[eE][-+]?[0-9]+)?
              | \.(?:inf|Inf|INF)
            )
            | \.(?:nan|NaN|NAN)""",
        re.X,
    ),
    ("a date", r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9].*)?", re.S),
    ("a merge key", r"<<|=", 0),
]


@functools.cache
def _typed() -> list[tuple[str, re.Pattern[str]]]:
    # Compiled when first needed: most commands load this module (with the store) and
    # never judge a scalar.
    return [(kind, re.compile(pattern, flags)) for kind, pattern, flags in _TYPED_SOURCES]


@functools.lru_cache(maxsize=1)
def _resolver() -> Any:
    import yaml

    return yaml.resolver.Resolver()


def yaml11_tag(text: str) -> str:
    """The tag PyYAML (YAML 1.1, as ``safe_load`` and chronicle read) gives plain ``text``."""
    import yaml

    tag: str = _resolver().resolve(yaml.ScalarNode, text, (True, False))
    return tag


# Every implicitly typed scalar starts with one of these (or is empty): a fast way out
# for the titles and names that make up most of a chronicle.
_TYPED_FIRST = frozenset("~nNyYtTfFoO0123456789+-.<=")


def other_kind(text: str) -> str | None:
    """What some YAML 1.1 or 1.2 reader reads plain ``text`` as, when that is not text."""
    if text and text[0] not in _TYPED_FIRST:
        return None
    for kind, pattern in _typed():
        if pattern.fullmatch(text):
            return kind
    if yaml11_tag(text) != STR_TAG:
        return "a typed value"
    return None


def reads_as_text(text: str) -> bool:
    """True when every YAML reader reads ``text``, written plain, as this very text."""
    return other_kind(text) is None


@functools.cache
def _core() -> tuple[re.Pattern[str], ...]:
    """YAML 1.2's integer, octal, hexadecimal, float, infinity, not-a-number and date
    (compiled when first needed)."""
    return tuple(re.compile(pattern) for pattern in (
        r"[-+]?[0-9]+",
        r"0o([0-7]+)",
        r"0x([0-9a-fA-F]+)",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?",
        r"([-+]?)\.(?:inf|Inf|INF)",
        r"\.(?:nan|NaN|NAN)",
        r"([0-9]{4})-([0-9]{2})-([0-9]{2})",
    ))

_UNREADABLE = object()


def yaml12_value(text: str) -> object:
    """Plain ``text`` as a YAML 1.2 core-schema reader constructs it (plus dates)."""
    import datetime

    core_int, core_oct, core_hex, core_float, core_inf, core_nan, core_date = _core()
    try:
        if text in ("~", "null", "Null", "NULL", ""):
            return None
        if text in ("true", "True", "TRUE"):
            return True
        if text in ("false", "False", "FALSE"):
            return False
        if core_int.fullmatch(text):
            return int(text)
        if match := core_oct.fullmatch(text):
            return int(match[1], 8)
        if match := core_hex.fullmatch(text):
            return int(match[1], 16)
        if core_float.fullmatch(text):
            return float(text)
        if match := core_inf.fullmatch(text):
            return float(f"{match[1]}inf")
        if core_nan.fullmatch(text):
            return float("nan")
        if match := core_date.fullmatch(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return _UNREADABLE
    return text


def yaml11_value(text: str) -> object:
    """Plain ``text`` as PyYAML's ``safe_load`` constructs it."""
    import yaml

    tag = yaml11_tag(text)
    if tag == STR_TAG:
        return text
    try:
        return yaml.constructor.SafeConstructor().construct_object(
            yaml.ScalarNode(tag, text), deep=True
        )
    except Exception:  # noqa: BLE001 - whatever the reader fails with, it cannot read it
        return _UNREADABLE


def describe(value: object) -> str:
    """A reader's value in words: ``the number 386``, ``true``, ``an error``."""
    if value is _UNREADABLE:
        return "an error"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "nothing (null)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if hasattr(value, "isoformat"):
        return f"the date {value.isoformat()}"
    return f"the text '{value}'"


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def trap(text: str, *, as_text: bool, as_date: bool = False) -> str | None:
    """Why plain ``text`` reads differently in some YAML reader, or None when it does not.

    ``as_text``: chronicle reads the value as text whatever YAML would type it as (titles,
    names, dates); otherwise chronicle keeps YAML 1.1's typing (custom fields).
    ``as_date``: a date, for which a reader's number or date of the same value is fine
    (``1914``, ``2014-04-17``), but not ``0602`` (octal 386) or ``0000-03-15`` (no year 0).
    """
    if reads_as_text(text):
        return None
    v11 = yaml11_value(text)
    v12 = yaml12_value(text)
    if as_date:
        from chronicle.dates import DateError, PartialDate

        try:
            PartialDate.parse(text)
        except DateError:
            return None  # not a date at all: chronicle's own error says so
        readings = [v for v in (v11, v12) if not _reads_as_date(v, text)]
    elif as_text:
        readings = [v for v in (v11, v12) if not _same(v, text)]
        if not readings and not reads_as_text(text):
            return f"other YAML readers read '{text}' as {other_kind(text)}"
    else:
        readings = [] if _same(v11, v12) else [v11, v12]
    if not readings:
        return None
    if as_text or as_date:
        if readings[0] is v11:
            return f"PyYAML (YAML 1.1) {_reads(v11, text, 's')}"
        return f"YAML 1.2 readers {_reads(v12, text, '')}"
    return (
        f"PyYAML (YAML 1.1) reads '{text}' as {describe(v11)}, "
        f"YAML 1.2 readers as {describe(v12)}"
    )


def _reads(value: object, text: str, s: str) -> str:
    if value is _UNREADABLE:
        return f"fail{s} on '{text}'"
    return f"read{s} '{text}' as {describe(value)}"


def _reads_as_date(value: object, text: str) -> bool:
    if isinstance(value, str):
        return value == text
    if isinstance(value, bool) or value is _UNREADABLE:
        return False
    if isinstance(value, int):
        return str(value) == text
    # A date or datetime object is the moment written (chronicle refuses time zones).
    return hasattr(value, "isoformat")
