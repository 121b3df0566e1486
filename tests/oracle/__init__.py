"""The nearest-passage search as it was before issue 19's fast paths (commit 30d218b), kept
verbatim as the oracle the property tests compare the fast search with: the passage chosen,
its distance, similarity and word changes must stay the same for every input. Only the search
(`nearest`) is frozen: the alignment and the pieces it calls did not change, so it calls
briefing's own."""
