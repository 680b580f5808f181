"""A real HTTP server on 127.0.0.1 that replays recorded responses, for adapter tests.

Tests register what each path answers (status, headers, body, an optional delay, and
optionally a body trickled byte by byte or sent chunked) and read back the requests it
received, headers included, with when each arrived and was answered. Nothing in dateline
is patched: the code under test talks HTTP to this server through its configured base URL.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One canned answer: status, headers and body, sent after ``delay`` seconds.

    ``trickle`` sends the body one byte at a time, that many seconds apart; ``chunked``
    sends it with ``Transfer-Encoding: chunked`` instead of a ``Content-Length``.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0
    chunked: bool = False

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        return cls(
            status,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", **headers},
        )

    @classmethod
    def file(
        cls, path: Path, status: int = 200, content_type: str = "application/json", **headers: str
    ) -> Reply:
        return cls(status, path.read_bytes(), {"Content-Type": content_type, **headers})


@dataclass
class Seen:
    """A request the server received; when it came and its answer began (``time.monotonic()``)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    received: float = 0.0
    answered: float = 0.0


class ReplayServer:
    """Serve ``Reply`` objects by path (query ignored) on a free port of 127.0.0.1.

    A path may be given a list of replies, answered in turn (the last one repeats).
    Unknown paths get 404 with an empty body.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                parts = urlsplit(self.path)
                seen = Seen(
                    "GET",
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers.items()),
                    received=time.monotonic(),
                )
                with server._lock:
                    server.requests.append(seen)
                    queue = server.routes.get(parts.path)
                    reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Reply(404)
                if reply.delay:
                    time.sleep(reply.delay)
                # when the answer starts: set before sending, since a client may read the
                # whole answer (and a test these times) before this thread runs again
                seen.answered = time.monotonic()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    elif reply.status != 304:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self._send_body(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send_body(self, reply: Reply) -> None:
                step = 1 if reply.trickle else max(len(reply.body), 1)
                for start in range(0, len(reply.body), step):
                    piece = reply.body[start : start + step]
                    if reply.chunked:
                        piece = b"%x\r\n%s\r\n" % (len(piece), piece)
                    self.wfile.write(piece)
                    if reply.trickle:
                        time.sleep(reply.trickle)
                if reply.chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.routes[path] = list(replies)

    def reset(self) -> None:
        with self._lock:
            self.routes.clear()
            self.requests.clear()

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> ReplayServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    try:
        yield server
    finally:
        server.stop()
