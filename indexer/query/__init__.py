"""From a search request to ranked, highlighted hits: parser, ranking, highlight, suggest, related."""
