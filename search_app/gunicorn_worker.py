"""The gunicorn worker of `arabic-search serve`: request heads are read in the event loop, so a slow client never holds
a thread, and every connection has a deadline.

gunicorn's gthread worker gives a new connection to a pool thread, which then blocks reading the request: a client
that sends half a request and waits holds that thread (a sync worker: the whole process) as long as it likes. Here
the main loop keeps each new connection in its selector and reads whatever has arrived without blocking, until the
request head (and a small declared body) is complete; only then does a pool thread parse and answer it, with a
timeout on each socket read and write. A head not complete within HEAD_SECONDS is answered 408 and closed, one over
HEAD_BUFFER_BYTES 431. The worker accepts a connection only while a pool thread is free, so that the kernel's queue
hands requests to an idle process: search is CPU-bound, one process per core. Plain HTTP/1.x only (no TLS, no h2).
"""
from __future__ import annotations

import errno
import re
import selectors
import socket
import time
from functools import partial

from gunicorn.errors import ConfigError
from gunicorn.workers.gthread import TConn, ThreadWorker

HEAD_SECONDS = 10.0  # from accept (or the end of the previous response) to a complete request head
IO_SECONDS = 10.0  # each socket read or write once a pool thread has the request (the response, a large body)
HEAD_BUFFER_BYTES = 64 * 1024  # above gunicorn's request-line cap and the app's 32 kB of headers: refused with 431
BODY_BUFFER_BYTES = 64 * 1024  # a declared body up to this is read in the loop too; a bigger one is the app's 413
LINGER_SECONDS = 2.0  # after a response, the read side is drained this long at most before closing (RFC 9112 §9.6)
RECV_BYTES = 64 * 1024

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r?\n", re.IGNORECASE)


def request_bytes_needed(buffered: bytes) -> int | None:
    """How many bytes of `buffered` make a request ready for a thread: None while its head is incomplete.

    A declared body up to BODY_BUFFER_BYTES counts too; a bigger or chunked body, or a malformed head, is left to
    gunicorn's parser in the thread (which refuses malformed heads with a 400).
    """
    end = _HEAD_END.search(buffered)
    if end is None:
        return None
    length = _CONTENT_LENGTH.search(buffered, 0, end.end())
    body = int(length.group(1)) if length else 0
    return end.end() + (body if body <= BODY_BUFFER_BYTES else 0)


def _plain_response(status: str, message: str) -> bytes:
    body = message.encode() + b"\n"
    return (f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


REQUEST_TIMEOUT = _plain_response("408 Request Timeout", f"the request head did not arrive within {HEAD_SECONDS:g} s")
HEAD_TOO_LARGE = _plain_response("431 Request Header Fields Too Large",
                                 f"the request head is limited to {HEAD_BUFFER_BYTES} bytes")


class DeadlineSocket(socket.socket):
    """A client socket whose blocking mode has a timeout (gunicorn's thread code sets blocking mode itself).

    A peer that makes no progress for IO_SECONDS is treated as gone: a read returns end of file, a write fails as
    a broken pipe, which gunicorn logs at debug level rather than as a server error.
    """

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(IO_SECONDS)
        else:
            super().setblocking(False)

    def recv(self, *args):
        try:
            return super().recv(*args)
        except TimeoutError:
            return b""

    def sendall(self, *args):
        try:
            return super().sendall(*args)
        except TimeoutError:
            raise BrokenPipeError(errno.EPIPE, f"client read nothing for {IO_SECONDS:g} s") from None

    def sendfile(self, *args, **kwargs):
        try:
            return super().sendfile(*args, **kwargs)
        except TimeoutError:
            raise BrokenPipeError(errno.EPIPE, f"client read nothing for {IO_SECONDS:g} s") from None


def deadline_socket(accepted: socket.socket) -> DeadlineSocket:
    return DeadlineSocket(accepted.family, accepted.type, accepted.proto, fileno=accepted.detach())


class BufferedConn(TConn):
    """gthread's connection plus the bytes read so far in the loop and the time by which its head must be in."""

    def __init__(self, cfg, sock, client, server, linger) -> None:
        super().__init__(cfg, sock, client, server)
        self.buffered = bytearray()
        self.deadline = time.monotonic() + HEAD_SECONDS
        self._linger = linger

    def close(self, graceful: bool = False) -> None:
        if graceful:
            self._linger(self)  # drained by the loop, not by blocking the thread that calls this (the loop itself)
        else:
            super().close()


class BufferedThreadWorker(ThreadWorker):
    """gthread with request heads buffered in the event loop, deadlines on every connection, and accept gated on a
    free pool thread. `threads` sizes the pool; `worker_connections` caps connections (reading or in a thread)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reading: dict[BufferedConn, None] = {}  # insertion order is deadline order
        self.lingering: dict[socket.socket, float] = {}
        self.in_flight = 0

    @classmethod
    def check_config(cls, cfg, log) -> None:
        if cfg.is_ssl or "h2" in cfg.http_protocols or cfg.http2_cleartext != "off":
            raise ConfigError(f"{cls.__name__} serves plain HTTP/1.x only: no certfile, h2 or http2_cleartext")
        super().check_config(cfg, log)

    # accepting: only while a pool thread is free, so an idle worker takes the next request

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and self.alive and self.in_flight < self.cfg.threads)

    def _update_accepting(self) -> None:
        self.set_accept_enabled(self.nr_conns < self.worker_connections)

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = BufferedConn(self.cfg, deadline_socket(client), address, listener.getsockname(), self._start_linger)
        self._read_head(conn)

    # reading the head in the loop

    def _read_head(self, conn: BufferedConn) -> None:
        conn.sock.setblocking(False)
        self.reading[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_readable, conn))

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection has its next request coming: read that head in the loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        conn.deadline = time.monotonic() + HEAD_SECONDS
        self._read_head(conn)

    def _on_head_readable(self, conn: BufferedConn, client) -> None:
        try:
            chunk = client.recv(RECV_BYTES)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away before its request was complete
            self._drop(conn)
            return
        conn.buffered += chunk
        needed = request_bytes_needed(conn.buffered)
        if needed is not None and len(conn.buffered) >= needed:
            self._dispatch(conn)
        elif needed is None and len(conn.buffered) > HEAD_BUFFER_BYTES:
            self._refuse(conn, HEAD_TOO_LARGE)

    def _stop_reading(self, conn: BufferedConn) -> None:
        del self.reading[conn]
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _dispatch(self, conn: BufferedConn) -> None:
        """Hand a complete request to the pool: its bytes go back in front of the parser, which reads nothing else."""
        self._stop_reading(conn)
        conn.init()
        conn.parser.unreader.unread(bytes(conn.buffered))
        conn.buffered = bytearray()
        conn.data_ready = True
        self.enqueue_req(conn)

    def _drop(self, conn: BufferedConn) -> None:
        self._stop_reading(conn)
        self.nr_conns -= 1
        conn.close()

    def _refuse(self, conn: BufferedConn, response: bytes) -> None:
        try:
            conn.sock.send(response)  # best effort, never blocking: small enough for an empty send buffer
        except OSError:
            pass
        self._stop_reading(conn)
        self.nr_conns -= 1
        self._start_linger(conn)

    def murder_pending(self) -> None:
        """Called by the loop about once a second: cut off heads past their deadline, finish expired lingers."""
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.reading):
            if conn.deadline > now:
                break
            self._refuse(conn, REQUEST_TIMEOUT)
        for sock, deadline in list(self.lingering.items()):
            if deadline <= now:
                self._end_linger(sock)

    # the pool

    def enqueue_req(self, conn) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)
        self._update_accepting()

    def finish_request(self, conn, fs) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)
        self._update_accepting()

    # closing: half-close, then drain what the client still sends, in the loop, for LINGER_SECONDS at most

    def _start_linger(self, conn: TConn) -> None:
        sock = conn.sock
        try:
            sock.setblocking(False)
            sock.shutdown(socket.SHUT_WR)
            self.poller.register(sock, selectors.EVENT_READ, self._on_linger_readable)
        except (OSError, ValueError, KeyError):
            sock.close()
            return
        self.lingering[sock] = time.monotonic() + LINGER_SECONDS

    def _on_linger_readable(self, sock) -> None:
        try:
            data = sock.recv(RECV_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._end_linger(sock)

    def _end_linger(self, sock) -> None:
        self.lingering.pop(sock, None)
        try:
            self.poller.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass
        sock.close()
