"""``completion``: the shell completion script."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from chronicle.cli.app import KEEP, app, write_data
from chronicle.cli.completion import SHELLS


@app.command(rich_help_panel=KEEP)
def completion(
    ctx: typer.Context,
    shell: Annotated[
        Literal[SHELLS],  # type: ignore[valid-type]
        typer.Argument(metavar="SHELL", help="bash, zsh or fish.", show_default=False),
    ],
) -> None:
    """Print the shell's script that completes chronicle's words on Tab.

    Commands, options and their choices complete, and so do entry ids (show, edit, rm),
    tags, people and places (--tag, --person, --place), read from the catalog. The
    README says where each shell wants the script.

    Example: eval "$(chronicle completion bash)"   (in ~/.bashrc)
    """
    from chronicle.cli.completion import script

    write_data(script(shell, ctx.find_root().command) + "\n")
