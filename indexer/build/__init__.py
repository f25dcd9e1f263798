"""Building and changing a Whoosh index: full rebuilds into a new generation, incremental upserts and deletes
(`rebuild`), the parallel workers and the bulk segment writer under them, and the summary every run prints."""
