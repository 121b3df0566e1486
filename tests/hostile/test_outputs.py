"""Where `check -o` and `build -o` write (issue 15 §6): never over an input of the project, and
into a device or a FIFO in place, never by putting a regular file where it was."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support import GOOD, KHOJALY, write_project

from briefing import files
from briefing.cli import main

REFUSED = "Error: Invalid value for '-o' / '--output': '{path}' is {what}, an input; choose another path " \
          "(nothing was written)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project that checks clean, as the working directory (paths are shown relative to it)."""
    write_project(tmp_path, GOOD, KHOJALY)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "briefing.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file under root (but the cache) with its bytes, and every link with its target."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if ".briefing-cache" in path.parts:
            continue
        if path.is_symlink():
            found[str(path.relative_to(root))] = os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(root))] = path.read_bytes()
    return found


# --- outputs that are inputs ---------------------------------------------------------------


def _link(project: Path, name: str, target: str) -> None:
    (project / name).symlink_to(target)


def _hard_link(project: Path, name: str, target: str) -> None:
    os.link(project / target, project / name)


def _nothing(project: Path) -> None:
    pass


@pytest.mark.parametrize(("arrange", "args", "shown", "what"), [
    pytest.param(_nothing, ["-o", "claims.yaml"], "claims.yaml", "the claims file", id="claims-file"),
    pytest.param(lambda p: (p / "sub").mkdir(), ["-o", "sub/../claims.yaml"], "claims.yaml", "the claims file",
                 id="claims-file-through-dotdot"),
    pytest.param(lambda p: _link(p, "report.json", "claims.yaml"), ["-o", "report.json"], "report.json",
                 "the claims file", id="claims-file-through-a-link"),
    pytest.param(lambda p: _hard_link(p, "report.json", "claims.yaml"), ["-o", "report.json"], "report.json",
                 "the claims file", id="claims-file-hard-link"),
    pytest.param(lambda p: os.replace(p / "claims.yaml", p / "other.yaml"),
                 ["--claims", "other.yaml", "-o", "other.yaml"], "other.yaml", "the claims file",
                 id="claims-file-named-by-claims"),
    pytest.param(_nothing, ["-o", "sources.lock"], "sources.lock", "the sources lock", id="lock-not-there-yet"),
    pytest.param(lambda p: main(["lock", str(p)]), ["-o", "sources.lock"], "sources.lock", "the sources lock",
                 id="lock"),
    pytest.param(_nothing, ["-o", "sources/azernews-2023.md"], "sources/azernews-2023.md",
                 "in the sources folder", id="a-source"),
    pytest.param(_nothing, ["-o", "sources/report.txt"], "sources/report.txt", "in the sources folder",
                 id="a-new-file-that-would-be-a-source"),
    pytest.param(lambda p: _link(p, "linked", "sources"), ["-o", "linked/report.json"], "linked/report.json",
                 "in the sources folder", id="sources-folder-through-a-link"),
    pytest.param(lambda p: ((p / "sources" / "kept").mkdir(),
                            os.replace(p / "sources" / "rajabova-2013.md", p / "sources" / "kept" / "r.md"),
                            _link(p, "sources/rajabova-2013.md", "kept/r.md")),
                 ["-o", "sources/kept/r.md"], "sources/kept/r.md", "a file of the sources folder",
                 id="the-file-a-source-links-to"),
    pytest.param(_nothing, ["-o", "templates/briefing.css"], "templates/briefing.css", "inside the templates folder",
                 id="a-template"),
    pytest.param(lambda p: (p / "briefing.md").write_text("# notes\n", encoding="utf-8"), ["-o", "briefing.md"],
                 "briefing.md", "the project's briefing.md", id="briefing-md"),
])
def test_check_refuses_an_output_that_is_an_input(project: Path, capsys: pytest.CaptureFixture[str],
                                                  arrange: Callable[[Path], object], args: list[str], shown: str,
                                                  what: str) -> None:
    arrange(project)
    capsys.readouterr()
    before = _snapshot(project)
    assert main(["check", ".", "--format", "json", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.endswith(REFUSED.format(path=shown, what=what))
    assert _snapshot(project) == before  # nothing written, nothing replaced


@pytest.mark.parametrize("output", [
    pytest.param("report.json", id="beside-the-claims"),
    pytest.param("sources-report.json", id="a-name-that-starts-like-the-sources-folder"),
    pytest.param("claims.yaml.json", id="a-name-that-starts-like-the-claims-file"),
    pytest.param("sources/sub/report.json", id="a-subfolder-of-sources-is-not-read"),
    pytest.param("build/templates/report.json", id="a-folder-named-templates-elsewhere"),
])
def test_check_writes_an_output_that_is_no_input(project: Path, capsys: pytest.CaptureFixture[str],
                                                 output: str) -> None:
    (project / output).parent.mkdir(parents=True, exist_ok=True)
    assert main(["check", ".", "--format", "json", "-o", output]) == 0
    assert json.loads((project / output).read_text(encoding="utf-8"))["summary"]["verified"] == 2


@pytest.mark.parametrize(("args", "shown", "what"), [
    pytest.param(["--format", "html", "-o", "sources/azernews-2023.md"], "sources/azernews-2023.md",
                 "in the sources folder", id="over-a-source"),
    pytest.param(["--format", "html", "--format", "docx", "-o", "sources"], "sources/briefing.html",
                 "in the sources folder", id="into-the-sources-folder"),
    pytest.param(["--format", "html", "-o", "claims.yaml"], "claims.yaml", "the claims file", id="over-the-claims"),
    pytest.param(["--format", "html", "-o", "templates"], "templates/briefing.html", "inside the templates folder",
                 id="into-the-templates-folder"),
])
def test_build_refuses_an_output_that_is_an_input(project: Path, capsys: pytest.CaptureFixture[str],
                                                  args: list[str], shown: str, what: str) -> None:
    before = _snapshot(project)
    assert main(["build", ".", *args]) == 2
    assert capsys.readouterr().err.endswith(REFUSED.format(path=shown, what=what))
    assert _snapshot(project) == before


# --- devices, FIFOs, stdout, folders -------------------------------------------------------


@contextmanager
def _reader(fifo: Path) -> Iterator[list[bytes]]:
    """A thread that reads the FIFO to its end; unblocked at the end if nobody wrote."""
    got: list[bytes] = []
    thread = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    thread.start()
    try:
        yield got
    finally:
        if thread.is_alive() and not got:
            try:  # a writer that opens and closes gives the reader its end of file
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        thread.join(10)


@pytest.fixture
def no_rename_over_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename onto a device fails the test instead of replacing it (as root it would)."""
    real = os.replace

    def guarded(source: str | Path, destination: str | Path) -> None:
        if Path(destination).exists() and not stat.S_ISREG(os.stat(destination).st_mode):
            raise AssertionError(f"renamed a file over {destination}")
        real(source, destination)

    monkeypatch.setattr(os, "replace", guarded)


def test_check_writes_a_fifo_in_place(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    with _reader(fifo) as got:
        assert main(["check", ".", "--format", "json", "-o", str(fifo)]) == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["summary"]["verified"] == 2
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".briefing-cache"]


@pytest.mark.usefixtures("no_rename_over_devices")
def test_check_to_dev_null_leaves_the_device(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat("/dev/null")
    assert main(["check", ".", "--format", "json", "-o", "/dev/null"]) == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert capsys.readouterr().out.startswith("2 of 2 claims verified")


def _null_device(path: Path) -> Path:
    """A character device like /dev/null, made here (root only): the old code replaced it."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError) as error:
        pytest.skip(f"cannot make a device here: {error}")
    return path


def test_check_leaves_a_device_a_device(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device = _null_device(project / "null")
    assert main(["check", ".", "--format", "json", "-o", str(device)]) == 0
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_build_writes_a_fifo_in_place_after_reading_it_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = project / "briefing.fifo"
    os.mkfifo(fifo)
    with _reader(fifo) as got:
        assert main(["build", ".", "--format", "html", "-o", str(fifo)]) == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got[0].startswith(b"<!DOCTYPE html>") and b"613 Azerbaijani civilians" in got[0]
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".briefing-cache"]


@pytest.mark.usefixtures("no_rename_over_devices")
def test_build_to_a_device_leaves_the_device(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device = _null_device(project / "null")
    assert main(["build", ".", "--format", "html", "-o", str(device)]) == 0
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_check_output_dash_is_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", ".", "--format", "json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["verified"] == 2
    assert not (project / "-").exists()


def test_build_output_dash_is_refused_not_a_file_named_dash(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", ".", "--format", "html", "-o", "-"]) == 2
    assert "name a file or folder, not '-' (nothing was written)" in capsys.readouterr().err
    assert not (project / "-").exists() and not (project / "build").exists()


def test_check_output_folder_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "out").mkdir()
    assert main(["check", ".", "--format", "json", "-o", "out"]) == 2
    assert capsys.readouterr().err.endswith("Error: Invalid value for '-o' / '--output': File 'out' is a directory.\n")


def test_write_atomic_refuses_a_folder_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError):
        files.write_atomic(tmp_path / "out", "text")
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and not any((tmp_path / "out").iterdir())


def test_write_atomic_still_renames_a_regular_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    renamed: list[str] = []
    real = os.replace
    monkeypatch.setattr(files.os, "replace", lambda s, d: renamed.append(Path(d).name) or real(s, d))
    files.write_atomic(target, "new")
    assert (renamed, target.read_text(encoding="utf-8")) == (["report.txt"], "new")


@pytest.mark.parametrize("command", [
    pytest.param(["check", ".", "--format", "json"], id="check"),
    pytest.param(["build", ".", "--format", "html"], id="build"),
])
def test_through_a_link_the_file_it_leads_to_is_replaced_and_the_link_kept(
        project: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    # As root, `-o /dev/stdout` (a link) with stdout a file renamed a regular file over /dev/stdout.
    (project / "out").mkdir()
    (project / "out" / "report").write_text("old", encoding="utf-8")
    (project / "report").symlink_to("out/report")
    assert main([*command, "-o", "report"]) == 0
    assert (project / "report").is_symlink() and os.readlink(project / "report") == "out/report"
    assert (project / "out" / "report").read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in (project / "out").iterdir()) == ["report"]
