"""`python -m benchmarks`: the project's speed and quality measured beside the real Lucene peer, in one run.

Not part of the installed product: it drives the production packages (analyzers, indexer, search_app)
and never reimplements indexing, ranking or evaluation, so its numbers are those of production code.
"""
