"""Where the chronicle lives and what chronicle.yaml says.

A chronicle is a folder holding ``entries/``, ``index/`` (derived, safe to delete) and
an optional ``chronicle.yaml``. It is found from ``--root``, else ``$CHRONICLE_ROOT``,
else the nearest folder at or above the current directory holding either marker.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chronicle.errors import ConfigError, NotFoundError, UsageError
from chronicle.records import FrozenRecord

CONFIG_NAME = "chronicle.yaml"
ENTRIES_NAME = "entries"
INDEX_NAME = "index"
ROOT_ENV = "CHRONICLE_ROOT"
#: ``1``/``0`` (or true/false, yes/no, on/off), or ``auto``: start ``chronicle watch`` on
#: demand, never, or on a large chronicle, whatever chronicle.yaml's ``watch:`` says.
WATCH_ENV = "CHRONICLE_WATCH"
#: When neither ``watch:`` nor ``$CHRONICLE_WATCH`` says otherwise, a chronicle whose
#: full check of ``entries/`` covered at least this many entry files, on a local disk,
#: gets a watcher started on demand: below it, checking every file costs a command
#: less than about a tenth of a second.
AUTO_WATCH_FILES = 20_000

INDEX_GITIGNORE = (
    "# Derived data: rebuilt from entries/ whenever needed, always safe to delete.\n"
    "*\n!.gitignore\n"
)


class ChronicleConfig(FrozenRecord):
    """The settings in chronicle.yaml; every one is optional."""

    __slots__ = ("title", "description", "fields", "names", "watch")
    title: str | None
    description: str | None
    #: Custom entry fields the chronicle declares, so ``check`` does not warn about them.
    fields: frozenset[str]
    #: The alias registry: canonical name -> its other spellings.
    names: Mapping[str, tuple[str, ...]]
    #: ``watch: true``: a command that finds no ``chronicle watch`` running starts one in
    #: the background; ``false``: never; None (not set, or ``auto``): on a large
    #: chronicle (`AUTO_WATCH_FILES`). ``$CHRONICLE_WATCH`` overrides it.
    watch: bool | None

    def __init__(self, title: str | None = None, description: str | None = None,
                 fields: frozenset[str] = frozenset(),
                 names: Mapping[str, tuple[str, ...]] | None = None,
                 watch: bool | None = None) -> None:
        _set = object.__setattr__
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "fields", fields)
        _set(self, "names", {} if names is None else names)
        _set(self, "watch", watch)


class Location(FrozenRecord):
    """Where a chronicle lives on disk, and what its ``chronicle.yaml`` says.

    `chronicle.Chronicle`, the library's front door, opens one of these.
    """

    __slots__ = ("root", "config")
    root: Path
    config: ChronicleConfig

    def __init__(self, root: Path, config: ChronicleConfig | None = None) -> None:
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "config", ChronicleConfig() if config is None else config)

    @property
    def entries_dir(self) -> Path:
        return self.root / ENTRIES_NAME

    @property
    def index_dir(self) -> Path:
        """``index/``, or a per-user cache folder when ``index/`` cannot be written."""
        return cache_dir(self.root)

    @property
    def index_moved(self) -> bool:
        """True when the derived data lives in the per-user cache, not in ``index/``."""
        return self.index_dir != self.root / INDEX_NAME

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def relative(self, path: Path) -> str:
        """A path as shown to people: relative to the chronicle root, forward slashes."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def display_title(self) -> str:
        return self.config.title or self.root.name


_cache_dirs: dict[Path, Path] = {}


def cache_dir(root: Path) -> Path:
    """Where a chronicle's derived data lives: ``index/`` when it can be written there.

    On a read-only file system, or for a user who may read the chronicle but not write
    its ``index/``, the catalog and search index go to ``$XDG_CACHE_HOME/chronicle/``
    (default ``~/.cache``), in a folder named after the chronicle's real path.
    """
    if root in _cache_dirs:
        return _cache_dirs[root]
    own = root / INDEX_NAME
    target = own if own.is_dir() else root
    chosen = own
    if not os.access(target, os.W_OK | os.X_OK):
        import hashlib

        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        digest = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape"))
        chosen = Path(base) / "chronicle" / digest.hexdigest()[:16]
    _cache_dirs[root] = chosen
    return chosen


def is_chronicle(path: Path) -> bool:
    return (path / CONFIG_NAME).is_file() or (path / ENTRIES_NAME).is_dir()


def find_root(
    root: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    root_label: str = "--root",
) -> Path:
    """Resolve the chronicle's root folder or say how to make one. Errors name a
    ``root`` given as ``root_label`` says (the library gives "")."""
    environ = os.environ if environ is None else environ
    if root is None and environ.get(ROOT_ENV):
        root = Path(environ[ROOT_ENV])
        origin = f"${ROOT_ENV} "
    else:
        origin = f"{root_label} " if root_label else ""
    if root is not None:
        root = root.expanduser().resolve()
        if not root.is_dir():
            raise NotFoundError(
                f"{origin}{root} is not a folder",
                hint=f"create a chronicle there with: chronicle init {root}",
            )
        if not is_chronicle(root):
            raise NotFoundError(
                f"{origin}{root} holds no chronicle (no {CONFIG_NAME} or {ENTRIES_NAME}/)",
                hint=f"create one with: chronicle init {root}",
            )
        return root
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_chronicle(folder):
            return folder
    raise NotFoundError(
        f"no chronicle in {start} or any folder above it",
        hint="create one with 'chronicle init', or pass --root PATH",
    )


def find_chronicle(
    root: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    root_label: str = "--root",
) -> Location:
    folder = find_root(root, cwd=cwd, environ=environ, root_label=root_label)
    return Location(folder, load_config(folder / CONFIG_NAME))


def load_config(path: Path) -> ChronicleConfig:
    """Read chronicle.yaml; a missing file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ChronicleConfig()
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{CONFIG_NAME}: cannot be read: {err}") from None
    cache = cache_dir(path.parent) / PARSED_CONFIG_NAME
    data = _cached_parse(cache, text)
    if data is _MISSING:
        import yaml

        from chronicle.fileio import safe_loader, yaml_error_place

        try:
            data = yaml.load(text, Loader=safe_loader())  # noqa: S506 - a safe loader
        except yaml.YAMLError as err:
            number, _, problem = yaml_error_place(err, text)
            line = f":{number}" if number is not None else ""
            raise ConfigError(f"{CONFIG_NAME}{line}: {problem}") from None
        _keep_parse(cache, text, data)
    return config_from_mapping(data)


#: What chronicle.yaml's YAML read as, beside the catalog: every command reads the
#: file, and loading the YAML library costs more than the rest of reading it.
PARSED_CONFIG_NAME = "config.marshal"
_MISSING = object()


def _cached_parse(cache: Path, text: str) -> object:
    """What ``text`` read as the last time, when it is the same text; else `_MISSING`."""
    import marshal

    try:
        kept_text, data = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return _MISSING
    return data if kept_text == text else _MISSING


def _keep_parse(cache: Path, text: str, data: Any) -> None:
    """Keep ``data`` for `_cached_parse`, when it is plain data (not a date, say) and
    the folder exists; a write that fails costs nothing but the next parse."""
    import marshal

    try:
        blob = marshal.dumps((text, data))
    except ValueError:
        return
    if not cache.parent.is_dir():
        return
    temporary = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        temporary.write_bytes(blob)
        os.replace(temporary, cache)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def config_from_mapping(data: object) -> ChronicleConfig:
    if data is None:
        return ChronicleConfig()
    if not isinstance(data, Mapping):
        raise ConfigError(f"{CONFIG_NAME}: expected a mapping (title:, fields:, names:)")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ConfigError(f"{CONFIG_NAME}: '{key}' must be text")
        return str(value)

    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(item, str) for item in fields):
        raise ConfigError(f"{CONFIG_NAME}: 'fields' must be a list of field names")
    watch = data.get("watch")
    if watch == "auto":
        watch = None
    elif watch is not None and not isinstance(watch, bool):
        raise ConfigError(f"{CONFIG_NAME}: 'watch' must be true, false or auto")
    return ChronicleConfig(
        title=text("title"),
        description=text("description"),
        fields=frozenset(fields),
        names=_names(data.get("names")),
        watch=watch,
    )


def _names(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{CONFIG_NAME}: 'names' must map a canonical name to its variants, "
            "like 'Tasmajdan Park: [Tashmay Park, Tashmaydan Park]'"
        )
    names: dict[str, tuple[str, ...]] = {}
    for canonical, variants in value.items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise ConfigError(f"{CONFIG_NAME}: names: {canonical!r} is not a name")
        if variants is None:
            variants = []
        if isinstance(variants, str):
            variants = [variants]
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise ConfigError(f"{CONFIG_NAME}: names: '{canonical}' must list its variants as text")
        names[canonical.strip()] = tuple(v.strip() for v in variants if v.strip())
    return names


def init_chronicle(folder: Path, *, title: str | None = None) -> Location:
    """Create an empty chronicle in ``folder`` (made if missing)."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{folder.resolve()} is already a chronicle ({CONFIG_NAME} exists)")
    (folder / ENTRIES_NAME).mkdir(parents=True, exist_ok=True)
    index_dir = folder / INDEX_NAME
    index_dir.mkdir(exist_ok=True)
    from chronicle.fileio import atomic_write_text

    if not (index_dir / ".gitignore").exists():
        atomic_write_text(index_dir / ".gitignore", INDEX_GITIGNORE)
    name = title or folder.resolve().name
    atomic_write_text(
        config_path,
        f"# The chronicle's settings. Every key is optional.\n"
        f"title: {_yaml_scalar(name)}\n"
        "# Custom entry fields, so 'chronicle check' does not warn about them:\n"
        "fields: []\n"
        "# Names spelled more than one way; search and filters treat them as one:\n"
        "# names:\n"
        "#   Tasmajdan Park: [Tashmay Park, Tashmaydan Park]\n"
        "# Start 'chronicle watch' in the background when a command finds none running,\n"
        "# so that commands need not check every file: true, false, or auto (the\n"
        "# default: from 20,000 entry files on a local disk):\n"
        "# watch: auto\n",
    )
    return find_chronicle(folder)


def _yaml_scalar(text: str) -> str:
    import json

    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)
