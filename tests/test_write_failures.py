"""A write that fails (a full disk, a read-only file system) says so in one line and
leaves every file as it was: the entry written before, no half-written file, no
temporary file."""

from __future__ import annotations

import errno
import json
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


class FailingHandle:
    """A file handle that writes part of what it is given, then reports a full disk."""

    def __init__(self, handle: Any, code: int) -> None:
        self.handle = handle
        self.code = code

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise OSError(self.code, os.strerror(self.code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> FailingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``full_disk(code, under)``: from then on, every atomic write (under the folder
    ``under``) fails half-way with ``code``."""
    from chronicle import fileio

    real_fdopen = os.fdopen

    def start(code: int = errno.ENOSPC, under: Path | None = None) -> None:
        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            target = Path(os.readlink(f"/proc/self/fd/{fd}"))
            if under is not None and not target.is_relative_to(under):
                return handle
            return FailingHandle(handle, code)

        monkeypatch.setattr(fileio.os, "fdopen", fdopen)

    yield start


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted((root / "entries").rglob("*"))
        if path.is_file()
    }


def one_error_line(result: Any, *words: str) -> str:
    lines = [line for line in result.stderr.splitlines() if "rror" in line]
    assert result.exit_code == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write "), result.stderr
    assert result.stderr.rstrip().endswith(lines[0])
    assert "Traceback" not in result.stderr and "--debug" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "no space left on device"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_add_on_a_full_disk_says_so_and_leaves_nothing(
    cli: Any, chronicle_root: Path, full_disk: Any, code: int, reason: str
) -> None:
    cli("list")
    before = snapshot(chronicle_root)
    full_disk(code)
    result = cli("add", "--title", "Exhibition opens", "--date", "2014-05-12")
    one_error_line(result, "entries/2014/2014-05-12-exhibition-opens.yaml", reason)
    assert snapshot(chronicle_root) == before


def test_edit_on_a_full_disk_keeps_the_entry_whole(
    cli: Any, chronicle_root: Path, full_disk: Any, tmp_path: Path
) -> None:
    path = chronicle_root / "entries" / "ancient" / "ides-of-march.yaml"
    before = snapshot(chronicle_root)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\np = sys.argv[1]\nt = open(p).read().replace('Assassination', 'Murder')\n"
        "open(p, 'w').write(t)\n"
    )
    full_disk(under=chronicle_root / "entries")
    result = cli(
        "edit", "ides",
        env={"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}"},
    )
    one_error_line(result, "ides-of-march.yaml", "no space left on device")
    assert snapshot(chronicle_root) == before
    assert "Assassination" in path.read_text()


def test_import_on_a_full_disk_writes_none(
    cli: Any, chronicle_root: Path, full_disk: Any, tmp_path: Path
) -> None:
    source = tmp_path / "events.json"
    source.write_text(json.dumps([
        {"title": "First imported", "date": "2015-01-02"},
        {"title": "Second imported", "date": "2015-01-03"},
    ]))
    before = snapshot(chronicle_root)
    full_disk()
    result = cli("import", str(source))
    one_error_line(result, "no space left on device")
    assert snapshot(chronicle_root) == before


@pytest.mark.parametrize("fmt", ["json", "csv", "ics", "html"])
def test_export_to_a_file_on_a_full_disk_keeps_the_old_file(
    cli: Any, full_disk: Any, tmp_path: Path, fmt: str
) -> None:
    output = tmp_path / f"out.{fmt}"
    output.write_text("the previous export\n")
    full_disk()
    result = cli("export", "--format", fmt, "-o", str(output))
    one_error_line(result, "out." + fmt, "no space left on device")
    assert output.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_a_read_only_folder_is_one_line_naming_it(
    cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A system error raised below the atomic writer (an O_EXCL claim, a mkdir) is said
    # the same way, naming the file or folder.
    from chronicle import authoring

    def refuse(path: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(authoring.Path, "mkdir", refuse)
    result = cli("add", "--title", "Elsewhere", "--date", "1999")
    one_error_line(result, "entries/1999", "read-only file system")


def test_index_on_a_full_disk_names_the_index_folder(
    cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronicle.index import lifecycle

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as Whoosh's writes fail

    with monkeypatch.context() as patched:
        patched.setattr(lifecycle, "_apply", full)
        result = cli("index", "--rebuild")
    one_error_line(result, "/index: no space left on device")
    # Nothing was lost: the next index builds, and a search answers.
    assert cli("index").exit_code == 0
    assert cli("search", "Caesar", "--format", "ids").stdout.split() == ["ancient/ides-of-march"]


def test_a_write_to_a_pipe_or_device_goes_into_it_and_leaves_it_in_place(
        tmp_path: Path) -> None:
    """``-o /dev/stdout``, a named pipe, a device: a temporary file renamed over one
    would replace it with a regular file. Such a target is written as ``>`` writes."""
    import stat
    import threading

    from chronicle.fileio import atomic_write_chunks, atomic_write_text

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"  # as /dev/stdout is a link to the descriptor
    link.symlink_to(fifo)
    for target, write in ((fifo, lambda p: atomic_write_text(p, "one\ntwo\n")),
                          (link, lambda p: atomic_write_chunks(p, [b"one\n", b"two\n"],
                                                               encoded=True))):
        got: list[bytes] = []
        reader = threading.Thread(target=lambda got=got: got.append(fifo.read_bytes()),
                                  daemon=True)
        reader.start()
        write(target)
        reader.join(10)
        assert got == [b"one\ntwo\n"]
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert link.is_symlink()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pipe", "stdout"]


def test_a_write_through_a_link_to_a_file_keeps_the_link(tmp_path: Path) -> None:
    """An entry or an export kept as a link to a file elsewhere (a shared file) is
    written where the link leads, atomically there; the link stays a link."""
    from chronicle.fileio import atomic_write_text

    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert sorted(path.name for path in shared.iterdir()) == ["real.json"]


@pytest.mark.parametrize("target", ["chronicle.yaml", "index/catalog.sqlite", "index/x.json",
                                    "entries/2014/2014-04-17-visit.yaml", "entries/new.yml"])
def test_export_never_writes_over_the_chronicle_s_own_files(
        cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(chronicle_root)
    cli("list")  # the catalog exists
    before = {path: path.read_bytes() for path in chronicle_root.rglob("*")
              if path.is_file() and "whoosh" not in str(path)}
    result = cli("export", "--format", "json", "-o", target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: -o {target} is ")
    after = {path: path.read_bytes() for path in chronicle_root.rglob("*")
             if path.is_file() and "whoosh" not in str(path)}
    assert {p: b for p, b in after.items() if p.name != "search.lock"} == {
        p: b for p, b in before.items() if p.name != "search.lock"}


@pytest.mark.parametrize("link", ["file", "folder"])
def test_export_never_writes_over_an_entry_kept_elsewhere(
        cli: Any, chronicle_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        link: str) -> None:
    """An entry kept as a link to a file elsewhere, or in a linked folder, is still an
    entry: its name is under entries/ though the file is not."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "far.yaml").write_text('title: Far\ndate: "2014"\n', encoding="utf-8")
    if link == "file":
        (chronicle_root / "entries" / "far.yaml").symlink_to(shared / "far.yaml")
        target = "entries/far.yaml"
    else:
        (chronicle_root / "entries" / "shared").symlink_to(shared)
        target = "entries/shared/far.yaml"
    monkeypatch.chdir(chronicle_root)
    result = cli("export", "--format", "json", "-o", target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: -o {target} is an entry file")
    assert (shared / "far.yaml").read_text(encoding="utf-8") == 'title: Far\ndate: "2014"\n'


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_an_export_to_dev_stdout_appends_where_the_shell_appends(
        chronicle_root: Path, tmp_path: Path, name: str) -> None:
    """``-o /dev/stdout >> log``: written through the descriptor the shell opened, so the
    log keeps what it held and what follows the command comes after the export."""
    import subprocess
    import sys

    if name.startswith("/proc") and not Path("/proc/self/fd").exists():
        pytest.skip("no /proc")
    log = tmp_path / "log"
    log.write_text("BEFORE\n", encoding="utf-8")
    script = (f'"{sys.executable}" -m chronicle export --format jsonl -o {name} >> "{log}"; '
              f'echo AFTER >> "{log}"')
    done = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True,
                          env={**os.environ, "CHRONICLE_ROOT": str(chronicle_root)},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "BEFORE" and lines[-1] == "AFTER"
    assert len(lines) > 3 and all(line.startswith("{") for line in lines[1:-1])
