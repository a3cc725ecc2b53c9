"""The progress bar long work shows on stderr, on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


#: Below this many files to read or index, no progress bar: it would only flash.
PROGRESS_THRESHOLD = 200


class ProgressBar:
    """A Rich progress bar on stderr, shown only when there is much to do."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        default_console: Callable[[], Console] | None = None,
    ) -> None:
        self.console = console
        self.default_console = default_console or _stderr_console
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}
        #: True once the console proved not to be a terminal: no bar is drawn.
        self.off = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.progress is None:
            if total < PROGRESS_THRESHOLD or self.off:
                return
            console = self.console or self.default_console()
            if not console.is_terminal:
                # Nothing to draw in a pipe or a file (Rich would still end the bar with
                # an empty line there).
                self.off = True
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.progress.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
            self.tasks = {}


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)
