"""Shared pieces for the fetch tests: a test registry, a site builder and a fault-injecting server."""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from zonewatch.sources import Source


def make_source(*hosts: str, encoding: str | None = None, delay_s: float = 0.0, id: str = "test") -> Source:
    return Source(id=id, name=id, parser="generic", hosts=tuple(hosts), start_urls=(f"http://{hosts[0]}/",),
                  article_pattern=r"^.*$", encoding=encoding, delay_s=delay_s)


def write_site(root: Path, host: str, files: dict[str, bytes | str | dict]) -> None:
    """Files of one mirrored host; a dict value is the ``.meta.json`` sidecar of that path."""
    for rel, body in files.items():
        path = root / host / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, dict):
            if not path.name.endswith(".meta.json"):
                path = path.with_name(path.name + ".meta.json")
            path.write_text(json.dumps(body), encoding="utf-8")
        else:
            path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"<html><body>ok</body></html>"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay_s: float = 0.0          # before the status line
    trickle_s: float = 0.0        # between body bytes
    content_length: int | None = None


class FaultServer:
    """127.0.0.1 server playing scripted replies per path; the last reply of a script repeats."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.hits: dict[str, int] = {}
        self.hit_times: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        return self.hits.get(path, 0)

    def script(self, path: str, *replies: Reply) -> str:
        self.scripts[path] = list(replies)
        return self.url(path)

    def start(self) -> FaultServer:
        if not self._thread.is_alive():
            self._thread.start()
        return self

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def _next(self, path: str) -> Reply:
        with self._lock:
            n = self.hits.get(path, 0)
            self.hits[path] = n + 1
            self.hit_times.setdefault(path, []).append(time.monotonic())
        script = self.scripts.get(path)
        if not script:
            return Reply(404, b"<html>not found</html>")
        return script[min(n, len(script) - 1)]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                reply = server._next(self.path.split("?", 1)[0])
                try:
                    if reply.delay_s:
                        time.sleep(reply.delay_s)
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    length = reply.content_length if reply.content_length is not None else len(reply.body)
                    self.send_header("Content-Length", str(length))
                    if length != len(reply.body):     # a truncated body: the client must not wait for more
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    if reply.trickle_s:
                        for i in range(len(reply.body)):
                            self.wfile.write(reply.body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle_s)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        return Handler
