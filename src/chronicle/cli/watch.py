"""``watch``: keep the catalog and search index in step as files change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import KEEP, app, err_console, get_chronicle, write_data
from chronicle.cli.options import RootOption
from chronicle.errors import ChronicleError, ExitCode, UsageError

if TYPE_CHECKING:
    from chronicle.config import Location
    from chronicle.watch_control import Status


@app.command(rich_help_panel=KEEP)
def watch(
    ctx: typer.Context,
    status: Annotated[bool, typer.Option(
        "--status", help="Say whether a watcher runs, since when, and why the last one "
        "stopped; exit 1 when none runs.")] = False,
    stop: Annotated[bool, typer.Option(
        "--stop", help="Stop the running watcher (it ends promptly, even in the middle of "
        "applying changes) and wait until it has.")] = False,
    detach: Annotated[bool, typer.Option(
        "--detach", help="Run in the background, as commands start it on demand; its "
        "output goes to index/watch.log.")] = False,
    idle_exit: Annotated[str | None, typer.Option(
        "--idle-exit", metavar="DURATION", help="Stop after no command asked for this long "
        "(seconds, or with s, m, h: 90m). Default: never; 8h when started on demand.",
        show_default=False)] = None,
    root: RootOption = None,
) -> None:
    """Follow entries/ as files change, so other commands need not check every file.

    Without it, each command stats every entry file to find what changed (about half a
    second at 100,000 entries). While it runs, commands ask it instead and it answers
    only once every earlier change is applied; when it is not running or cannot answer,
    they check every file as before. Stop it with Ctrl-C or --stop. A command that
    finds none running starts one in the background when the chronicle has 20,000 entry
    files or more on a local disk, or always with watch: true in chronicle.yaml (or
    CHRONICLE_WATCH=1); watch: false (or CHRONICLE_WATCH=0) never.

    Example: chronicle watch --detach
    """
    from chronicle import watch_control

    if sum((status, stop, detach)) > 1:
        raise UsageError("give one of --status, --stop and --detach")
    if idle_exit is not None and (status or stop):
        raise UsageError("--idle-exit goes with watching, not with --status or --stop")
    chronicle = get_chronicle(ctx, root)
    if status:
        state = watch_control.status(chronicle)
        write_data(_describe(chronicle.relative(chronicle.index_dir), state))
        if not state.running:
            raise typer.Exit(int(ExitCode.ERROR))
        return
    if stop:
        _stop(chronicle)
        return
    idle = _seconds(idle_exit) if idle_exit is not None else None
    console = err_console()
    lock = watch_control.WatchLock.acquire(chronicle, wait=1.0)
    if lock is None:
        record = watch_control.read_record(chronicle)
        running = f"pid {record.get('pid', '?')}, {record.get('how', 'started')}"
        if detach:
            console.print(f"A watcher already runs ({running}).", highlight=False)
            return
        raise ChronicleError(f"a watcher already runs for this chronicle ({running})",
                             hint="see chronicle watch --status; stop it with "
                             "chronicle watch --stop")
    if detach:
        try:
            pid = watch_control.start_in_background(
                chronicle, lock, how=watch_control.DETACHED, idle_exit=idle)
        finally:
            lock.close()
        log = chronicle.relative(chronicle.index_dir / watch_control.LOG_NAME)
        console.print(f"Watching in the background (pid {pid}; its output goes to {log}). "
                      "Stop it with: chronicle watch --stop", highlight=False)
        return
    try:
        reason = watch_control.serve(
            chronicle, lock, how=watch_control.FOREGROUND, idle_exit=idle,
            log=lambda message: console.print(message, highlight=False))
    except ImportError as err:  # pragma: no cover - watchfiles is a dependency
        raise ChronicleError(f"chronicle watch needs the watchfiles package ({err})") from None
    except OSError as err:
        raise ChronicleError(
            f"cannot watch {chronicle.relative(chronicle.entries_dir)}/: {err}",
            hint="on Linux, raise fs.inotify.max_user_watches if the limit was reached",
        ) from None
    finally:
        lock.close()
    console.print(f"Stopped watching: {reason}.", highlight=False)


def _stop(chronicle: Location) -> None:
    from chronicle import watch_control
    from chronicle.config import AUTO_WATCH_FILES

    console = err_console()
    record = watch_control.stop(chronicle)
    if record is None:
        console.print("No watcher runs for this chronicle.", highlight=False)
        return
    console.print(f"Stopped the watcher (pid {record.get('pid', '?')}).", highlight=False)
    try:
        wanted, where = watch_control.setting(chronicle)
    except ChronicleError:
        return
    if wanted:
        console.print(f"The next command starts it again ({where}); "
                      "CHRONICLE_WATCH=0 keeps it off.", highlight=False)
    elif wanted is None:
        console.print(f"With {AUTO_WATCH_FILES:,} entry files or more on a local disk, the "
                      "next command that checks every file starts it again; "
                      "CHRONICLE_WATCH=0 or watch: false in chronicle.yaml keeps it off.",
                      highlight=False)


def _describe(index_dir: str, state: Status) -> str:
    import time

    from chronicle.watch_control import LOG_NAME

    def when(stamp: object) -> str:
        if not isinstance(stamp, int | float):
            return "?"
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))

    record, lines = state.record, []
    if state.running:
        lines.append(f"Running: pid {record.get('pid', '?')} on {record.get('host', '?')}, "
                     f"since {when(record.get('started'))} ({record.get('how', '?')}).")
        answer = state.answer
        if answer is None:
            lines.append("Not answering (starting, stopping or busy): commands check "
                         "every file meanwhile.")
        elif not answer.get("ready"):
            lines.append("Starting: reading entries/ before it answers.")
        elif answer.get("applying_s") is not None:
            lines.append(f"Applying changes for {answer['applying_s']:g} s.")
        elif answer.get("blind"):
            lines.append(f"Not vouching: entries/{answer['blind']} can change without a "
                         "file event here (a link, or a file with other names), so "
                         "commands check every file.")
        else:
            lines.append("Answering: commands need not check every file.")
        idle = record.get("idle_exit")
        if isinstance(idle, int | float):
            lines.append(f"Stops after {_shown(idle)} without a command asking.")
    else:
        lines.append("Not running: commands check every file.")
        if record.get("stopped"):
            lines.append(f"The last watcher (pid {record.get('pid', '?')}, "
                         f"{record.get('how', '?')}) stopped {when(record.get('stopped'))}: "
                         f"{record.get('reason', '?')}.")
        elif record.get("pid"):
            lines.append(f"The last watcher (pid {record['pid']}, {record.get('how', '?')}, "
                         f"started {when(record.get('started'))}) ended without saying why "
                         "(killed, or the computer restarted).")
    lines.append(f"Started on demand: {_on_demand(state)}")
    lines.append(f"Log of a background watcher: {index_dir}/{LOG_NAME}")
    return "\n".join(lines) + "\n"


def _on_demand(state: Status) -> str:
    from chronicle.config import AUTO_WATCH_FILES
    from chronicle.watch_control import LOCAL_FILESYSTEMS

    if state.on_demand is not None:
        return f"{'on' if state.on_demand else 'off'} ({state.setting})."
    text = (f"auto, when a command checks {AUTO_WATCH_FILES:,} entry files or more on a "
            f"local disk ({state.setting}).")
    if state.filesystem is not None and state.filesystem not in LOCAL_FILESYSTEMS:
        text += (f" entries/ is on {state.filesystem}, where another computer's changes "
                 "raise no file event: not started by itself there.")
    return text


def _shown(seconds: float) -> str:
    from chronicle.watcher import duration_text

    return duration_text(seconds)


def _seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    scale = units.get(value[-1:], None)
    number = value[:-1] if scale else value
    try:
        seconds = float(number) * (scale or 1)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise UsageError(f"--idle-exit: '{text}' is not a duration (like 600, 90m or 8h)")
    return seconds
