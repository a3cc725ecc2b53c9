"""The pins CI installs with agree with the ranges pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version

from conftest import REPO

REFRESH = "run `bash .ci/refresh-constraints` and commit constraints.txt"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, Version]:
    pinned = {}
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not name==version"
            pinned[canonical(name)] = Version(version)
    return pinned


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += [Requirement(text) for text in extra]
    return [r for r in requirements if canonical(r.name) != canonical(project["name"])]


def test_every_dependency_is_pinned_within_its_declared_range() -> None:
    pinned = pins()
    requirements = declared()
    assert len(requirements) >= 10
    missing = [r.name for r in requirements if canonical(r.name) not in pinned]
    assert not missing, f"not pinned in constraints.txt: {missing}; {REFRESH}"
    outside = [
        f"{r.name}=={pinned[canonical(r.name)]} (pyproject.toml wants {r.specifier})"
        for r in requirements
        if not r.specifier.contains(pinned[canonical(r.name)], prereleases=True)
    ]
    assert not outside, f"constraints.txt is outside the declared ranges: {outside}; {REFRESH}"
