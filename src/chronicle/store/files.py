"""Finding and reading entry files: the stat scan of ``entries/`` every command starts
from, file signatures (what says a file changed), ids from paths, and a file's text.
Links that loop or lead nowhere, FIFOs and folders reached twice are reported per path,
never followed twice; only regular files of a sane size are read.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from chronicle.model import Problem

ENTRY_SUFFIXES = (".yaml", ".yml")


def file_signature(stat: os.stat_result) -> str:
    """What says a file changed: its times and size."""
    # ctime changes on every write and cannot be set back by tools that preserve
    # mtime (cp -p, rsync -t), so together they catch every edit.
    return f"{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_size}"


#: A scan's "signature" of a path that cannot be read as an entry starts with this mark
#: and goes on with the problem, so every command reports it the same way.
UNREADABLE = "!"


def is_entry_name(name: str) -> bool:
    return not name.startswith(".") and name.endswith(ENTRY_SUFFIXES)


def _link_problem(path: str, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return f"{UNREADABLE}is a symbolic link that loops"
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"{UNREADABLE}is a symbolic link to nothing ({target})"
    return f"{UNREADABLE}cannot be read: {err.strerror or err}"


def stat_entry_file(path: Path | str) -> str:
    """The signature of one entry file, or ``UNREADABLE`` and why it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError as err:
        if os.path.islink(path):
            return _link_problem(str(path), err)
        raise
    if not S_ISREG(stat.st_mode):
        return f"{UNREADABLE}is not a regular file"
    return file_signature(stat)


def scan_entry_files(entries_dir: Path) -> dict[str, str]:
    """``{path under entries/: signature}`` for every entry file, by stat alone.

    Each real folder is read once: a link to a folder already read (a loop such as
    ``ln -s .. entries/loop``, or a second way into one folder) is reported in place of
    its files, as are links to nothing, links that loop, links up to a folder holding
    ``entries/`` (the chronicle's own folder, with its ``chronicle.yaml`` and ``index/``)
    and anything that is not a regular file (a FIFO would block the reader). A link to
    a folder elsewhere (a shared folder of entries) is followed. Such paths get a signature starting
    with ``UNREADABLE``; folders reported so end with ``/``. Hidden files and folders
    (editor swap files, ``.git``) are skipped.
    """
    found: dict[str, str] = {}
    try:
        root = os.stat(entries_dir)
    except OSError:
        return found
    if not S_ISDIR(root.st_mode):
        return found
    seen: dict[tuple[int, int], str] = {(root.st_dev, root.st_ino): entries_dir.name + "/"}
    real_entries = os.path.realpath(entries_dir)
    stack: list[tuple[str, str]] = [(str(entries_dir), "")]
    # Linked folders are followed only once every real folder is read, so a folder is
    # known by its real path, not by a link to it that happens to come first.
    links: list[tuple[str, str]] = []
    while stack or links:
        if not stack:
            path, relpath = links.pop()
            try:
                stat = os.stat(path)
            except OSError as err:
                found[relpath + "/"] = _link_problem(path, err)
                continue
            key = (stat.st_dev, stat.st_ino)
            if key in seen:
                found[relpath + "/"] = (
                    f"{UNREADABLE}is a link to a folder already read ({seen[key]})"
                )
                continue
            if _holds(os.path.realpath(path), real_entries):
                # A link up to the chronicle's folder (or further) would read the
                # chronicle from outside entries/: chronicle.yaml, index/ drafts.
                found[relpath + "/"] = (
                    f"{UNREADABLE}is a symbolic link that loops (to a folder holding "
                    f"{entries_dir.name}/)"
                )
                continue
            seen[key] = f"{entries_dir.name}/{relpath}/"
            stack.append((path, relpath + "/"))
            continue
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = list(listing)
        except OSError as err:
            if prefix:
                found[prefix] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
            continue
        for item in items:
            name = item.name
            if name[0] == ".":
                continue
            relpath = prefix + name
            try:
                # Entry files far outnumber folders: test the cheap name first.
                if name.endswith(ENTRY_SUFFIXES):
                    found[relpath] = stat_entry_file(item.path)
                elif item.is_symlink():
                    if item.is_dir():
                        links.append((item.path, relpath))
                    elif not os.path.exists(item.path) and "." not in name:
                        # Perhaps a link to a folder that is gone.
                        found[relpath + "/"] = _link_problem(item.path, _stat_error(item.path))
                elif item.is_dir(follow_symlinks=False):
                    stat = item.stat(follow_symlinks=False)
                    key = (stat.st_dev, stat.st_ino)
                    if key in seen:
                        found[relpath + "/"] = f"{UNREADABLE}is a folder already read ({seen[key]})"
                        continue
                    seen[key] = f"{entries_dir.name}/{relpath}/"
                    stack.append((item.path, relpath + "/"))
            except OSError as err:
                found[relpath] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
    return found


def _holds(folder: str, inner: str) -> bool:
    """Whether real path ``folder`` is ``inner`` or one of its ancestors."""
    return inner == folder or inner.startswith(folder.rstrip(os.sep) + os.sep)


def _stat_error(path: str) -> OSError:
    try:
        os.stat(path)
    except OSError as err:
        return err
    return OSError(errno.EIO, "cannot be read")


def iter_entry_files(entries_dir: Path) -> Iterator[Path]:
    """Every readable entry file below ``entries/``, in a stable order.

    See ``scan_entry_files`` for what is left out.
    """
    for relpath, signature in sorted(scan_entry_files(entries_dir).items()):
        if not signature.startswith(UNREADABLE):
            yield entries_dir / relpath


def entry_id(entries_dir: Path, path: Path) -> str:
    """The id is the path under ``entries/`` without its extension."""
    relative = path.relative_to(entries_dir).as_posix()
    return relative.rsplit(".", 1)[0]


#: Entry files larger than this are not read: a chronicle entry is a page or a few, and
#: every command would otherwise pay for a file that is most likely a mistake.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_text(path: Path, display_path: str) -> tuple[str | None, Problem | None]:
    """A file's text, or the problem that stopped it being read.

    Only regular files are read (a FIFO would block), and none over ``MAX_FILE_BYTES``.
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if os.path.islink(path):
            return None, Problem(display_path, None, _link_problem(str(path), err)[1:])
        return None, Problem(display_path, None, f"cannot be read: {err.strerror or err}")
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            return None, Problem(display_path, None, "is not a regular file")
        if stat.st_size > MAX_FILE_BYTES:
            return None, Problem(display_path, None, _too_big(stat.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        return None, Problem(display_path, None, f"cannot be read: {err.strerror or err}")
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None, Problem(display_path, None, _too_big(len(data)))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(display_path, line, "is not UTF-8 text")


def _too_big(size: int) -> str:
    return (
        f"is {size / 1_048_576:.1f} MB; entry files are limited to "
        f"{MAX_FILE_BYTES // 1_048_576} MB (split it, or keep large documents as sources)"
    )
