"""The prose document, `briefing.md` (issue 16): pandoc Markdown around checked claims.

`read` turns the file into pandoc's JSON AST (pandoc is the one Markdown parser, so what is
checked is what is rendered); `cites` finds where the prose cites claims with `[@claim-id]`.
"""

from __future__ import annotations

# The prose document beside the claims file.
DOCUMENT_NAME = "briefing.md"
