"""The README's promises: its commands are the ones CI runs."""

from __future__ import annotations

from conftest import REPO


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = ci[ci.index("# README test command:") + 1]
    assert command in readme
    head = readme[: readme.index("## ")]
    assert "pip install -e ." in head and 'chronicle search "Tasmajdan"' in head
    assert command in head
