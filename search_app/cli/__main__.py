"""`python -m search_app.cli`: the same command tree as the `arabic-search` script (the benchmarks use it)."""
from search_app.cli import main

main()
