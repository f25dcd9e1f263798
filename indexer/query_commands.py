"""CLI commands that read the index: search and eval."""
COMMANDS: list = []
