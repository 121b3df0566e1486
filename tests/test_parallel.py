"""Verifying in several processes gives exactly the single-process report."""

from briefing.config import Settings
from briefing.models import Briefing, Citation, Claim, Section, Source
from briefing.verify import verify

TEXT = ("The OIC said that 613 civilians were killed, including 63 children. " * 40
        + "Later the OIC said the fate of 150 hostages remains unknown.")


def _briefing() -> tuple[Briefing, dict[str, Source]]:
    sources = {f"s{i}": Source(f"s{i}", f"sources/s{i}.md", "text", TEXT.replace("613", str(600 + i)),
                               sha256=f"{i:064x}")
               for i in range(12)}
    claims = tuple(
        Claim(f"c{i}", f"It gives {600 + i} killed.",
              (Citation(f"s{i}", f"that {600 + i + (i % 3 == 0)} civilians were killed", 1),), 1)
        for i in range(12))
    return Briefing("claims.yaml", "T", (Section("H", claims),)), sources


def test_parallel_report_equals_sequential() -> None:
    briefing, sources = _briefing()
    sequential = verify(briefing, sources, settings=Settings(workers=1))
    parallel = verify(briefing, sources, settings=Settings(workers=3))
    assert parallel == sequential
    statuses = [c.status.value for c in parallel.claims]
    assert statuses.count("misquoted") == 4 and statuses.count("verified") == 8
    # A misquote of s0 ("601") is exact in s1, which another worker holds.
    assert parallel.claims[0].citations[0].found_in == ("s1",)
