"""The WSGI entry point gunicorn loads (`search_app.wsgi:app`); debug is forced off whatever the environment says."""
from search_app.factory import create_app

app = create_app({"DEBUG": False, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
