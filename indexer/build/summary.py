"""What a reindex/add/delete did, counted as it happens and printed at the end: nothing is lost silently."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from indexer.ingest.article import Skip


@dataclass
class BuildSummary:
    """Counts of one indexing run; `duplicates` are bodies identical to an already indexed one."""

    indexed: int = 0
    updated: int = 0
    deleted: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    generation: str = ""
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return (self.indexed + self.updated) / self.seconds if self.seconds > 0 else 0.0

    def skip_reasons(self) -> Counter:
        """Skips grouped by reason without the variable details (`field 'id' ...` stays whole)."""
        return Counter(skip.reason.split(" (")[0] for skip in self.skipped)

    def lines(self, max_skips: int = 50) -> list[str]:
        """The human summary: totals first, then each skipped record (capped), then the reasons tally."""
        head = (
            f"indexed {self.indexed}, updated {self.updated}, duplicates {self.duplicates}, "
            f"skipped {len(self.skipped)}"
        )
        if self.deleted or self.not_found:
            head += f", deleted {self.deleted}, not found {len(self.not_found)}"
        if self.seconds:
            head += f" in {self.seconds:.1f}s ({self.docs_per_second:,.0f} docs/s)"
        if self.generation:
            head += f"; live generation {self.generation}"
        lines = [head]
        lines += [f"skipped {skip}" for skip in self.skipped[:max_skips]]
        if len(self.skipped) > max_skips:
            lines.append(f"... and {len(self.skipped) - max_skips} more skipped records")
        lines += [f"not found: {doc_id}" for doc_id in self.not_found[:max_skips]]
        if self.skipped:
            tally = ", ".join(f"{reason}: {count}" for reason, count in self.skip_reasons().most_common())
            lines.append(f"skip reasons: {tally}")
        return lines
