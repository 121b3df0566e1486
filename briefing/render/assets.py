"""The files a prose briefing may bring into its outputs: its images and its CSL style (reads files).

Issue 16: images come from the project folder and nothing else; the CSL style is the package's
default (or a `templates/` file of the same name), or the file `csl:` names in the project
folder or its templates/ folder. Paths are resolved first, so `..` and links cannot lead out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefing.diagnostics import BUILD_FETCH_REFUSED, Diagnostic, Location, Severity
from briefing.document.cites import ast_nodes
from briefing.render.csl import DEFAULT_CSL
from briefing.render.document import DocImage
from briefing.render.write import RenderError, Templates

# The raster formats every output takes as they are (WeasyPrint, Word, browsers), by what
# Pillow reads in the file, not by its name.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def image_targets(ast: Mapping[str, Any]) -> list[str]:
    """Every image target the document names, once, in order."""
    return list(dict.fromkeys(node["c"][2][0] for node in ast_nodes(ast.get("blocks", []))
                              if node.get("t") == "Image"))


def project_file(target: str, project: Path) -> Path | None:
    """The file inside `project` that a relative Markdown target names, or None."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or not parts.path:
        return None  # http:, file:, data:, //host, ?x: never a project file
    relative = Path(parts.path)
    if relative.is_absolute() or relative.drive:
        return None
    root = project.resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def load_images(ast: Mapping[str, Any], document_path: Path, text: str) -> tuple[dict[str, DocImage], list[Diagnostic]]:
    """The document's images read from its folder; each refused one a warning at its place."""
    from PIL import Image, UnidentifiedImageError

    project = document_path.parent
    images: dict[str, DocImage] = {}
    refusals: list[Diagnostic] = []
    for target in image_targets(ast):
        path = project_file(target, project)
        reason = "not a file in the project folder"
        if path is not None:
            try:
                data = path.read_bytes() if path.stat().st_size <= MAX_IMAGE_BYTES else b""
                with Image.open(io.BytesIO(data)) as picture:
                    kind, (width, height) = picture.format or "", picture.size
                if kind in IMAGE_TYPES:
                    images[target] = DocImage(target, data, IMAGE_TYPES[kind], width, height)
                    continue
                reason = f"a {kind} image; only PNG, JPEG and GIF are"
            except (OSError, UnidentifiedImageError, ValueError):
                reason = f"not a PNG, JPEG or GIF image of at most {MAX_IMAGE_BYTES // 2**20} MB"
        refusals.append(Diagnostic(
            BUILD_FETCH_REFUSED, f"refused to load image {target[:200]!r}: {reason}",
            _place(document_path, text, target),
            "put the image in the project folder and name it by a relative path; it prints as its "
            "description until then", Severity.WARNING))
    return images, refusals


def _place(path: Path, text: str, target: str) -> Location:
    offset = text.rfind("![", 0, max(text.find(f"]({target}"), 0))
    if offset < 0:
        return Location(str(path), 1)
    line = text.count("\n", 0, offset) + 1
    return Location(str(path), line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def find_style(name: str, document_path: Path, templates: Templates) -> Path:
    """The CSL file to format the notes with (raises RenderError naming what is wrong).

    The default is the package's Chicago notes-bibliography style, which a file of the same
    name in the project's templates/ folder overrides; `csl: FILE.csl` picks a file in the
    project folder or its templates/ folder, and nothing else may be read.
    """
    if name == DEFAULT_CSL:
        return templates.path(DEFAULT_CSL)
    project = document_path.parent
    if Path(name).suffix.lower() == ".csl":
        for folder in (project, project / "templates"):
            path = project_file(name, folder)
            if path is not None:
                return path
    raise RenderError(f"{document_path}: csl: {name[:200]!r} is not a .csl file in {project} or "
                      f"{project / 'templates'}")
