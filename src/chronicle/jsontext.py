"""JSON every reader reads: never ``NaN`` or ``Infinity``, which Python's json writes by
default and the JSON standard (and ``jq``, JavaScript's ``JSON.parse``) refuses.

Entry files keep such values as text (``check`` warns about them), so these are a last
guard for values made elsewhere (an import, a float worked out). No I/O.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

#: How a value that is no finite number is written: as YAML spells it, as text.
NON_FINITE_TEXT = {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}


def finite(value: Any) -> Any:
    """``value`` with every non-finite float, at any depth, as its text (``.inf``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else NON_FINITE_TEXT[repr(value)]
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` that writes standard JSON whatever ``value`` holds."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **options)


def encoder(**options: Any) -> Callable[[Any], str]:
    """A reusable ``dumps`` (json's C encoder, made once) for writing many values."""
    encode = json.JSONEncoder(allow_nan=False, **options).encode

    def dump(value: Any) -> str:
        try:
            return encode(value)
        except ValueError:
            return encode(finite(value))

    return dump


def parse_number(text: str) -> float | str:
    """A JSON number too large for a float (``1e400``) kept as the text written."""
    number = float(text)
    return number if math.isfinite(number) else text


#: Depth named when JSON nests deeper than Python can read (as entry files are refused
#: past it: `chronicle.store.parsing`).
MAX_DEPTH = 100


def loads(text: str) -> Any:
    """``json.loads`` that reads ``NaN``/``Infinity`` (which Python's json accepts) and
    numbers beyond a float (``1e400``) as the text written, not as values no export
    could write back. Values nested deeper than Python can read are a
    ``json.JSONDecodeError`` at the first one past `MAX_DEPTH`, not a RecursionError."""
    try:
        return json.loads(text, parse_float=parse_number, parse_constant=str)
    except RecursionError:
        raise json.JSONDecodeError(f"values nested over {MAX_DEPTH} deep", text,
                                   _past_depth(text)) from None


def _past_depth(text: str) -> int:
    """Where ``text`` first opens a value deeper than `MAX_DEPTH` (brackets inside
    strings do not count)."""
    depth, quoted, escaped = 0, False, False
    for position, char in enumerate(text):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return position
        elif char in "]}":
            depth -= 1
    return 0
