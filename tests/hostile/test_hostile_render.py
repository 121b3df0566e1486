"""Rendering hostile text (issue 6): raw HTML, LaTeX, pandoc attributes and raw blocks, CSS
`url()`, `file:`/`javascript:`/`data:` links, images and attachments, in every place a claims
file or a source can put text, print literally in PDF, DOCX and HTML, and the build reads no
file outside the project, the package and the libraries and fonts it runs on, and opens no
connection.

The build runs in a child process with an audit hook (PEP 578) recording every `open`, every
socket and every subprocess, and with `socket.socket` and `socket.create_connection`
replaced by ones that raise. pandoc runs outside Python, so its command line is checked
instead: `--sandbox` always, and only template files named on it.
"""

from __future__ import annotations

import html as html_module
import io
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import write_project

import briefing
from briefing.render import readback, write
from briefing.render.attachments import REQUIRED, Attachment
from briefing.text import fold

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=file:///etc/passwd>",
    "<iframe src=https://evil.example/></iframe>",
    "<object data=file:///etc/passwd></object>",
    "<svg><image href=/etc/passwd /></svg>",
    "<link rel=attachment href=/etc/passwd>",
    "<a href=javascript:alert(1)>click</a>",
    "<span style=background:url(file:///etc/passwd)>css</span>",
    "<style>@import url(/etc/passwd); body{background:url(/etc/passwd)}</style>",
    "<!-- hidden comment -->",
    "&lt;script&gt; &amp; &#x3C;b&#x3E;",
    "![x](/etc/passwd)",
    "![x](file.png){width=100%}",
    "[x](javascript:alert(1))",
    "[x](file:///etc/passwd)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<file:///etc/passwd>",
    "[x]{onclick=alert(1)}",
    "{.class #id key=value}",
    "`<b>raw</b>`{=html}",
    "`\\input{/etc/passwd}`{=latex}",
    "\\input{/etc/passwd} \\include{x} \\write18{rm -rf ~} $\\alpha$",
    "^[an inline footnote] [^1] @doe2020 [@doe2020]",
    "::: {.warning}",
    "```{=html}",
    "# Heading {#id}",
    "| a | b |",
    "<<< >>> -- --- ... 'single' \"double\"",
]
BLOCK_ATTACK = "line one\n\n```{=html}\n<script>alert(2)</script>\n```\n\n# injected heading\n"


def squash(text: str) -> str:
    """Folded (quote marks, dashes) and without whitespace: layout may break lines anywhere."""
    return re.sub(r"\s+", "", fold(text))


def attack_project(root: Path) -> Path:
    """A project whose every text field tries an attack, and whose check passes."""
    body = "\n\n".join(ATTACKS) + "\n\n" + BLOCK_ATTACK
    front = textwrap.dedent(f"""\
        ---
        title: {json.dumps(ATTACKS[1])}
        author: {json.dumps(ATTACKS[9])}
        publisher: {json.dumps(ATTACKS[18])}
        date: {json.dumps(ATTACKS[22])}
        url: "javascript:alert(1)"
        accessed: {json.dumps(ATTACKS[13])}
        ---
        """)
    sources = {"hostile.md": front + body, "other.yaml": 'url: "file:///etc/passwd"\n', "other.md": "Plain words here.\n"}
    claims = [f"title: {json.dumps(ATTACKS[0])}", f"subtitle: {json.dumps(ATTACKS[12])}",
              f"author: {json.dumps(ATTACKS[2])}", f"date: {json.dumps(ATTACKS[20])}",
              f"summary: {json.dumps(ATTACKS[21] + chr(10) + chr(10) + BLOCK_ATTACK)}", "sections:"]
    for n, attack in enumerate(ATTACKS):
        if n % 10 == 0:
            claims += [f"  - heading: {json.dumps(attack)}", "    claims:"]
        claims += [f"      - id: attack-{n}", f"        text: {json.dumps('Claim says ' + attack)}",
                   "        citations:", "          - source: hostile",
                   f"            quote: {json.dumps(attack)}",
                   "          - source: other", '            quote: "Plain words"']
    claims += ["      - id: block", f"        text: {json.dumps(BLOCK_ATTACK)}",
               "        source: hostile", f"        quote: {json.dumps(BLOCK_ATTACK.strip())}"]
    return write_project(root, "\n".join(claims) + "\n", sources)


CHILD = textwrap.dedent("""\
    import json, os, socket, sys

    events = {"open": [], "socket": [], "subprocess": []}

    def audit(event, args):
        if event == "open":
            events["open"].append([os.fsdecode(args[0]) if not isinstance(args[0], int) else "",
                                   str(args[1])])
        elif event.startswith("socket."):
            events["socket"].append([event, repr(args)[:200]])
        elif event == "subprocess.Popen":
            events["subprocess"].append([os.fsdecode(args[0]), [os.fsdecode(a) for a in args[1]]])

    class Refused(socket.socket):  # a class, so modules that subclass socket still import
        def __init__(self, *args, **kwargs):
            raise OSError("network access during a build")

    def refuse(*args, **kwargs):
        raise OSError("network access during a build")

    socket.socket = Refused
    socket.create_connection = refuse
    sys.addaudithook(audit)

    from briefing.cli import main
    code = main(sys.argv[2:])
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump({"code": code, **events}, out)
    sys.exit(code)
""")


@pytest.fixture(scope="session")  # built once per worker, never again when xdist interleaves modules
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = attack_project(tmp_path_factory.mktemp("hostile-project"))
    record = root.parent / "events.json"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(record), "build", str(root),
         "--format", "pdf", "--format", "docx", "--format", "html"],
        capture_output=True, text=True, timeout=300, check=False, cwd=root,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root, json.loads(record.read_text(encoding="utf-8"))


# --- every format prints the text literally -------------------------------------------------


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        parts = [docx.read(n).decode("utf-8") for n in ("word/document.xml", "word/footnotes.xml")]
    runs = re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", "".join(parts))
    return html_module.unescape("".join(runs))


def html_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return html_module.unescape(re.sub(r"<[^>]+>", "", page[page.index("<body"):]))


TEXT_OF = {"pdf": pdf_text, "docx": docx_text, "html": html_text}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
@pytest.mark.parametrize("attack", ATTACKS + [BLOCK_ATTACK.strip()], ids=lambda a: a[:28])
def test_attack_prints_literally(built: tuple[Path, dict], fmt: str, attack: str) -> None:
    root, _ = built
    printed = squash(TEXT_OF[fmt](root / "build" / f"briefing.{fmt}"))
    assert squash(attack) in printed
    assert squash("Claim says " + attack) in printed or attack == BLOCK_ATTACK.strip()


def test_html_has_no_active_markup_anywhere(built: tuple[Path, dict]) -> None:
    root, _ = built
    page = (root / "build" / "briefing.html").read_text(encoding="utf-8")
    # The template's own script, which shows each note beside its call (issue 16), and no other.
    own = "<script>\n" + (write.PACKAGE_TEMPLATES / write.NOTES_SCRIPT).read_text(encoding="utf-8") + "\n</script>"
    assert page.count(own) == 1
    page = page.replace(own, "")
    tags = re.findall(r"<\s*([a-zA-Z][\w-]*)", page)
    assert not {t.lower() for t in tags} & {"script", "img", "iframe", "object", "embed", "svg",
                                            "link", "image", "video", "audio", "form", "input",
                                            "base", "frame", "applet"}
    assert [t.lower() for t in tags].count("style") == 1  # the template's own stylesheet
    assert not re.search(r"<[^>]*\son\w+\s*=", page)  # no event handler attributes
    assert not re.search(r"<[^>]*\sstyle\s*=", page)  # no inline styles
    hrefs = re.findall(r'\b(?:href|src|data|action)\s*=\s*"([^"]*)"', page)
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs


def test_pdf_embeds_only_its_evidence_and_links_nowhere(built: tuple[Path, dict]) -> None:
    root, _ = built
    reader = PdfReader(root / "build" / "briefing.pdf")
    # Issue 17 §3: the evidence, and nothing else; the claims file as it is, hostile text and all.
    assert sorted(reader.attachments) == ["check-report.json", "claims.yaml", "sources.lock"]
    assert reader.attachments["claims.yaml"] == [(root / "claims.yaml").read_bytes()]
    assert all(not page.images for page in reader.pages)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                pytest.fail(f"a link to {action['/URI']!r}")  # no source has a web URL
    assert "root:x:0:0" not in pdf_text(root / "build" / "briefing.pdf")


def test_docx_embeds_nothing_and_links_nowhere(built: tuple[Path, dict]) -> None:
    root, _ = built
    with zipfile.ZipFile(root / "build" / "briefing.docx") as docx:
        names = docx.namelist()
        rels = " ".join(docx.read(n).decode() for n in names if n.endswith(".rels"))
        xml = " ".join(docx.read(n).decode() for n in names if n.endswith(".xml"))
    assert not [n for n in names if n.startswith(("word/media", "word/embeddings"))]
    assert 'TargetMode="External"' not in rels
    assert "altChunk" not in xml and "w:object" not in xml and "w:pict" not in xml


def test_every_build_passes_its_own_read_back_checks(built: tuple[Path, dict]) -> None:
    """The read-back's smuggling checks agree: no unsafe content in any output."""
    root, _ = built
    for fmt, checker in readback.CHECKERS.items():
        data = (root / "build" / f"briefing.{fmt}").read_bytes()
        # The PDF's evidence is expected (by name: any other embedded file is still unsafe).
        evidence = ({"attachments": [Attachment(name, copies[0], "") for name, copies
                                     in PdfReader(io.BytesIO(data)).attachments.items() if name in REQUIRED]}
                    if fmt == "pdf" else {})
        found = checker(data, (), draft=False, output=fmt, claims_path="claims.yaml", **evidence)
        assert not [d for d in found if d.code == "build.unsafe-content"], found


# --- nothing outside the project is read, nothing is connected --------------------------------


def allowed_roots(project: Path) -> list[str]:
    """Where a build may read: the project, the package, Python and its libraries, the temp
    folder (pandoc's scratch copy of the reference document), fonts and their configuration,
    and the kernel's and the C library's own files."""
    paths = sysconfig.get_paths()
    roots = {
        project, Path(briefing.__file__).resolve().parent, Path(sys.prefix), Path(sys.base_prefix),
        Path(sys.exec_prefix), Path(sys.base_exec_prefix), Path(paths["stdlib"]), Path(paths["purelib"]),
        Path(paths["platlib"]), Path(tempfile.gettempdir()),
        Path("/etc/fonts"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
        Path("/usr/share/fontconfig"), Path("/var/cache/fontconfig"), Path.home() / ".cache" / "fontconfig",
        Path.home() / ".fonts", Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts.conf",
        Path("/usr/share/zoneinfo"), Path("/proc"), Path("/dev/null"), Path("/dev/urandom"),
        Path("/etc/localtime"), Path("/etc/mime.types"), Path("/usr/share/mime"),
        Path("/usr/lib"), Path("/lib"),
    }
    return sorted({str(r.resolve()) for r in roots} | {str(r) for r in roots})


def inside(path: str, roots: list[str]) -> bool:
    resolved = os.path.realpath(path)
    return any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots for p in (path, resolved))


def test_build_reads_nothing_outside_the_project_and_its_tools(built: tuple[Path, dict]) -> None:
    root, events = built
    roots = allowed_roots(root.resolve())
    # The child ran in the project folder: relative paths are inside it.
    opened = sorted({os.path.join(root, path) for path, _ in events["open"] if path})
    assert opened, "the audit hook saw nothing"
    outside = [p for p in opened if not inside(p, roots)]
    assert outside == []
    secrets = ("/etc/passwd", "/etc/shadow", str(Path.home() / ".ssh"), str(Path.home() / ".netrc"),
               str(Path.home() / ".bash_history"), str(Path.home() / ".config"))
    assert not [p for p in opened if os.path.realpath(p).startswith(secrets)]


def test_build_writes_only_inside_the_project_and_the_temp_folder(built: tuple[Path, dict]) -> None:
    root, events = built
    writable = [str(root.resolve()), os.path.realpath(tempfile.gettempdir()),
                str(Path.home() / ".cache" / "fontconfig"), "/var/cache/fontconfig", "/dev/null"]
    written = {os.path.join(root, p) for p, mode in events["open"] if p and any(m in mode for m in "wax+")}
    assert [p for p in written if not inside(p, writable)] == []


def test_build_opens_no_socket(built: tuple[Path, dict]) -> None:
    _, events = built
    assert events["socket"] == []


def test_pandoc_always_runs_in_its_sandbox_with_only_template_files(built: tuple[Path, dict]) -> None:
    root, events = built
    runs = events["subprocess"]
    assert runs, "pandoc never ran"
    package = str(Path(briefing.__file__).resolve().parent)
    for _, argv in runs:
        if Path(argv[0]).name in ("ldconfig", "gcc", "cc", "ld", "objdump"):
            continue  # ctypes.util.find_library, as WeasyPrint looks for its C libraries
        assert "pandoc" in Path(argv[0]).name, argv
        assert argv[1] == "--sandbox", argv
        named = [a for a in argv[1:] if a.startswith("/")]
        assert all(a.startswith((package, str(root.resolve()), os.path.realpath(tempfile.gettempdir()),
                                 tempfile.gettempdir())) for a in named), named
