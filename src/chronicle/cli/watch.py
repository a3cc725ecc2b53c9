"""``watch``: keep the catalog and search index in step as files change."""

from __future__ import annotations

import typer

from chronicle.cli.app import KEEP, app, err_console, get_chronicle
from chronicle.cli.options import RootOption
from chronicle.errors import ChronicleError


@app.command(rich_help_panel=KEEP)
def watch(ctx: typer.Context, root: RootOption = None) -> None:
    """Follow entries/ as files change, so other commands need not check every file.

    Without it, each command stats every entry file to find what changed (about half a
    second at 100,000 entries). While it runs, commands ask it instead and it answers
    only once every earlier change is applied; when it is not running or cannot answer,
    they check every file as before. Stop it with Ctrl-C.

    Example: chronicle watch &
    """
    import signal
    import threading

    from chronicle.watcher import Watcher

    chronicle = get_chronicle(ctx, root)
    console = err_console()
    watcher = Watcher(chronicle, log=lambda message: console.print(message, highlight=False))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    try:
        watcher.run()
    except ImportError as err:  # pragma: no cover - watchfiles is a dependency
        raise ChronicleError(f"chronicle watch needs the watchfiles package ({err})") from None
    except OSError as err:
        raise ChronicleError(
            f"cannot watch {chronicle.relative(chronicle.entries_dir)}/: {err}",
            hint="on Linux, raise fs.inotify.max_user_watches if the limit was reached",
        ) from None
    console.print("Stopped watching.", highlight=False)
