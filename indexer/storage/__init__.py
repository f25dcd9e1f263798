"""Where an index lives: the schema, generation layout and pointer, writer lock, store and stats."""
