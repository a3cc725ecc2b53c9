"""The hint that ``chronicle watch`` exists, after a slow check of entries/: given on a
terminal's stderr once a day per chronicle, never on stdout, never when the user has
said whether to watch (``watch:``, ``$CHRONICLE_WATCH``), never where no watcher could
work. No timing is measured here: the threshold is set to nothing instead."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from chronicle import config, watch_advice
from chronicle.catalog import open_catalog
from chronicle.config import find_chronicle
from terminal import read_terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_checks_left(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(watch_advice, "checks", {})
    yield


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every full check counts as slow."""
    monkeypatch.setattr(watch_advice, "SLOW_CHECK_S", 0.0)


def check(root: Path, **options: Any) -> None:
    """A command's freshness check of ``root``."""
    chronicle = find_chronicle(root)
    with open_catalog(chronicle) as catalog:
        catalog.refresh(**options)


def advised(now: float | None = None, **environ: str) -> str:
    stream = Terminal()
    watch_advice.advise(stream, environ, now)
    return stream.getvalue()


def test_a_slow_check_is_followed_by_one_hint_on_a_terminal(
        chronicle_root: Path, slow: None) -> None:
    check(chronicle_root)
    files = len(list((chronicle_root / "entries").rglob("*.yaml")))
    text = advised()
    assert text.startswith(f"Hint: checking {files:,} entry files for changes took ")
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "watch: true" in text and "chronicle watch" in text and "watch: false" in text
    assert (chronicle_root / "index" / watch_advice.MARKER_NAME).is_file()
    # Said once: the checks noted are used up.
    assert advised() == ""


def test_a_chronicle_large_enough_for_a_watcher_by_default_gets_no_hint(
        chronicle_root: Path, slow: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # There the command starts a watcher itself (or one runs and was busy): nothing to
    # advise.
    files = len(list((chronicle_root / "entries").rglob("*.yaml")))
    monkeypatch.setattr(config, "AUTO_WATCH_FILES", files)
    check(chronicle_root)
    assert watch_advice.checked_files(find_chronicle(chronicle_root)) == files
    assert advised() == ""
    monkeypatch.setattr(config, "AUTO_WATCH_FILES", files + 1)
    check(chronicle_root)
    assert advised().startswith(f"Hint: checking {files:,} entry files")
    # Where the file system cannot be known (outside Linux) none starts by itself: the
    # hint still says that one can.
    from chronicle import watch_control

    monkeypatch.setattr(config, "AUTO_WATCH_FILES", files)
    monkeypatch.setattr(watch_control, "filesystem_type", lambda path, table=None: None)
    check(chronicle_root)
    assert advised(time.time() + 2 * watch_advice.ONCE_EVERY_S).startswith("Hint: checking")


def test_a_quick_check_gives_no_hint(chronicle_root: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch_advice, "SLOW_CHECK_S", 3600.0)
    check(chronicle_root)
    assert advised() == ""
    assert not (chronicle_root / "index" / watch_advice.MARKER_NAME).exists()


def test_at_most_once_a_day_per_chronicle(chronicle_root: Path, slow: None,
                                          tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "entries").mkdir(parents=True)
    (other / "entries" / "a.yaml").write_text("title: A\ndate: 2001\n")
    now = time.time()
    check(chronicle_root)
    assert advised(now)
    check(chronicle_root)
    assert advised(now + 60) == ""
    assert advised(now + 23 * 3600) == ""  # nothing noted: nothing said
    check(chronicle_root)
    assert advised(now + 23 * 3600) == ""
    # Another chronicle has its own day.
    check(other)
    assert advised(now + 23 * 3600).startswith("Hint: checking 1 entry files")
    check(chronicle_root)
    assert advised(now + 25 * 3600)


def test_no_hint_once_the_user_has_said_whether_to_watch(
        chronicle_root: Path, slow: None) -> None:
    config = chronicle_root / "chronicle.yaml"
    original = config.read_text() if config.exists() else ""
    for setting in ("watch: false", "watch: true"):
        config.write_text(original + f"\n{setting}\n")
        check(chronicle_root)
        assert advised() == "", setting
    config.write_text(original)
    for value in ("0", "1", "false"):
        check(chronicle_root)
        assert advised(CHRONICLE_WATCH=value) == "", value
    assert not (chronicle_root / "index" / watch_advice.MARKER_NAME).exists()
    check(chronicle_root)
    assert advised(CHRONICLE_WATCH="")  # empty: not set


def test_no_hint_when_stderr_is_not_a_terminal(chronicle_root: Path, slow: None) -> None:
    check(chronicle_root)
    piped = io.StringIO()
    watch_advice.advise(piped, {})
    assert piped.getvalue() == ""
    assert not (chronicle_root / "index" / watch_advice.MARKER_NAME).exists()


def test_checks_a_watcher_would_not_spare_give_no_hint(chronicle_root: Path,
                                                       slow: None) -> None:
    check(chronicle_root, trust_watcher=False)  # the watcher's own, or a repair
    check(chronicle_root, paths=["x.yaml"])  # a command naming the files it wrote
    assert advised() == ""


def test_a_read_only_chronicle_gets_no_hint_and_no_error(
        chronicle_root: Path, slow: None, monkeypatch: pytest.MonkeyPatch) -> None:
    index = find_chronicle(chronicle_root).index_dir
    check(chronicle_root)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == index
                        else real_access(path, mode, **kw))
    assert advised() == ""
    assert not (index / watch_advice.MARKER_NAME).exists()


def test_a_hint_that_cannot_be_remembered_is_not_given(chronicle_root: Path,
                                                       slow: None) -> None:
    # As root, permissions do not stop a write: a folder where the file goes does.
    marker = find_chronicle(chronicle_root).index_dir / watch_advice.MARKER_NAME
    check(chronicle_root)
    marker.mkdir(parents=True)
    os.utime(marker, (0, 0))
    assert advised() == ""
    marker.rmdir()
    marker.symlink_to("elsewhere")  # never followed
    check(chronicle_root)
    assert advised() == ""
    assert not (marker.parent / "elsewhere").exists()


_RUN_ON_A_TERMINAL = """
import sys
from chronicle import config, watch_advice
watch_advice.SLOW_CHECK_S = 0.0
sys.argv = ["chronicle", *sys.argv[1:]]
from chronicle.cli import main
main()
"""


def _run(args: list[str], root: Path, stderr_terminal: bool) -> tuple[bytes, bytes]:
    """stdout (a pipe) and stderr (a pseudo-terminal or a pipe) of a real run."""
    import pty

    env = {k: v for k, v in os.environ.items() if k != "CHRONICLE_WATCH"}
    env["CHRONICLE_ROOT"] = str(root)
    if not stderr_terminal:
        done = subprocess.run([sys.executable, "-c", _RUN_ON_A_TERMINAL, *args], env=env,
                              capture_output=True, timeout=60)
        return done.stdout, done.stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", _RUN_ON_A_TERMINAL, *args], env=env,
                               stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL)
    os.close(secondary)
    out = process.stdout.read() if process.stdout else b""
    err = read_terminal(main)
    process.wait(timeout=60)
    return out, err


def test_a_real_command_hints_on_its_terminal_stderr_and_leaves_stdout_alone(
        chronicle_root: Path) -> None:
    subprocess.run([sys.executable, "-m", "chronicle", "index"], check=True,
                   capture_output=True, env={**os.environ, "CHRONICLE_ROOT": str(chronicle_root)})
    expected = subprocess.run([sys.executable, "-m", "chronicle", "list", "--format", "ids"],
                              check=True, capture_output=True,
                              env={**os.environ, "CHRONICLE_ROOT": str(chronicle_root)}).stdout
    out, err = _run(["list", "--format", "ids"], chronicle_root, stderr_terminal=False)
    assert out == expected and b"Hint" not in err
    out, err = _run(["list", "--format", "ids"], chronicle_root, stderr_terminal=True)
    assert out == expected
    assert err.count(b"Hint: checking") == 1 and b"watch: true" in err
    out, err = _run(["list", "--format", "ids"], chronicle_root, stderr_terminal=True)
    assert out == expected and b"Hint" not in err  # once a day
