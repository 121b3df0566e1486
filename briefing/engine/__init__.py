"""Running a check: loading a project, the worker processes, the on-disk cache (does I/O)."""
