"""The standard streams as callers leave them: closed, in an encoding that cannot hold
the text, or a full device. Real processes, as a shell starts them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Fast-path and Typer-path command lines (``--limit=5`` is read by Typer only).
COMMANDS = (
    ["search", "Aliyev"],
    ["search", "Aliyev", "--limit=5"],
    ["list"],
    ["timeline", "--year", "2014"],
    ["stats", "--by", "person"],
    ["show", "2014-04-17-tashmay-park-opening"],
    ["names"],
    ["export", "--format", "json"],
    ["--version"],
    ["--help"],
    ["search", "--help"],
)


def run(args: list[str], root: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CHRONICLE_ROOT": str(root), "COLUMNS": "100"}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.run([sys.executable, "-m", "chronicle", *args], env=env,
                          capture_output="stdout" not in kwargs, timeout=120,
                          **kwargs)  # type: ignore[call-overload]


def close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_stdout_is_no_failure_and_reaches_no_file(sample_root: Path,
                                                         args: list[str]) -> None:
    ids_before = run(["list", "--format", "ids"], sample_root).stdout
    done = subprocess.run([sys.executable, "-m", "chronicle", *args],
                          env={**os.environ, "CHRONICLE_ROOT": str(sample_root)},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          preexec_fn=close_stdout, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b"Error" not in done.stderr and b"Traceback" not in done.stderr
    # Nothing meant for stdout went into the catalog or the entries.
    after = run(["list", "--format", "ids"], sample_root)
    assert after.returncode == 0 and after.stdout == ids_before
    assert run(["check"], sample_root).returncode == 0


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_text_the_encoding_cannot_hold_is_escaped(sample_root: Path,
                                                  args: list[str]) -> None:
    done = run(args, sample_root, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and b"Error" not in done.stderr
    done.stdout.decode("ascii")
    if args[:2] == ["search", "Aliyev"]:
        assert b"\\u2026" in done.stdout  # the snippet's ellipsis, as an escape


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_device_is_one_line(sample_root: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = run(args, sample_root, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines()[-1] == (
        "Error: cannot write: no space left on device")
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
