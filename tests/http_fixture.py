"""A real HTTP server on 127.0.0.1 for fetch tests: scripted routes, every request recorded.

Tests opt in with ``from tests.http_fixture import feed_server  # noqa: F401``; nothing
reaches the internet.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the status line
    drip_s: float = 0.0  # between body chunks (sent without Content-Length)
    header_drip_s: float = 0.0  # between header lines: the status line and headers arrive one by one


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


Route = Callable[[Seen, int], Reply]  # (request, how many times this path was asked before) -> reply


class FeedServer:
    """``server.route("/feed", fn)`` then fetch ``server.url("/feed")``; ``server.requests`` records all."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with owner._lock:
                    count = sum(1 for r in owner.requests if r.path == self.path)
                    owner.requests.append(seen)
                route = owner.routes.get(self.path)
                reply = route(seen, count) if route else Reply(404, b"no route")
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    if reply.header_drip_s:
                        self.close_connection = True
                        self.wfile.write(f"HTTP/1.1 {reply.status} OK\r\n".encode())
                        for i in range(600):  # 600 headers, one per interval: minutes unless cut off
                            self.wfile.flush()
                            time.sleep(reply.header_drip_s)
                            self.wfile.write(f"X-Drip-{i}: {i}\r\n".encode())
                        return
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if reply.drip_s:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for i in range(0, len(reply.body), 1024):
                            self.wfile.write(reply.body[i : i + 1024])
                            self.wfile.flush()
                            time.sleep(reply.drip_s)
                        self.close_connection = True
                        return
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status not in (204, 304):
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="feed-server", daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def static(self, path: str, reply: Reply) -> str:
        return self.route(path, lambda seen, count: reply)

    def seen(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def dead_port() -> int:
    """A local port with nothing listening (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
