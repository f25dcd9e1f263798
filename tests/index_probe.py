"""Read what an index holds, for tests that check a build's outcome or search a small hand-made index."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.ingest.article import Article
from indexer.build.rebuild import build_index_dir
from indexer.query.parser import parse_query
from indexer.query.ranking import Ranking, rank
from indexer.query.reader_arrays import ReaderArrays
from indexer.storage.store import IndexStore


def live_ids(root: Path) -> set[str]:
    """The ids of every document the live generation under `root` serves."""
    store = IndexStore(root)
    try:
        with store.searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    finally:
        store.close()



def rank_text(searcher, text: str, *args, **kwargs) -> Ranking:
    """`rank` as `search` calls it: over the searcher's fresh ReaderArrays and the parsed `text`."""
    return rank(ReaderArrays(searcher.reader()), text, parse_query(text), *args, **kwargs)


@contextmanager
def searcher_over(articles: Iterable[Article], directory: Path) -> Iterator:
    """A Whoosh searcher over an index of `articles` built in `directory` with the production analyzer."""
    build_index_dir(articles, directory, "arabic")
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.searcher() as searcher:
            yield searcher
    finally:
        ix.close()
