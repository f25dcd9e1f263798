"""Flask and gunicorn shell over `indexer.search`: an Arabic right-to-left page and a JSON API."""
