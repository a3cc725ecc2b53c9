"""``list --format json/csv/yaml`` of every entry (no --limit) is written as it is read
from the catalog, and is byte for byte what the whole-list writers make of `select`'s
entries, in every scope and order, to a pipe and as UTF-8 bytes alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronicle.api import Chronicle
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.config import find_chronicle
from chronicle.formats import writer
from chronicle.query import Filters
from conftest import generator
from test_export_stream import ODD_ENTRIES


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("liststream") / "chron"
    generator()(root, 400, seed=3, invalid=2)
    for name, text in ODD_ENTRIES.items():
        if name != "deep.yaml":  # deep time takes the whole-list road: checked below
            (root / "entries" / name).write_text(text, encoding="utf-8")
    return root


SCOPES = {
    "all": ([], Filters()),
    "year": (["--year", "2001"], Filters.build(year="2001")),
    "span reversed": (["--from", "1900", "--to", "1950", "--reverse"],
                      Filters.build(from_="1900", to="1950")),
    "reversed": (["--reverse"], Filters()),
    "nothing": (["--year", "3999"], Filters.build(year="3999")),
    "tag": (["--tag", "trade"], Filters.build(tags=["trade"])),
    "limit": (["--limit", "7"], Filters()),
}


def expected(root: Path, fmt: str, filters: Filters, args: list[str]) -> str:
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else None
    with Chronicle(find_chronicle(root)) as book:
        entries = book.select(filters, limit=limit, reverse="--reverse" in args).entries
    return str(writer("list", fmt)(entries))


def listed(root: Path, *args: str, stdout: io.TextIOWrapper | None = None) -> tuple[int, str]:
    env = Environment(environ={"CHRONICLE_WATCH": "0"}, stdout=stdout) if stdout else None
    result = CliRunner().invoke(app, ["--root", str(root), "list", *args], obj=env,
                                env={"CHRONICLE_WATCH": "0"}, catch_exceptions=False)
    # The bytes: Click's stdout turns CSV's CRLF into LF.
    return result.exit_code, result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv", "yaml"])
@pytest.mark.parametrize("scope", SCOPES)
def test_list_writes_the_whole_list_text(generated: Path, fmt: str, scope: str) -> None:
    args, filters = SCOPES[scope]
    want = expected(generated, fmt, filters, args)
    code, text = listed(generated, *args, "--format", fmt)
    assert text == want
    assert code == (1 if scope == "nothing" else 0)
    if scope != "nothing":
        assert want.count("\n") > 3


def test_json_as_utf8_bytes(generated: Path) -> None:
    """To a UTF-8 pipe the stored bytes are written as they are: the same text."""
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    code, _ = listed(generated, "--format", "json", "--reverse", stdout=out)
    out.flush()
    assert code == 0
    assert buffer.getvalue().decode("utf-8") == expected(generated, "json", Filters(),
                                                         ["--reverse"])


def test_the_stream_reads_as_it_writes(generated: Path) -> None:
    with Chronicle(find_chronicle(generated)) as book:
        streamed = book.stream("yaml", Filters())
        assert streamed is not None
        first = next(streamed.chunks)
        assert streamed.count == 256 and first.startswith("- id: ")


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_deep_time_in_order(generated: Path, tmp_path: Path,
                                             fmt: str) -> None:
    import shutil

    root = Path(shutil.copytree(generated, tmp_path / "deep"))
    (root / "entries" / "deep.yaml").write_text(ODD_ENTRIES["deep.yaml"], encoding="utf-8")
    code, text = listed(root, "--format", fmt)
    assert code == 0 and text == expected(root, fmt, Filters(), [])
    assert "Deep time" in text
