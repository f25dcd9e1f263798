"""CLI commands that change or describe the index: reindex, add, delete, stats."""
COMMANDS: list = []
