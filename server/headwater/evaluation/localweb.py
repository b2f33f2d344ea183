"""A tiny web server on 127.0.0.1 that serves test fixtures (no network in tests).

Routes map a path to a Response or to a callable(handler) -> Response, so a test
can serve a redirect, a slow body, a 404 or a binary file as easily as a page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds to wait before answering
    chunks: list[bytes] | None = None  # stream these, flushing between them
    chunk_delay: float = 0.0


class FixtureWeb:
    def __init__(self):
        self.routes: dict[str, Response | Callable] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, headers) seen
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                web.requests.append(("GET", self.path, dict(self.headers)))
                route = web.routes.get(self.path) or web.routes.get(self.path.split("?")[0])
                if route is None:
                    response = Response("not found", status=404, headers={"Content-Type": "text/plain"})
                elif callable(route):
                    response = route(self)
                else:
                    response = route
                self._send(response)

            def do_HEAD(self):
                self.do_GET()

            def _send(self, response: Response):
                if response.delay:
                    time.sleep(response.delay)
                body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                try:
                    if response.chunks is not None:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in response.chunks:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                            if response.chunk_delay:
                                time.sleep(response.chunk_delay)
                        self.close_connection = True
                        return
                    if "Content-Length" not in response.headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size cap, timeout): that is the point of the test

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        # a short poll interval so that stop() returns at once, not after half a second
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, response: Response | Callable | str) -> str:
        if isinstance(response, str):
            response = Response(response)
        self.routes[path] = response
        return self.url(path)

    def start(self) -> FixtureWeb:
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
