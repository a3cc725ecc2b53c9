"""The bodies of the commands that read (``search``, ``list``, ``show``, ``timeline``,
``stats``), as plain functions that never import Typer or Click, and what they share:
the run (`chronicle.commands.running`), its `Environment`, its consoles and messages, and
the one place an error becomes an exit status.

Two callers run them: the Typer commands in `chronicle.cli`, after Click parsed the
command line, and ``python -m chronicle`` itself when `chronicle.fastpath.parsing` could
read the command line from the commands' description with certainty
(`chronicle.commands.dispatch`). Either way the same body gets the same arguments, so
the output and the exit status are the same.
"""
