"""The synonyms file an engine is configured with, followed as it changes, for each analyzer that reads it.

An entry is analyzed by the analyzer of the index it is matched against; an engine serves one index at a
time but a reindex may change its analyzer, so one SynonymFile is kept per analyzer. The file is checked
when the engine opens, so a configured file that cannot be read is an error at start-up, not an empty list.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from indexer.ingest.article import Skip
from indexer.errors import SynonymsUnreadable
from indexer.query.synonyms import SynonymFile, SynonymRules

SYNONYMS_VARIABLE = "ARABIC_SEARCH_SYNONYMS"


def synonyms_path(given: str | os.PathLike | None) -> Path | None:
    """The file named by `--synonyms`, else by $ARABIC_SEARCH_SYNONYMS, else none."""
    named = given if given is not None else os.environ.get(SYNONYMS_VARIABLE) or None
    return Path(named) if named else None


class SynonymSource:
    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = synonyms_path(path)
        self._files: dict[int, tuple[object, SynonymFile]] = {}
        self._lock = threading.Lock()
        if self.path is not None:
            try:
                self.path.read_bytes()
            except OSError as error:
                raise SynonymsUnreadable(str(Skip(str(self.path), "cannot read synonyms file "
                                                  f"({error.strerror or error})"))) from None

    def rules(self, analyzer) -> SynonymRules | None:
        """The rules in force now for an index analyzed by `analyzer` (None: no file configured)."""
        if self.path is None:
            return None
        entry = self._files.get(id(analyzer))
        if entry is None or entry[0] is not analyzer:
            with self._lock:
                entry = self._files.get(id(analyzer))
                if entry is None or entry[0] is not analyzer:
                    if len(self._files) > 8:  # analyzers of indexes no longer served
                        self._files.clear()
                    entry = self._files[id(analyzer)] = (analyzer, SynonymFile(self.path, analyzer))
        return entry[1].rules()


__all__ = ["SynonymSource", "SynonymsUnreadable", "synonyms_path", "SYNONYMS_VARIABLE"]
