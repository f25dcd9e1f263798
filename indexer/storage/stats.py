"""What the live index holds: document count, counts per source and category, date range, size, last update."""
from __future__ import annotations

from collections import Counter

from indexer.storage.layout import directory_size
from indexer.storage.store import IndexStore


def collect_stats(store: IndexStore) -> dict:
    """A JSON-ready description of the live generation (reads every stored document once)."""
    pointer = store.pointer
    sources: Counter = Counter()
    categories: Counter = Counter()
    oldest = newest = None
    with store.searcher() as searcher:
        count = searcher.doc_count()
        for fields in searcher.all_stored_fields():
            sources[fields.get("source") or "(none)"] += 1
            categories[fields.get("category") or "(none)"] += 1
            published = fields.get("published")
            if published is not None:
                oldest = published if oldest is None or published < oldest else oldest
                newest = published if newest is None or published > newest else newest
    return {
        "index": str(store.root),
        "generation": pointer.live,
        "documents": count,
        "sources": dict(sources.most_common()),
        "categories": dict(categories.most_common()),
        "date_range": [oldest.isoformat() if oldest else None, newest.isoformat() if newest else None],
        "size_bytes": directory_size(store.root / pointer.live),
        "updated": pointer.updated,
    }
