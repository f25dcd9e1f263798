"""Everything about the index: schema, document sources, cleaning, building, opening and querying it."""
