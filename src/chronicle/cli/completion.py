"""Shell completion: ``chronicle completion bash|zsh|fish`` prints the script, and the
shell then asks ``chronicle`` itself what may come next, through Click's completion
protocol (``_CHRONICLE_COMPLETE=complete_bash`` with ``COMP_WORDS``/``COMP_CWORD``;
``complete_zsh``/``complete_fish`` with ``_TYPER_COMPLETE_ARGS``).

Commands, options and choices (``--format``, ``--sort``, ``--by``) come from the
commands' own parameters; entry ids, tags, people and places from the catalog, read
only (`chronicle.lookup`). A completion never writes, never waits, and offers nothing
rather than fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer._click.core import Parameter
from typer._click.shell_completion import (
    CompletionItem,
    _resolve_context,
    _resolve_incomplete,
    add_completion_class,
)
from typer._completion_classes import BashComplete, FishComplete, ZshComplete

from chronicle.fastpath.completing import bash_format, fish_format, zsh_format

PROG_NAME = "chronicle"
COMPLETE_VAR = "_CHRONICLE_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

# After Typer's bash script: the one difference is that a lone folder of ids (2014/)
# takes no space after it, so the next Tab goes on into the folder.
BASH_SCRIPT = """\
%(complete_func)s() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" \\
                   COMP_CWORD=$COMP_CWORD \\
                   %(autocomplete_var)s=complete_bash $1 2>/dev/null ) )
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""

# Folders of ids go in with no space after them; values come with their descriptions;
# nothing to offer falls back to file names (import FILE..., --root, -o). Loaded from
# $fpath or sourced alike (as Click's script does).
ZSH_SCRIPT = """\
#compdef %(prog_name)s

%(complete_func)s() {
    local -a described folders
    local line
    for line in "${(@f)$(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" \\
                   %(autocomplete_var)s=complete_zsh ${words[1]} 2>/dev/null)}"; do
        case $line in
            '') ;;
            */) folders+=("$line") ;;
            *) described+=("$line") ;;
        esac
    done
    if (( ${#described} + ${#folders} == 0 )); then
        _files
        return
    fi
    (( ${#folders} )) && compadd -S '' -- "${folders[@]}"
    (( ${#described} )) && _describe -t values value described
    return 0
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    %(complete_func)s "$@"
else
    compdef %(complete_func)s %(prog_name)s
fi
"""


def _offered(items: list[CompletionItem]) -> list[CompletionItem]:
    """What the shell is given: a file or folder parameter (``--root``, ``import
    FILE...``) gives nothing, so the shell completes file names itself."""
    return [item for item in items if item.type == "plain"]


class _CatalogValues:
    """Click's ``get_completions``, except that a parameter taking catalog values gets
    its completer's whole answer: Typer keeps only the answers that start with the word
    as typed, and these are meant to differ from it in case (bel: Belgrade) or to hold
    it inside (khojaly: 1992/1992-02-25-khojaly); each shell filters again as its user
    set it to."""

    cli: Any
    ctx_args: Any
    prog_name: str

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        ctx = _resolve_context(self.cli, self.ctx_args, self.prog_name, args)
        obj, incomplete = _resolve_incomplete(ctx, args, incomplete)
        if isinstance(obj, Parameter) and obj._custom_shell_complete is not None:
            known = CATALOG_VALUES.get(obj.name or "")
            if known is not None:
                return [CompletionItem(value) for value in known[0](ctx, incomplete)]
        items: list[CompletionItem] = obj.shell_complete(ctx, incomplete)
        return items


class ChronicleBash(_CatalogValues, BashComplete):
    source_template = BASH_SCRIPT

    def format_completion(self, item: CompletionItem) -> str:
        return bash_format(item.value)

    def source(self) -> str:
        return self.source_template % self.source_vars()

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = _offered(self.get_completions(args, incomplete))
        return "\n".join(self.format_completion(item) for item in items)


class ChronicleZsh(_CatalogValues, ZshComplete):
    source_template = ZSH_SCRIPT

    def format_completion(self, item: CompletionItem) -> str:
        return zsh_format(item.value, item.help)

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = _offered(self.get_completions(args, incomplete))
        return "\n".join(self.format_completion(item) for item in items)


class ChronicleFish(_CatalogValues, FishComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return fish_format(item.value, item.help)

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return _offered(super().get_completions(args, incomplete))


def register() -> None:
    """Make these the classes Click's protocol uses for each shell."""
    for shell, cls in (("bash", ChronicleBash), ("zsh", ChronicleZsh), ("fish", ChronicleFish)):
        add_completion_class(cls, shell)


def script(shell: str, cli: Any) -> str:
    """The completion script for ``shell``, calling ``chronicle`` by name."""
    register()
    classes: dict[str, Any] = {"bash": ChronicleBash, "zsh": ChronicleZsh, "fish": ChronicleFish}
    source: str = classes[shell](cli, {}, PROG_NAME, COMPLETE_VAR).source()
    return source


# Values from the catalog -----------------------------------------------------------


def _root_given(ctx: typer.Context) -> Path | None:
    """The ``--root`` typed on the command line so far (the command's, else the global)."""
    current: Any = ctx
    while current is not None:
        root = current.params.get("root")
        if root:
            return Path(root)
        current = current.parent
    return None


def _suggest(ctx: typer.Context, *lookup: str) -> list[str]:
    from chronicle import lookup as catalog

    return catalog.suggest(_root_given(ctx), *lookup)


def complete_entry_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Entry ids starting with what is typed, a folder at a time."""
    return _suggest(ctx, "entry_ids", incomplete)


def complete_tags(ctx: typer.Context, incomplete: str) -> list[str]:
    return _suggest(ctx, "names", "tag", incomplete)


def complete_people(ctx: typer.Context, incomplete: str) -> list[str]:
    return _suggest(ctx, "names", "person", incomplete)


def complete_places(ctx: typer.Context, incomplete: str) -> list[str]:
    return _suggest(ctx, "names", "place", incomplete)


#: The parameters (by name) whose values come from the catalog: their completer, and
#: the `chronicle.lookup.suggest` query it makes before what is typed (the fast path,
#: `chronicle.fastpath`, makes the same query without Typer).
CATALOG_VALUES: dict[str, tuple[Callable[..., list[str]], tuple[str, ...]]] = {
    "entry_id": (complete_entry_ids, ("entry_ids",)),
    "entry_ids": (complete_entry_ids, ("entry_ids",)),
    "tag": (complete_tags, ("names", "tag")),
    "person": (complete_people, ("names", "person")),
    "place": (complete_places, ("names", "place")),
}
