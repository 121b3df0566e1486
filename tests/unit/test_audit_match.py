"""`briefing audit` finds each pinned source by its SHA-256, whatever its name (issue 17 §3):
a renamed copy is the source, a file with the source's name but other bytes is a changed
source, and no file at all is a missing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.engine.audit import folder_hashes, match
from briefing.sources.lock import Lock, LockEntry

LOCK = Lock({"a": LockEntry("a.md", "1" * 64, "text", "x"), "b": LockEntry("b.md", "2" * 64, "text", "x")})


@pytest.mark.parametrize("files, found, codes", [
    pytest.param({"a.md": "1", "b.md": "2"}, {"a": "a.md", "b": "b.md"}, [], id="as-pinned"),
    pytest.param({"mail-1.txt": "1", "x": "2"}, {"a": "mail-1.txt", "b": "x"}, [], id="renamed"),
    pytest.param({"copy.md": "1", "a.md": "1", "b.md": "2"}, {"a": "a.md", "b": "b.md"}, [],
                 id="its-own-name-wins-among-equals"),
    pytest.param({"a.md": "9", "b.md": "2"}, {"a": "a.md", "b": "b.md"}, ["audit.source-changed"], id="changed"),
    pytest.param({"b.md": "2"}, {"b": "b.md"}, ["audit.source-missing"], id="missing"),
    pytest.param({"b.md": "1", "a.md": "2"}, {"a": "b.md", "b": "a.md"}, [], id="names-swapped-hashes-decide"),
])
def test_sources_are_matched_by_hash(tmp_path: Path, files: dict[str, str], found: dict[str, str],
                                     codes: list[str]) -> None:
    hashes: dict[str, list[Path]] = {}
    for name, digit in files.items():
        hashes.setdefault(digit * 64, []).append(tmp_path / name)
        (tmp_path / name).write_text("stand-in: the hashes are given")
    located = match(LOCK, tmp_path, hashes, "x.pdf#sources.lock")
    assert {i: f.path.name for i, f in located.files.items()} == found
    assert [d.code for d in located.diagnostics] == codes
    assert located.missing == (("a",) if codes == ["audit.source-missing"] else ())


def test_folder_hashes_hash_every_file_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_bytes(b"same")
    (tmp_path / ".hidden").write_bytes(b"same")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.md").write_bytes(b"other")
    hashes = folder_hashes(tmp_path)
    assert {h: sorted(p.name for p in ps) for h, ps in hashes.items()} == {
        "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5": [".hidden", "one.md"]}
