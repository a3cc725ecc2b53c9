"""Shared fixtures: every test runs against a temporary copy of a fixture chronicle."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

# Property tests check what is true, not how fast examples come: on a busy 2-core machine
# Hypothesis's per-example deadline and its "generation is slow" check fail tests that
# are right, so neither applies.
settings.register_profile(
    "chronicle", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("chronicle")

# Tests of Ctrl-C send SIGINT to the chronicle processes they start. A test run started as
# a background job (`pytest &`) ignores SIGINT, its children inherit that, and chronicle
# then rightly leaves it ignored: give children the disposition of a terminal's
# foreground job, as a user's shell would.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

TESTS = Path(__file__).parent
DATA = TESTS / "data"
REPO = TESTS.parent


def generator() -> Callable[..., object]:
    """``generate`` of ``benchmarks/generate.py``: synthetic chronicles of any size."""
    import importlib.util
    import sys

    path = REPO / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("chronicle_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate  # type: ignore[no-any-return]


def copy_chronicle(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.sqlite*", "whoosh"))
    return dest


@pytest.fixture(autouse=True)
def chronicle_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of tests/data/basic, found through $CHRONICLE_ROOT."""
    root = copy_chronicle(DATA / "basic", tmp_path / "chronicle")
    monkeypatch.setenv("CHRONICLE_ROOT", str(root))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CHRONICLE_DEBUG", raising=False)
    # A user's CHRONICLE_WATCH=1 would start background watchers from the tests.
    monkeypatch.delenv("CHRONICLE_WATCH", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return root


@pytest.fixture
def sample_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample chronicle shipped at the repository's root."""
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copy(REPO / "chronicle.yaml", root / "chronicle.yaml")
    (root / "index").mkdir()
    monkeypatch.setenv("CHRONICLE_ROOT", str(root))
    return root


@pytest.fixture
def uncurated(sample_root: Path) -> Path:
    """The sample chronicle without its names: block."""
    config_path = sample_root / "chronicle.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.pop("names", None)
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return sample_root


@pytest.fixture
def broken_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A chronicle with one good entry and one file for each kind of mistake."""
    root = copy_chronicle(DATA / "broken", tmp_path / "broken")
    monkeypatch.setenv("CHRONICLE_ROOT", str(root))
    return root


@pytest.fixture
def cli() -> Callable[..., object]:
    """Run the chronicle CLI in-process: ``cli("list", "--year", "2014")``."""
    from chronicle.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> object:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


class Expired(BaseException):
    """Raised by the alarm; not an OSError, so no ``except OSError`` can swallow it."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a test that runs past 20 s instead of letting it hang the suite."""

    def expire(signum: int, frame: object) -> None:
        raise Expired("still running after 20 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


#: The variables that steer chronicle's answer: the completion protocol's, and those that
#: change how Rich and Typer lay out or colour a help screen.
STEERING_VARIABLES = (
    "_CHRONICLE_COMPLETE", "COMP_WORDS", "COMP_CWORD", "_TYPER_COMPLETE_ARGS",
    "_TYPER_COMPLETE_FISH_ACTION", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM",
    "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERMINAL_WIDTH", "PY_COLORS",
    "GITHUB_ACTIONS", "_TYPER_FORCE_DISABLE_TERMINAL",
)


@pytest.fixture
def asking(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           ) -> Callable[[list[str], dict[str, str], bool], tuple[str, object]]:
    """Run chronicle in-process with ``argv`` and only these of `STEERING_VARIABLES`,
    through the fast path (`chronicle.fastpath.answer`: None when it leaves the answer
    to Typer) or through Typer: (stdout, exit status)."""

    def ask(argv: list[str], env: dict[str, str], fast: bool) -> tuple[str, object]:
        for name in STEERING_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        status: object
        if fast:
            from chronicle import fastpath

            status = fastpath.answer(argv, os.environ)
        else:
            from chronicle.cli import main

            monkeypatch.setattr(sys, "argv", ["chronicle", *argv])
            try:
                main()
                status = 0
            except SystemExit as done:
                status = done.code
        return capsys.readouterr().out, status

    return ask
