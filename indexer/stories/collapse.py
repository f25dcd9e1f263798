"""One hit per story: the collapse of a ranked list, shared by both engines."""
from __future__ import annotations

import numpy as np


def first_of_each(stories: np.ndarray) -> np.ndarray:
    """The positions of each story's first (best-ranked) entry in a ranked list of story ids, in rank order."""
    if not len(stories):
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(stories, return_index=True)
    return np.sort(first)
