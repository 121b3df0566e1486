"""The PDF carries its own proof (issue 17 §3): `build --format pdf` embeds the evidence, and
`briefing audit` re-verifies a received PDF from it against sources found by hash; it fails,
naming what, after one source file or one printed quote is altered."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from support import copy_example, pdf_file

from briefing.cli import main

EVIDENCE = ["briefing.md", "check-report.json", "claims.yaml", "sources.lock"]  # the example has briefing.md
QUOTED = "azernews-2023"  # a source of the example, cited by footnote 1 (claim sg-taha-tribute-2023)


def build(root: Path, name: str = "briefing.pdf") -> Path:
    assert main(["build", str(root), "--format", "pdf", "-o", str(root / "build" / name)]) == 0
    return root / "build" / name


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example, built once: (project, its PDF). Tests that alter anything work on copies."""
    root = copy_example(tmp_path_factory.mktemp("audit") / "project")
    return root, build(root)


def audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_pdf_embeds_the_evidence_byte_for_byte(example: tuple[Path, Path]) -> None:
    root, pdf = example
    attachments = PdfReader(pdf).attachments
    assert sorted(attachments) == EVIDENCE
    assert attachments["claims.yaml"] == [(root / "claims.yaml").read_bytes()]
    lock = json.loads(attachments["sources.lock"][0])
    assert sorted(lock["sources"]) == sorted(p.stem for p in (root / "sources").iterdir())
    report = json.loads(attachments["check-report.json"][0])
    assert report["ok"] is True and len(report["claims"]) == 45


@pytest.mark.skipif(shutil.which("pdfdetach") is None, reason="poppler-utils not installed")
def test_pdfdetach_lists_the_evidence(example: tuple[Path, Path]) -> None:
    _, pdf = example
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines() == ["4 embedded files", *(f"{i}: {n}" for i, n in enumerate(EVIDENCE, 1))]


def test_audit_of_the_example_passes(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path]) -> None:
    root, pdf = example
    code, out, err = audit(capsys, str(pdf), "--sources", str(root / "sources"))
    assert (code, err) == (0, "")
    assert out.endswith(f"{pdf}: audit passed: every note verified and printed as embedded; 45 notes holding 104 quotes of 45 "
                        f"claims, against the sources in {root / 'sources'} (evidence embedded: claims.yaml, "
                        "sources.lock, check-report.json, briefing.md)\n")


def test_audit_finds_the_project_sources_by_default(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """No sources/ beside the PDF (it is in build/): the project's, from where audit runs."""
    root, pdf = example
    monkeypatch.chdir(root)
    code, out, _ = audit(capsys, "build/briefing.pdf")
    assert code == 0 and "against the sources in sources (" in out


def test_sources_are_found_by_hash_whatever_their_names(capsys: pytest.CaptureFixture[str],
                                                        example: tuple[Path, Path], tmp_path: Path) -> None:
    root, pdf = example
    for number, path in enumerate(sorted((root / "sources").iterdir())):
        shutil.copyfile(path, tmp_path / f"attachment-{number}.txt")  # as saved from an e-mail
    code, out, _ = audit(capsys, str(pdf), "--sources", str(tmp_path))
    assert code == 0, out


@pytest.mark.parametrize("alter, code, message", [
    pytest.param(lambda p: p.write_bytes(p.read_bytes().replace(b"11:09", b"11:19")), "audit.source-changed",
                 f"source '{QUOTED}' changed: {QUOTED}.md has SHA-256 ", id="one-figure-changed"),
    pytest.param(lambda p: p.write_bytes(p.read_bytes() + b"\n"), "audit.source-changed",
                 f"source '{QUOTED}' changed: {QUOTED}.md has SHA-256 ", id="a-newline-added"),
    pytest.param(lambda p: p.unlink(), "audit.source-missing",
                 f"source '{QUOTED}' ({QUOTED}.md) is missing: no file in ", id="removed"),
])
def test_an_altered_source_fails_naming_it(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path],
                                           tmp_path: Path, alter, code: str, message: str) -> None:
    root, pdf = example
    sources = shutil.copytree(root / "sources", tmp_path / "sources")
    alter(sources / f"{QUOTED}.md")
    status, out, _ = audit(capsys, str(pdf), "--sources", str(sources), "--format", "json")
    result = json.loads(out)
    assert (status, result["ok"]) == (1, False)
    assert [d["message"][:len(message)] for d in result["diagnostics"] if d["code"] == code] == [message]


def test_a_changed_source_names_the_notes_it_breaks(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    root, pdf = example
    sources = shutil.copytree(root / "sources", tmp_path / "sources")
    path = sources / f"{QUOTED}.md"
    path.write_bytes(path.read_bytes().replace(b"11:09", b"11:19"))
    status, out, _ = audit(capsys, str(pdf), "--sources", str(sources))
    assert status == 1
    assert (f"{pdf}#claims.yaml:18:16: error: footnote 1 (claim 'sg-taha-tribute-2023', source '{QUOTED}') "
            f"no longer verifies: misquoted: quote not found verbatim in '{QUOTED}'") in out
    assert f"{pdf}: audit failed: 3 problems; 45 notes" in out  # the source, and notes 1 and 55


def _with_attachments(printed: Path, evidence: Path, out: Path) -> Path:
    """`printed`'s pages under `evidence`'s embedded files: a PDF whose text says one thing and
    whose evidence another (as if its text had been edited after the build)."""
    return _reattached(printed, {name: copies[0] for name, copies in PdfReader(evidence).attachments.items()}, out)


def _reattached(printed: Path, attachments: dict[str, bytes], out: Path) -> Path:
    """A copy of `printed` at `out` whose embedded files are these, in this order."""
    writer = PdfWriter(clone_from=printed)
    del writer._root_object["/Names"]["/EmbeddedFiles"]
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    with out.open("wb") as handle:
        writer.write(handle)
    return out


def test_an_altered_printed_quote_fails_naming_its_note(capsys: pytest.CaptureFixture[str],
                                                        example: tuple[Path, Path], tmp_path: Path) -> None:
    """The PDF prints a shorter quote in footnote 2 than its embedded claims give (both verify)."""
    root, pdf = example
    tampered = copy_example(tmp_path / "tampered")
    claims = tampered / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert text.count(", as war crimes, the heinous crime against humanity and genocide.\"") == 1
    claims.write_text(text.replace(", as war crimes, the heinous crime against humanity and genocide.\"", "\""),
                      encoding="utf-8")
    forged = _with_attachments(build(tampered), pdf, tmp_path / "forged.pdf")
    status, out, _ = audit(capsys, str(forged), "--sources", str(root / "sources"))
    assert status == 1
    assert (f"{forged}#claims.yaml:23:16: error: {forged}: footnote 2 (claim 'sg-taha-cited-documents', "
            f"source '{QUOTED}') does not print the quote its embedded claims.yaml gives") in out
    assert f"{forged}: audit failed: 1 problem; " in out


@pytest.mark.parametrize("content, message", [
    pytest.param(b"claims: []\n", "{pdf} is not a PDF", id="not-a-pdf"),
    pytest.param(b"", "{pdf} is not a PDF", id="empty"),
    pytest.param(pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
                 "{pdf} carries no briefing evidence (no embedded claims.yaml, sources.lock, check-report.json)",
                 id="a-pdf-not-made-by-briefing"),
    pytest.param(b"%PDF-1.4\n1 0 obj\n<<", "{pdf}: cannot read the PDF: ", id="truncated-pdf"),
])
def test_bad_input_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes,
                                    message: str) -> None:
    pdf = tmp_path / "received.pdf"
    pdf.write_bytes(content)
    (tmp_path / "sources").mkdir()
    status, out, err = audit(capsys, str(pdf))
    assert (status, out) == (2, "")
    assert err.startswith(f"{pdf}:1:1: error: " + message.format(pdf=pdf))
    assert "Traceback" not in err


def test_partial_evidence_is_a_clear_error(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    _, pdf = example
    damaged = _reattached(pdf, {"claims.yaml": PdfReader(pdf).attachments["claims.yaml"][0]}, tmp_path / "damaged.pdf")
    status, _, err = audit(capsys, str(damaged), "--sources", str(tmp_path))
    assert status == 2
    assert err.startswith(f"{damaged}:1:1: error: {damaged} lacks part of its evidence: no embedded "
                          "sources.lock, check-report.json")


def test_a_damaged_embedded_lock_is_a_clear_error(capsys: pytest.CaptureFixture[str], example: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    _, pdf = example
    damaged = _reattached(pdf, {name: b"{not json" if name == "sources.lock" else copies[0]
                                for name, copies in PdfReader(pdf).attachments.items()}, tmp_path / "damaged.pdf")
    status, _, err = audit(capsys, str(damaged), "--sources", str(tmp_path))
    assert status == 2
    assert err.startswith(f"{damaged}#sources.lock:1:1: error: the embedded sources.lock cannot be read: "
                          "not valid JSON: Expecting property name")


def test_missing_pdf_or_sources_folder_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        example: tuple[Path, Path]) -> None:
    _, pdf = example
    status, _, err = audit(capsys, str(tmp_path / "nothing.pdf"))
    assert (status, err) == (2, f"error: cannot read {tmp_path / 'nothing.pdf'}: no such file or directory\n")
    status, _, err = audit(capsys, str(pdf), "--sources", str(tmp_path / "none"))
    assert status == 2 and err.startswith(f"error: no sources folder {tmp_path / 'none'}")


def test_the_build_read_back_refuses_evidence_that_did_not_come_back(example: tuple[Path, Path]) -> None:
    """Attack the read-back: a PDF whose embedded claims are not the ones checked, one lacking
    the lock, and one embedding a file besides the evidence each fail; the right one passes."""
    from briefing.render.attachments import Attachment
    from briefing.render.readback import check_pdf

    _, pdf = example
    data = pdf.read_bytes()
    found = {name: copies[0] for name, copies in PdfReader(io.BytesIO(data)).attachments.items()}
    right = [Attachment(name, content, "") for name, content in found.items()]

    def codes(expected: list[Attachment]) -> list[tuple[str, str]]:
        return [(d.code, d.message) for d in check_pdf(data, (), draft=False, output="x.pdf", claims_path="c",
                                                       attachments=expected)
                if d.code.startswith("build.evidence") or "embeds files" in d.message]

    assert codes(right) == []
    other = [Attachment(a.name, a.data + b"#", "") if a.name == "claims.yaml" else a for a in right]
    assert codes(other) == [("build.evidence-altered", "x.pdf: the embedded claims.yaml is not the file that was checked")]
    more = [*right, Attachment("notes.md", b"# text", "")]
    assert codes(more) == [("build.evidence-altered", "x.pdf: the evidence file notes.md is not embedded")]
    fewer = [a for a in right if a.name != "sources.lock"]
    assert codes(fewer) == [("build.unsafe-content", "x.pdf: embeds files ['sources.lock']")]


def test_an_archival_pdf_carries_the_evidence_as_associated_files(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """With `pdf: archival` (PDF/A-3b, issue 16) the evidence is PDF/A-3's associated files: named
    from the catalogue's /AF with their relationship, and the audit still passes."""
    root = copy_example(tmp_path / "project")
    claims = root / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "pdf: archival\n", encoding="utf-8")
    pdf = build(root)
    reader = PdfReader(pdf)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata
    associated = {str(spec.get_object()["/F"]): str(spec.get_object()["/AFRelationship"])
                  for spec in reader.trailer["/Root"]["/AF"]}
    assert associated == {"claims.yaml": "/Source", "briefing.md": "/Source", "sources.lock": "/Source",
                          "check-report.json": "/Supplement"}
    code, out, _ = audit(capsys, str(pdf), "--sources", str(root / "sources"))
    assert code == 0 and "audit passed" in out


def test_the_embedded_report_names_no_folder_of_the_builders_machine(example: tuple[Path, Path]) -> None:
    """Built as `briefing build /tmp/.../project`, the PDF that goes out names its files as the
    project holds them (claims.yaml, sources/x.md), not where the builder keeps the project."""
    root, pdf = example
    report = PdfReader(pdf).attachments["check-report.json"][0].decode("utf-8")
    assert str(root) not in report and str(root.resolve()) not in report
    parsed = json.loads(report)
    assert (parsed["claims_file"], parsed["sources_dir"]) == ("claims.yaml", "sources")
