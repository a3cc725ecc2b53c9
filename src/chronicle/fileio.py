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



def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new, never half.

    The text goes to a temporary file in the same folder, is flushed to disk, then
    renamed over the target; on any failure the temporary file is removed.
    """
    atomic_write_chunks(path, (text,))


def atomic_write_chunks(path: Path, chunks: Iterable[Any], *, encoded: bool = False) -> None:
    """`atomic_write_text` for text made piece by piece (never all in memory at once);
    ``encoded``: the pieces are the text's UTF-8 bytes."""
    path = Path(path)
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


class WriteFailure(OSError):
    """A write that failed (a full disk, a read-only file system, no permission),
    naming the file that was to be written, not the temporary file that failed: the
    file itself is untouched. ``errno`` and ``strerror`` are the system's."""


def write_failure(err: OSError, path: Path) -> WriteFailure:
    """``err`` as a `WriteFailure` naming ``path``."""
    if isinstance(err, WriteFailure):
        return err
    return WriteFailure(err.errno, err.strerror or str(err), str(path))
