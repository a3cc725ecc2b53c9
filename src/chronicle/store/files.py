"""Finding and reading entry files: the stat scan of ``entries/`` every command starts
from, file signatures (what says a file changed), ids from paths, and a file's text.
Links that loop or lead nowhere, FIFOs and folders reached twice are reported per path,
never followed twice; only regular files of a sane size are read.
"""

from __future__ import annotations

import errno
import marshal
import os
from collections.abc import Iterator
from operator import attrgetter
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


class EntryScan:
    """What one stat scan of ``entries/`` found, kept as the scan found it: per folder,
    the regular entry files' names and their stat figures (mode, mtime and ctime in
    nanoseconds, size: marshalled, which costs less to keep than 100,000 tuples), and
    apart, every path that needed a closer look (links, FIFOs, folders reached twice,
    anything that cannot be read) with its signature.

    Asking whether anything changed needs only ``digest()``; the ``{path: signature}``
    mapping (``signatures()``) is built only when something did.
    """

    __slots__ = ("beyond", "folders", "others")

    def __init__(self) -> None:
        #: ``(prefix under entries/, names, marshalled figures)`` per folder read.
        self.folders: list[tuple[str, list[str], bytes]] = []
        #: ``{path under entries/: signature}`` for the paths looked at one by one.
        self.others: dict[str, str] = {}
        #: The first entry file (or linked folder, ending in ``/``) found that a change
        #: elsewhere can reach: one read through a link, or with other names (hard
        #: links). File events come only for the path written to, so a watcher of
        #: entries/ cannot see such an entry change. Empty when there is none.
        self.beyond = ""

    def __len__(self) -> int:
        return sum(len(names) for _, names, _ in self.folders) + len(self.others)

    def digest(self) -> bytes:
        """A digest of everything ``signatures()`` holds: equal digests, equal
        signatures. The order in which folders were read does not change it.
        """
        listing = _blake2b(digest_size=DIGEST_SIZE)
        for prefix, names, figures in sorted(self.folders, key=_first):
            # Names hold neither NUL nor "/": with the count first, the text cannot be
            # read two ways; the marshalled figures say their own length.
            listing.update(f"{prefix}\0{len(names)}\0{NUL.join(names)}\0"
                           .encode("utf-8", "surrogatepass"))
            listing.update(figures)
        for relpath, signature in sorted(self.others.items()):
            listing.update(f"{relpath}\0{signature}\0".encode("utf-8", "surrogatepass"))
        return listing.digest()

    def signatures(self) -> dict[str, str]:
        """``{path under entries/: signature}``, as ``scan_entry_files`` returns it."""
        found: dict[str, str] = {}
        for prefix, names, figures in self.folders:
            for name, (mode, mtime, ctime, size) in zip(names, marshal.loads(figures),
                                                          strict=True):
                found[prefix + name] = (f"{mtime}:{ctime}:{size}" if S_ISREG(mode)
                                        else f"{UNREADABLE}is not a regular file")
        found.update(self.others)
        return found


try:
    # hashlib's own blake2b, without loading hashlib, which loads OpenSSL's library for
    # its other algorithms: every command makes this one digest and no other.
    from _blake2 import blake2b as _blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b as _blake2b

#: Bytes in ``EntryScan.digest()``.
DIGEST_SIZE = 20
NUL = "\0"
_FIGURES = attrgetter("st_mode", "st_mtime_ns", "st_ctime_ns", "st_size")
_LINKS = attrgetter("st_nlink")
#: A folder holding this file is a chronicle (`chronicle.config.CONFIG_NAME`): one below
#: entries/ is another chronicle, whose files are its own.
CHRONICLE_FILE = "chronicle.yaml"
_ANOTHER = (f"{UNREADABLE}is another chronicle (it holds {CHRONICLE_FILE}): its entries are "
            "read there")
#: Whether a folder can be listed and its files statted through one descriptor of it
#: (``fstatat``): the kernel then looks up one name per file, not every folder of its
#: path, which saves about a sixth of the scan.
_BY_DESCRIPTOR = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _first(folder: tuple[str, list[str], bytes]) -> str:
    return folder[0]


def scan_entry_files(entries_dir: Path) -> dict[str, str]:
    """``{path under entries/: signature}`` for every entry file, by stat alone.

    See ``scan_entries``, which finds the same in a compact form.
    """
    return scan_entries(entries_dir).signatures()


def scan_entries(entries_dir: Path) -> EntryScan:
    """Every entry file below ``entries/`` and its stat figures, by stat alone.

    Each real folder is read once: a link to a folder already read (a loop such as
    ``ln -s .. entries/loop``, or a second way into one folder) is reported in place of
    its files, as are links to nothing, links that loop, links up to a folder holding
    ``entries/`` (the chronicle's own folder, with its ``chronicle.yaml`` and ``index/``)
    and anything that is not a regular file (a FIFO would block the reader). A link to
    a folder elsewhere (a shared folder of entries) is followed. Such paths get a signature starting
    with ``UNREADABLE``; folders reported so end with ``/``. Hidden files and folders
    (editor swap files, ``.git``) are skipped.
    """
    scan = EntryScan()
    found = scan.others
    try:
        root = os.stat(entries_dir)
    except OSError:
        return scan
    if not S_ISDIR(root.st_mode):
        return scan
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
                folder_stat = os.stat(path)
            except OSError as err:
                found[relpath + "/"] = _link_problem(path, err)
                continue
            key = (folder_stat.st_dev, folder_stat.st_ino)
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
            if os.path.exists(os.path.join(path, CHRONICLE_FILE)):
                found[relpath + "/"] = _ANOTHER
                continue
            seen[key] = f"{entries_dir.name}/{relpath}/"
            stack.append((path, relpath + "/"))
            scan.beyond = scan.beyond or relpath + "/"
            continue
        folder, prefix = stack.pop()
        descriptor = None
        try:
            if _BY_DESCRIPTOR:
                descriptor = os.open(folder, _FOLDER_FLAGS)
            with os.scandir(folder if descriptor is None else descriptor) as listing:
                items = list(listing)
            names = _read_folder(folder, prefix, items, found, seen, stack, links,
                                 entries_dir.name)
            if names:
                read, shared = _stat_files(folder, descriptor, prefix, names, found)
                scan.folders.append(read)
                scan.beyond = scan.beyond or shared
        except OSError as err:
            if prefix:
                found[prefix] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
        finally:
            if descriptor is not None:
                os.close(descriptor)
    if not scan.beyond:
        scan.beyond = next((path for path in sorted(found)
                            if not found[path].startswith(UNREADABLE)), "")
    return scan


def _read_folder(folder: str, prefix: str, items: list[os.DirEntry[str]],
                 found: dict[str, str], seen: dict[tuple[int, int], str],
                 stack: list[tuple[str, str]], links: list[tuple[str, str]],
                 entries_name: str) -> list[str]:
    """The names of the regular entry files among ``items`` (one folder's listing);
    folders go on ``stack``, links to folders on ``links``, the rest into ``found``."""
    names: list[str] = []
    for item in items:
        name = item.name
        if name[0] == ".":
            continue
        try:
            # Entry files far outnumber folders: test the cheap name first. The file's
            # type comes with the folder's listing on most file systems (no stat): a
            # regular file is statted with the rest of its folder's files.
            if name.endswith(ENTRY_SUFFIXES):
                if item.is_file(follow_symlinks=False):
                    names.append(name)
                else:
                    found[prefix + name] = stat_entry_file(os.path.join(folder, name))
            elif item.is_symlink():
                path = os.path.join(folder, name)
                if item.is_dir():
                    links.append((path, prefix + name))
                elif not os.path.exists(path) and "." not in name:
                    # Perhaps a link to a folder that is gone.
                    found[prefix + name + "/"] = _link_problem(path, _stat_error(path))
            elif item.is_dir(follow_symlinks=False):
                folder_stat = item.stat(follow_symlinks=False)
                key = (folder_stat.st_dev, folder_stat.st_ino)
                if key in seen:
                    found[prefix + name + "/"] = (
                        f"{UNREADABLE}is a folder already read ({seen[key]})")
                    continue
                inner = os.path.join(folder, name)
                if os.path.exists(os.path.join(inner, CHRONICLE_FILE)):
                    found[prefix + name + "/"] = _ANOTHER
                    continue
                seen[key] = f"{entries_name}/{prefix}{name}/"
                stack.append((inner, prefix + name + "/"))
        except OSError as err:
            found[prefix + name] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
    return names


def _stat_files(folder: str, descriptor: int | None, prefix: str, names: list[str],
                found: dict[str, str]) -> tuple[tuple[str, list[str], bytes], str]:
    """One folder's entry files and their figures (those that cannot be statted, as a
    file removed since the folder was listed, go into ``found`` instead), and the first
    of them with other names (hard links), or ""."""
    stat = os.stat
    try:
        if descriptor is not None:
            stats = [stat(name, dir_fd=descriptor) for name in names]
        else:
            within = os.path.join(folder, "")
            stats = [stat(within + name) for name in names]
    except OSError:
        stats = []
        kept: list[str] = []
        for name in names:
            try:
                stats.append(stat(name, dir_fd=descriptor) if descriptor is not None
                             else stat(os.path.join(folder, name)))
            except OSError as err:
                found[prefix + name] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
            else:
                kept.append(name)
        names = kept
    shared = ""
    if max(map(_LINKS, stats), default=1) > 1:
        shared = prefix + next(name for name, stat in zip(names, stats, strict=True)
                               if stat.st_nlink > 1)
    # marshal's version 2 writes equal figures alike in every process (no references).
    return (prefix, names, marshal.dumps(list(map(_FIGURES, stats)), 2)), shared


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
