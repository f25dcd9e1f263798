"""The OpenSearch side of the cluster engine: where an index lives (location), what it holds (mapping,
documents), how a query tree becomes a filter (query_dsl), and how hits are ranked exactly as the embedded
engine ranks them (ranking). Text is analyzed in Python only: the cluster stores our terms."""
