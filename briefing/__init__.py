"""briefing: citation-checked briefings. The public API, loaded on first use (no I/O here).

    from briefing import load_project, check, build, Settings, Report

`load_project(claims_path, sources_dir, settings)` reads a project; `check(project, settings,
cache)` verifies it into a `Report`; `build(briefing, report, formats, outputs, ...)` renders
and reads back. Importing `briefing` imports nothing else (the CLI's start-up stays quick, and
every stage may import `__version__` from here without a cycle).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["Report", "Settings", "__version__", "build", "check", "load_project"]

# name -> (module, attribute), imported when first asked for.
_API = {
    "load_project": ("briefing.engine.project", "load_project"),
    "check": ("briefing.engine.project", "check_project"),
    "build": ("briefing.render", "build"),
    "Settings": ("briefing.settings", "Settings"),
    "Report": ("briefing.models", "Report"),
}


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    module, attribute = _API[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
