"""Reading articles: document sources, cleaning and the article record."""
