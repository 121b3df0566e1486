"""briefing: citation-checked briefings (no I/O here)."""

__version__ = "0.1.0"
