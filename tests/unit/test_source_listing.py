"""Listing and decoding sources more cheaply (issue 19) gives what the old code gave.

`scan_sources` lists the folder with `os.scandir` and resolves only the entries that are
links (a plain file is inside the folder by where it was listed); the text reader replaces
CRLF only when the text holds a CR. The old listing order and the old decode are the oracles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.sources import scan_sources, text


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for name in ("b.md", "B2.txt", "a.txt", "_z.md", "\u00e9t\u00e9.md", "10.txt", "9.txt", "a.yaml"):
        (folder / name).write_text("Text.\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (tmp_path / "outside.txt").write_text("Secret.\n", encoding="utf-8")
    (folder / "link.md").symlink_to("a.txt")
    (folder / "out.txt").symlink_to(tmp_path / "outside.txt")
    (folder / "dangling.md").symlink_to("nowhere.md")
    (folder / "loop.md").symlink_to("loop.md")
    return folder


def test_only_links_are_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    resolved: list[str] = []
    original = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(self.name)
        return original(self, strict=strict)

    monkeypatch.setattr(Path, "resolve", counting)
    listing = scan_sources(folder)
    # The folder itself once, then each link; no plain file.
    assert sorted(resolved) == sorted(["sources", "link.md", "out.txt", "dangling.md", "loop.md"])
    assert [(d.code, Path(d.location.path).name) for d in listing.diagnostics] == [
        ("sources.unsupported", "dangling.md"), ("sources.unsupported", "loop.md"),
        ("sources.outside", "out.txt")]
    assert "link" in listing.files and "out" not in listing.files and "dangling" not in listing.files


def test_listing_keeps_the_order_and_paths_of_sorted_iterdir(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    listing = scan_sources(folder)
    old_order = [p for p in sorted(folder.iterdir())
                 if p.suffix in {".md", ".txt"} and p.name not in {"out.txt", "dangling.md", "loop.md"}]
    assert [f.path for f in listing.files.values()] == old_order
    assert listing.files["a"].sidecar == folder / "a.yaml"


@pytest.mark.parametrize("data", [
    b"plain ascii\nlines\n",
    b"windows\r\nlines\r\n",
    b"a lone\rcarriage return\n",
    b"mixed\r\nand\rlone\n\r\n",
    "caf\u00e9\r\nna\u00efve\n".encode(),
    "\ufeffbom and \u4e2d\u6587\r\n".encode(),
    b"---\ntitle: T\r\n---\r\nBody\r\n",
    b"\r\n\r\n\r",
    b"",
], ids=["ascii", "crlf", "lone-cr", "mixed", "latin-crlf", "bom-cjk", "front-matter-crlf", "only-crs", "empty"])
def test_crlf_guard_gives_the_old_text(data: bytes) -> None:
    source, diagnostics = text.parse(data, "s.md", "s")
    old = data.decode("utf-8-sig").replace("\r\n", "\n")
    assert source is not None
    assert old.endswith(source.text)
    assert "\r\n" not in source.text
    assert source.text.count("\r") == old[len(old) - len(source.text):].count("\r")


# --- each reader is imported when its first file is read (issue 19) ---------------------------

def test_each_reader_takes_the_suffixes_the_table_names_for_it() -> None:
    import importlib

    from briefing.sources import READERS, reader_for
    for name, suffixes in READERS.items():
        module = importlib.import_module(name)
        assert module.SUFFIXES == suffixes
        for suffix in suffixes:
            assert reader_for(Path(f"a{suffix.upper()}")) is module
    assert reader_for(Path("a.yaml")) is None and reader_for(Path("a.rtf")) is None


def test_listing_imports_no_reader_and_reading_imports_only_its_own(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "a.md").write_text("Text.\n", encoding="utf-8")
    (folder / "b.html").write_text("<p>Text.</p>\n", encoding="utf-8")
    probe = ("import sys; from pathlib import Path; from briefing.sources import load_source, scan_sources\n"
             "readers = ('briefing.sources.html', 'briefing.sources.pdf', 'briefing.sources.docx')\n"
             f"files = scan_sources(Path({str(folder)!r})).files\n"
             "print(sorted(files), [m for m in readers if m in sys.modules])\n"
             "print([load_source(files[i])[0].text.strip() for i in sorted(files)],"
             " [m for m in readers if m in sys.modules])")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines() == ["['a', 'b'] []", "['Text.', 'Text.'] ['briefing.sources.html']"]
