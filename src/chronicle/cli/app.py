"""The Typer application, its consoles, and the one place errors become exit codes."""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from chronicle.cli.helpformat import load_rich_help
from chronicle.commands.environment import Environment

# The run, its output and its failures belong to the command bodies (`chronicle.commands`),
# which the fast path runs without Typer too; the commands here use them from this module.
from chronicle.commands.running import (
    BROKEN_PIPE_EXIT,
    CommandExit,
    Run,
    begin_command,
    close_progress,
    current_env,
    err_console,
    failure_status,
    note,
    nothing_found,
    os_error,
    out_console,
    quiet_broken_pipe,
    report_error,
    report_skipped,
    report_written,
    running,
    saying_long_work,
    table_console,
    warn,
    without_gc,
    write_data,
    write_pieces,
    write_rendered,
    write_view,
)
from chronicle.commands.running import get_chronicle as _get_chronicle
from chronicle.commands.running import open_chronicle as _open_chronicle

if TYPE_CHECKING:
    from chronicle.api import Chronicle
    from chronicle.config import Location

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
            begin_command()  # from here an interruption is said by failure_status
            with saying_long_work():
                return super().invoke(ctx)
        except CommandExit as done:
            raise typer.Exit(done.code) from None
        except _click.exceptions.ClickException as err:
            raise usage_error(err) from None
        except (typer.Exit, typer.Abort):
            raise
        except (Exception, KeyboardInterrupt) as err:
            # Said in one line and ended with its exit status, as the fast path does.
            raise typer.Exit(failure_status(err, debug_enabled(ctx))) from None


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


#: Options given before the command, and the run's `Environment` (the context's object).
State = Run


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
    # The command bodies write through the run until the command line's context closes.
    ctx.with_resource(running(ctx.obj))


def debug_enabled(ctx: typer.Context | None) -> bool:
    state = ctx.find_object(State) if ctx is not None else None
    if state is not None:
        return state.debug
    environ = ctx.obj.environ if ctx is not None and isinstance(ctx.obj, Environment) else (
        os.environ)
    return bool(environ.get("CHRONICLE_DEBUG"))


def get_chronicle(ctx: typer.Context, root: Path | None = None) -> Location:
    """The chronicle the command works on: the command's --root, the global one, the default."""
    return _get_chronicle(root)


def open_chronicle(ctx: typer.Context, root: Path | None = None) -> Chronicle:
    """The chronicle the command works on, opened (use it in a ``with`` block)."""
    return _open_chronicle(root)


__all__ = [
    "BROKEN_PIPE_EXIT", "CommandExit", "close_progress", "current_env", "err_console",
    "get_chronicle", "note", "nothing_found", "open_chronicle", "os_error", "out_console",
    "quiet_broken_pipe", "report_error", "report_skipped", "report_written",
    "table_console", "warn", "without_gc", "write_data", "write_pieces", "write_rendered",
    "write_view",
]
