"""No output is non-standard JSON: a YAML ``.inf``, ``.nan`` or ``1.0e+400`` (a float
beyond range) is kept as the text written and warned about, never written as
``Infinity``/``NaN``, which jq, JavaScript and the JSON standard refuse."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

HOSTILE = """\
title: Numbers out of range
date: "2014-05-01"
mass: 1.0e+400
small: -1.0e+400
missing: .nan
plain: 1e400
rising: [1, .inf, {deep: .NaN}]
nested: {a: {b: -.Inf}}
big: 123456789012345678901234567890
ok: 2.5
"""


def strict_loads(text: str) -> Any:
    """JSON as the standard has it: NaN and Infinity are errors."""

    def refuse(name: str) -> Any:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def hostile(chronicle_root: Path) -> Path:
    path = chronicle_root / "entries" / "2014" / "numbers.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


EXPECTED = {
    "mass": "1.0e+400",
    "small": "-1.0e+400",
    "missing": ".nan",
    "plain": "1e400",
    "rising": [1, ".inf", {"deep": ".NaN"}],
    "nested": {"a": {"b": "-.Inf"}},
    "big": 123456789012345678901234567890,
    "ok": 2.5,
}


def test_check_warns_with_file_and_line(cli: Any, hostile: Path) -> None:
    shown = cli("check").stdout
    for line, field in ((3, "mass"), (4, "small"), (5, "missing"), (7, "rising"), (8, "nested")):
        assert re.search(
            rf"entries/2014/numbers\.yaml:{line}: warning: {field}: '[^']+' is no finite number",
            shown,
        ), (field, shown)
    assert "numbers.yaml:10: warning: ok:" not in shown


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "json"],
        ["show", "numbers", "--format", "json"],
        ["search", "Numbers", "--format", "json"],
        ["export", "--format", "json"],
    ],
)
def test_json_outputs_keep_the_text(cli: Any, hostile: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    data = strict_loads(result.stdout)
    rows = data if isinstance(data, list) else [data]
    row = next(row for row in rows if row["id"] == "2014/numbers")
    for key, value in EXPECTED.items():
        assert row[key] == value, key


def test_every_export_format_is_standard(cli: Any, hostile: Path) -> None:
    for line in cli("export", "--format", "jsonl").stdout.splitlines():
        strict_loads(line)
    strict_loads(cli("export", "--format", "timelinejs").stdout)
    page = cli("export", "--format", "html").stdout
    block = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert block is not None
    strict_loads(block.group(1))
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout)))
    row = next(row for row in rows if row["id"] == "2014/numbers")
    assert strict_loads(row["mass"]) == "1.0e+400" and row["missing"] == ".nan"
    strict_loads(row["rising"]) and strict_loads(row["nested"])
    calendar = cli("export", "--format", "ics").stdout.replace("\r\n ", "")
    assert not re.search(r"[:\[,]\s*-?(NaN|Infinity)\b", calendar), calendar
    fields = re.search(r"X-CHRONICLE-FIELDS:(.*)", calendar)
    assert fields is not None
    strict_loads(fields.group(1).strip().replace("\\,", ",").replace("\\;", ";"))


def test_an_import_keeps_out_of_range_numbers_as_text(
    cli: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    # Python's json reads NaN, Infinity and 1e400 (as inf); they must not come back out.
    source = tmp_path / "in.json"
    source.write_text(
        '[{"title": "Imported numbers", "date": "2015", "a": NaN, "b": -Infinity, '
        '"c": 1e400, "d": [1.5, 2e999]}]'
    )
    result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr
    exported = strict_loads(cli("export", "--format", "json").stdout)
    row = next(row for row in exported if row["title"] == "Imported numbers")
    assert (row["a"], row["b"], row["c"], row["d"]) == ("NaN", "-Infinity", "1e400", [1.5, "2e999"])
    assert "Infinity" not in cli("check").stdout.replace("-Infinity'", "")


def test_dumps_never_writes_non_standard_json() -> None:
    from chronicle import jsontext

    value = {"x": [float("inf"), {"y": float("nan")}], "z": -float("inf"), "w": 1.5}
    assert strict_loads(jsontext.dumps(value)) == {
        "x": [".inf", {"y": ".nan"}], "z": "-.inf", "w": 1.5}
    assert strict_loads(jsontext.encoder()(value))["z"] == "-.inf"
    assert jsontext.dumps({"a": 1}) == json.dumps({"a": 1})
