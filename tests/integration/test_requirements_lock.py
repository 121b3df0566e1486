"""requirements.lock.txt pins every dependency pyproject.toml names, with hashes (issue 15 §0)."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support import ROOT


def _pins() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for each entry of the lock."""
    text = (ROOT / "requirements.lock.txt").read_text(encoding="utf-8")
    pins: dict[str, tuple[str, list[str]]] = {}
    for entry in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", entry)
        if match:
            pins[canonicalize_name(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", entry))
    return pins


def test_every_declared_dependency_is_pinned_with_hashes_in_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    pins = _pins()
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock.txt: run make lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} in requirements.lock.txt is outside {requirement.specifier}: run make lock")
        assert hashes, f"{name} has no hash in requirements.lock.txt"


def test_every_lock_entry_is_exact_and_hashed() -> None:
    pins = _pins()
    assert len(pins) > 20  # the indirect dependencies too (weasyprint alone brings a dozen)
    assert all(hashes for _, hashes in pins.values())


def test_make_installs_from_the_lock_alone() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("--no-deps" in line for line in installs)
    assert any("--require-hashes" in line and "requirements.lock.txt" in line for line in installs)
    assert "--upgrade" not in makefile  # nothing takes whatever the registry serves today
