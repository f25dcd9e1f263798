"""Read what the live index holds, for tests that check a build's outcome through the public store."""
from __future__ import annotations

from pathlib import Path

from indexer.store import IndexStore


def live_ids(root: Path) -> set[str]:
    """The ids of every document the live generation under `root` serves."""
    store = IndexStore(root)
    try:
        with store.searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    finally:
        store.close()
