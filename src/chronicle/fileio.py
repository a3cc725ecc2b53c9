"""Reading YAML safely and writing files atomically: the I/O that config, store and
the index share, below all of them.

YAML is untrusted input: only safe loaders. A write never leaves a half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def safe_loader() -> Any:
    """libyaml's safe loader when present (about ten times faster), else PyYAML's."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)



def yaml_error_place(err: Any, text: str) -> tuple[int | None, int | None, str]:
    """Where a YAML error lies in ``text`` (line and column from 1, None when unknown) and
    what it says, on one line: PyYAML's own text of a refused character runs over two
    lines and names a position, not a line."""
    position = getattr(err, "position", None)
    character = getattr(err, "character", None)
    if isinstance(position, int) and character is not None:  # yaml.ReaderError
        code = character if isinstance(character, int) else ord(character[:1] or "\0")
        if not (position < len(text) and ord(text[position]) == code):
            # libyaml counts in UTF-8 bytes, PyYAML in characters.
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        if isinstance(character, bytes):
            problem = f"cannot decode byte #x{character[0]:02x}: {err.reason}"
        else:
            problem = f"unacceptable character #x{code:04x}: {err.reason}"
        return line, column, problem
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    said = getattr(err, "problem", None) or getattr(err, "context", None)
    problem = str(said) if said else " ".join(str(err).split()) or "not valid YAML"
    if mark is None:
        return None, None, problem
    return mark.line + 1, mark.column + 1, problem


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new, never half.

    The text goes to a temporary file in the same folder, is flushed to disk, then
    renamed over the target; on any failure the temporary file is removed.
    """
    atomic_write_chunks(path, (text,))


def atomic_write_chunks(path: Path, chunks: Iterable[Any], *, encoded: bool = False) -> None:
    """`atomic_write_text` for text made piece by piece (never all in memory at once);
    ``encoded``: the pieces are the text's UTF-8 bytes.

    A link to a file is written where it leads (the link stays); a target that is no
    regular file (``/dev/stdout``, a named pipe, a device) is written into as ``>``
    does, since a file renamed over it would put a regular file in its place."""
    path = Path(path)
    stream = standard_descriptor(path)
    if stream is not None:
        _write_into(path, chunks, encoded=encoded, fd=stream)
        return
    try:
        import stat

        target = os.stat(path)
    except OSError:
        target = None
    if target is not None and not stat.S_ISREG(target.st_mode):
        _write_into(path, chunks, encoded=encoded)
        return
    if target is not None and os.path.islink(path):
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise write_failure(err, path) from None
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        import tempfile  # only a write needs it: loading it costs every command

        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise write_failure(err, path) from None
    try:
        with (os.fdopen(fd, "wb") if encoded
              else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException as err:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        if isinstance(err, OSError):
            raise write_failure(err, path) from None
        raise


def standard_descriptor(path: Path) -> int | None:
    """The descriptor ``path`` names when it is one this process has open:
    ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``. Written
    through that descriptor, not opened again: opening it again would truncate a file
    the shell opened for appending (``>> log``) and start at its beginning."""
    import re

    text = os.path.abspath(path)
    names = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if text in names:
        number = names[text]
    else:
        found = re.fullmatch(r"/(?:dev|proc/self)/fd/([0-9]{1,9})", text)
        if found is None:
            return None
        number = int(found[1])
    try:
        os.fstat(number)
    except OSError:
        return None
    return number


def _write_into(path: Path, chunks: Iterable[Any], *, encoded: bool,
                fd: int | None = None) -> None:
    try:
        if fd is not None:
            raw: Any = os.fdopen(os.dup(fd), "wb")
            handle = raw if encoded else _text_on(raw)
        else:
            handle = (open(path, "wb") if encoded
                      else open(path, "w", encoding="utf-8", newline="\n"))
        with handle:
            for chunk in chunks:
                handle.write(chunk)
    except BrokenPipeError:
        raise  # the reader went away (``-o /dev/stdout | head``): as for stdout
    except OSError as err:
        raise write_failure(err, path) from None


def _text_on(raw: Any) -> Any:
    import io

    return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


class WriteFailure(OSError):
    """A write that failed (a full disk, a read-only file system, no permission),
    naming the file that was to be written, not the temporary file that failed: the
    file itself is untouched. ``errno`` and ``strerror`` are the system's."""


def write_failure(err: OSError, path: Path) -> WriteFailure:
    """``err`` as a `WriteFailure` naming ``path``."""
    if isinstance(err, WriteFailure):
        return err
    return WriteFailure(err.errno, err.strerror or str(err), str(path))
