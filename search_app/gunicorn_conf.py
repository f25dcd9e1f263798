"""gunicorn settings for `arabic-search serve`: a worker per core that buffers request heads, bounded requests and
connections, access log on stdout.

Command-line options given by `serve` (--bind, --workers) override the values here.
"""
import multiprocessing
import os

bind = os.environ.get("ARABIC_SEARCH_BIND", "127.0.0.1:8000")
# Search is CPU-bound pure Python: one worker process per core saturates the machine without thrashing.
workers = int(os.environ.get("ARABIC_SEARCH_WORKERS", max(2, multiprocessing.cpu_count())))
# Each worker reads request heads in its event loop and runs complete requests on `threads` pool threads, so a
# slow or hostile client holds a few bytes of buffer, never a thread; a head not complete within 10 s is cut off
# with a 408 (search_app/gunicorn_worker.py, and the measurements in docs/architecture.md). Two threads, not one:
# while one writes a response or waits on a client that reads it slowly, the other searches.
worker_class = "search_app.gunicorn_worker.BufferedThreadWorker"
threads = 2
worker_connections = 1000  # connections per worker, reading or answered; past it the worker stops accepting
backlog = 256
# One request per connection, as the sync workers did: a worker accepts only while a thread is free, so requests go
# to an idle process; a kept-alive connection would tie its client to one process however busy it is.
keepalive = 0

# A search is capped by the validator to well under a second; a worker whose event loop is silent for 30 s is stuck.
timeout = 30
graceful_timeout = 10

# Same limits the app enforces itself (search_app.request_limits), so any server answers alike.
limit_request_line = 8190
limit_request_fields = 64
limit_request_field_size = 8190

READY_MESSAGE = "Worker ready"  # logged once a worker's start-up (index opening included) is over

# Each worker opens its own engine after the fork: open index files are never shared between processes.
preload_app = False


def post_worker_init(worker):
    """Open and prepare the index as the worker boots, so that no client waits for it.

    Nothing may escape: gunicorn stops the whole server when a worker fails to boot. The app is taken from
    its module, not from `worker.wsgi`, which may be wrapped in middleware.
    """
    try:
        from search_app.engine_binding import open_index_early
        from search_app.wsgi import app

        open_index_early(app)
    except Exception:  # noqa: BLE001 - the first request meets (and reports) the same problem
        worker.log.exception("index not opened at worker start")
    # From here on the worker reads index files only inside requests, each of which first checks them.
    worker.log.info("%s (pid: %d)", READY_MESSAGE, os.getpid())

accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# Never auto-reload in production; debug is forced off by search_app.wsgi itself.
reload = False
