"""The Typer application, its consoles, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from chronicle.cli.environment import Environment
from chronicle.cli.helpformat import load_rich_help
from chronicle.errors import ChronicleError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from chronicle.api import Chronicle, Written
    from chronicle.config import Location
    from chronicle.model import Problem

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 error, problems found or nothing found; 2 usage "
    "(bad option, date or query); 3 no chronicle or no such entry; 4 index busy; "
    "130 interrupted."
)


class ChronicleCommand(TyperCommand):
    """A command whose help screen loads Typer's Rich formatting without Markdown and
    tracebacks (`chronicle.cli.helpformat`)."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        load_rich_help()
        super().format_help(ctx, formatter)


class QueryCommand(ChronicleCommand):
    """A command whose words may start with ``-`` (``search park -Belgrade``: a negated
    word): a single-dash word that is not one of the command's options, nor a short option
    with a valid value attached (``-n5``), is read as a word, not refused as an option."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        options: dict[str, Any] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                for name in (*param.opts, *param.secondary_opts):
                    options[name] = param
        kept: list[str] = []
        words: list[str] = []
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                words.extend(tokens)
                break
            if not token.startswith("-") or token == "-":
                words.append(token)
                continue
            name = token.split("=", 1)[0] if token.startswith("--") else token
            option = options.get(name)
            if option is not None:
                kept.append(token)
                if _takes_value(option) and "=" not in token:
                    value = next(tokens, None)
                    if value is not None:
                        kept.append(value)
                continue
            if token.startswith("--") or self._short_with_value(ctx, token, options):
                kept.append(token)  # an unknown --option is still refused, by name
                continue
            words.append(token)
        return super().parse_args(ctx, [*kept, "--", *words] if words else kept)

    @staticmethod
    def _short_with_value(ctx: typer.Context, token: str, options: dict[str, Any]) -> bool:
        """``-n5``: a short option taking a value, with a value it accepts attached."""
        param = options.get(token[:2])
        if param is None or not _takes_value(param):
            return False
        try:
            param.type.convert(token[2:], param, ctx)
        except _click.exceptions.BadParameter:
            return False
        return True


def _takes_value(param: Any) -> bool:
    return not (getattr(param, "is_flag", False) or getattr(param, "count", False))


# The panels `chronicle --help` groups the commands under.
READ = "Find and read"
WRITE = "Write"
SHARE = "Summarise and share"
KEEP = "Keep the chronicle"


def _debug_first(args: list[str]) -> list[str]:
    """``--debug`` is accepted anywhere before ``--`` (``chronicle search x --debug``), as
    the error hint asks for it: it is moved to the front, where the group reads it."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug"] + [a for a in args[:end] if a != "--debug"] + args[end:]


def usage_error(err: _click.exceptions.ClickException) -> typer.Exit:
    """A usage error as one line on stderr (``Error: ...``), not a box; the exit to raise."""
    if isinstance(err, _click.exceptions.NoArgsIsHelpError):
        raise err
    from rich.text import Text

    ctx = getattr(err, "ctx", None)
    message = err.format_message()
    if ctx is not None:
        message = f"{message.rstrip('.')} (see '{ctx.command_path} --help')"
    err_console().print(Text.assemble(("Error:", "bold red"), " ", message), soft_wrap=True)
    return typer.Exit(err.exit_code)


class ChronicleGroup(TyperGroup):
    """Translates ChronicleError into ``Error: ...`` on stderr and its exit code."""

    def _invoke_saying_long_work(self, ctx: typer.Context) -> Any:
        """Run the command so that long work it starts implicitly (a rebuild of the
        catalog or the index, a large catch-up) is said on stderr as it begins, with a
        progress bar on a terminal: a command that stays silent for minutes looks hung."""
        from chronicle import feedback
        from chronicle.cli.progress import ProgressBar

        bar = ProgressBar(default_console=err_console)
        _progress_bars.append(bar)
        try:
            with feedback.listening(note, bar):
                return super().invoke(ctx)
        finally:
            bar.close()
            _progress_bars.remove(bar)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return super().parse_args(ctx, _debug_first(list(args)))

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        load_rich_help()
        super().format_help(ctx, formatter)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typer built the commands registered so far; LazyCommands builds each on demand.
        self.commands = LazyCommands()

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        # A shell asking what may come next (`chronicle completion` prints the script
        # that asks): answered by chronicle's own completion classes.
        if os.environ.get(complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()):
            from chronicle.cli.completion import register

            register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _click.exceptions.ClickException as err:
            raise usage_error(err) from None

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return self._invoke_saying_long_work(ctx)
        except ChronicleError as err:
            if debug_enabled(ctx):
                raise
            report_error(err)
            raise typer.Exit(int(err.exit_code)) from None
        except KeyboardInterrupt:
            if debug_enabled(ctx):
                raise
            err_console().print("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except _click.exceptions.ClickException as err:
            raise usage_error(err) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`chronicle list | head -1`): end quietly, as tools
            # stopped by SIGPIPE do.
            raise typer.Exit(quiet_broken_pipe()) from None
        except Exception as err:
            # A bug or an OS failure: one line, not a traceback, unless asked for. A full
            # disk or a refused permission is said in plain words, naming the file.
            if debug_enabled(ctx):
                raise
            system = os_error(err) if isinstance(err, OSError) else None
            report_error(system or ChronicleError(
                f"{type(err).__name__}: {err}",
                hint="run again with --debug for the full traceback",
            ))
            raise typer.Exit(int(ExitCode.ERROR)) from None


#: Failures of the system, not of chronicle: said in the system's words, on one line.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
_ACCESS_ERRNOS = {errno.EACCES, errno.EPERM}


def os_error(err: OSError) -> ChronicleError | None:
    """A full disk, a read-only file system or a refused permission as one line naming
    the file (``cannot write entries/x.yaml: no space left on device``); None for other
    OS errors, which stay errors of their own kind."""
    from chronicle.fileio import WriteFailure

    writing = isinstance(err, WriteFailure) or err.errno in _WRITE_ERRNOS
    if not (writing or err.errno in _ACCESS_ERRNOS):
        return None
    reason = err.strerror or os.strerror(err.errno or 0)
    reason = reason[:1].lower() + reason[1:]
    where = _shown_path(err.filename)
    if writing:
        message = f"cannot write {where}: {reason}" if where else f"cannot write: {reason}"
    else:
        message = f"cannot open {where}: {reason}" if where else reason
    return ChronicleError(message)


def _shown_path(name: Any) -> str | None:
    """A path as the user would type it: relative to the current folder when inside it."""
    if name is None:
        return None
    path = os.fsdecode(name)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


class LazyCommands(MutableMapping[str, Any]):
    """The group's commands by name (`chronicle.cli.COMMANDS`, in its order), each
    module imported and each command built by Typer when first looked up: a run pays
    for the command it runs, not for all sixteen."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}

    def _names(self) -> list[str]:
        from chronicle.cli import COMMANDS

        return [*COMMANDS, *(name for name in self._built if name not in COMMANDS)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    @staticmethod
    def _build(name: str) -> Any:
        import importlib

        import typer.main

        from chronicle.cli import COMMANDS

        if name not in COMMANDS:
            raise KeyError(name)
        importlib.import_module(f"chronicle.cli.{COMMANDS[name]}")
        for info in app.registered_commands:
            function_name = getattr(info.callback, "__name__", "")
            if (info.name or typer.main.get_command_name(function_name)) == name:
                # Every help screen goes through ChronicleCommand (QueryCommand is one).
                info.cls = info.cls or ChronicleCommand
                return typer.main.get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
        raise KeyError(name)


app = typer.Typer(
    cls=ChronicleGroup,
    name="chronicle",
    help=(
        "Keep a chronicle of dated events as YAML files and search it, however names "
        "are spelled.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


class State:
    """Options given before the command (``chronicle --root X list``), and the run's
    `Environment`."""

    def __init__(
        self, root: Path | None = None, debug: bool = False, env: Environment | None = None
    ) -> None:
        self.root = root
        self.debug = debug
        self.env = env or Environment()


def _version(value: bool) -> None:
    if value:
        from chronicle import __version__

        typer.echo(f"chronicle {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="The chronicle's folder. Default: $CHRONICLE_ROOT, else the nearest folder "
            "at or above the current one holding chronicle.yaml or entries/.",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    # An Environment given to the run (``invoke(app, args, obj=Environment(...))``) is kept.
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    ctx.obj = State(root=root, debug=debug or bool(env.environ.get("CHRONICLE_DEBUG")), env=env)


#: The progress bars of the commands running (one, or none outside a command).
_progress_bars: list[Any] = []


def close_progress() -> None:
    """Take the running command's progress bar off the terminal, before its output."""
    for bar in _progress_bars:
        bar.close()


#: The exit status after a closed pipe: what a shell reports for a tool ended by SIGPIPE.
BROKEN_PIPE_EXIT = 141


def quiet_broken_pipe() -> int:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail again."""
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
    return BROKEN_PIPE_EXIT


def debug_enabled(ctx: typer.Context | None) -> bool:
    state = ctx.find_object(State) if ctx is not None else None
    if state is not None:
        return state.debug
    environ = ctx.obj.environ if ctx is not None and isinstance(ctx.obj, Environment) else (
        os.environ)
    return bool(environ.get("CHRONICLE_DEBUG"))


def get_chronicle(ctx: typer.Context, root: Path | None = None) -> Location:
    """The chronicle the command works on: the command's --root, the global one, the default."""
    from chronicle.config import find_chronicle

    state = ctx.find_object(State)
    environ = state.env.environ if state else os.environ
    return find_chronicle(root or (state.root if state else None), environ=environ)


@contextmanager
def without_gc() -> Iterator[None]:
    """Run without the cyclic garbage collector.

    Listing, exporting or importing thousands of entries builds objects that live until
    the command ends; each collection would walk all of them again (measured: half the
    time of a 100k-entry export, a tenth of a 9,000-entry timeline). Nothing there makes
    reference cycles worth collecting.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_chronicle(ctx: typer.Context, root: Path | None = None) -> Chronicle:
    """The chronicle the command works on, opened (use it in a ``with`` block)."""
    from chronicle.api import Chronicle

    return Chronicle(get_chronicle(ctx, root))


def current_env() -> Environment:
    """The running command's `Environment`; outside a command, a fresh one."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    state = ctx.find_object(State) if ctx is not None else None
    return state.env if state is not None else Environment()


def out_console() -> Console:
    """Data goes to stdout; colour only on a terminal and without NO_COLOR. (Any
    progress bar leaves the terminal first: a live bar redrawn amid output garbles it.)"""
    close_progress()
    return current_env().out_console()


def table_console() -> Console:
    """The console for tables: stdout's on a terminal, else one wide enough never to wrap."""
    close_progress()
    return current_env().table_console()


def err_console() -> Console:
    """Messages, warnings and progress go to stderr."""
    return current_env().err_console()


def report_error(err: ChronicleError) -> None:
    from rich.text import Text

    console = err_console()
    console.print(Text.assemble(("Error:", "bold red"), " ", err.message), soft_wrap=True)
    if err.hint:
        console.print(Text(f"Hint: {err.hint}", style="dim"), soft_wrap=True)


def nothing_found(message: str | None = None) -> typer.Exit:
    """The exit of a listing command that found nothing (exit 1, as ``search`` and grep
    do); ``message`` goes to stderr. Machine-readable output is written before (``[]``)."""
    if message:
        note(message)
    return typer.Exit(int(ExitCode.ERROR))


def report_skipped(problems: Iterable[Problem]) -> None:
    """One line on stderr per invalid entry file left out; the good entries go on."""
    for problem in problems:
        warn(f"skipped {problem}")


def report_written(written: Written) -> None:
    """The index's notices after a write, or the warning that it could not follow yet."""
    if written.index_warning:
        warn(written.index_warning)
    for line in written.notices:
        note(line)


def warn(message: str) -> None:
    _message(message, "yellow")


def note(message: str) -> None:
    _message(message, "dim")


def _message(message: str, style: str) -> None:
    # Written directly when Rich would add nothing (a pipe or file): one line of text.
    if current_env().write_message(message):
        return
    from rich.text import Text

    err_console().print(Text(message, style=style), soft_wrap=True)


def write_data(text: str) -> None:
    """Machine-readable output, written as is (never through Rich's markup or wrapping)."""
    close_progress()
    current_env().write_data(text)


def write_rendered(text: str) -> None:
    """Text a renderer made for `out_console` (its styles and escapes done), written as is."""
    close_progress()
    out = current_env().stdout_stream
    out.write(text)
    out.flush()


def write_view(text: str) -> None:
    """Plain text for people (a piped table, check's lines): control characters escaped,
    wherever it goes, since it is read on a terminal sooner or later."""
    from chronicle.controls import escape_controls

    close_progress()
    current_env().write_data(escape_controls(text))
