"""Offline mirror: a local server holding copies of real sites, and the transport that routes to it.

``MirrorServer(root)`` serves ``root/<host>/<path>`` chosen by the request's Host header.
``MirrorAdapter(base_url)`` is mounted on a requests Session: each request goes to the
mirror with its real Host header and the response comes back labelled with the real
URL, so allowlists, redirects, robots.txt, WARC records and the warehouse above it only
ever see real URLs.

Sidecar ``<file>.meta.json`` = ``{"status": 301, "headers": {"Location": "…"}}`` overrides
the status and headers of a path (the file itself may then be absent); a header given as
``null`` is left out (``{"headers": {"ETag": null}}`` serves a file without a validator).

Files are served as a static web server serves them: with a strong ``ETag`` (a hash of the
bytes) and ``Last-Modified`` (the file's mtime), and a ``304 Not Modified`` without a body
for a GET whose ``If-None-Match`` matches, or (without If-None-Match) whose
``If-Modified-Since`` is not older than the file (RFC 9110 13.2.2).
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import threading
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from requests.adapters import HTTPAdapter

__all__ = ["MirrorServer", "MirrorAdapter"]

_HOST = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_TYPES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}
_NOT_FOUND = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


class MirrorServer:
    """Serves a directory of per-host site copies on 127.0.0.1 (an ephemeral port unless given)."""

    def __init__(self, root: Path | str, port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.port = port
        self.seen: list[tuple[str, str, str]] = []   # (method, Host header, path) of each request
        self.replies: list[tuple[str, str, int]] = []   # (Host header, path, status) of each reply
        self._seen_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("mirror server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        if self._server is None:
            self._server = _QuietServer(("127.0.0.1", self.port), _handler_for(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="mirror-server", daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> MirrorServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _record(self, method: str, host: str, path: str) -> None:
        with self._seen_lock:
            self.seen.append((method, host, path))

    def _replied(self, host: str, path: str, status: int) -> None:
        with self._seen_lock:
            self.replies.append((host, path, status))

    def resolve(self, host: str, url_path: str) -> Path | None:
        """File for a request (may not exist), or None for a bad host or a path outside its folder."""
        if not _HOST.match(host.lower()):
            return None
        host_dir = (self.root / host.lower()).resolve()
        relative = unquote(url_path).lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (host_dir / relative).resolve()
        if not target.is_relative_to(host_dir):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that went away mid-reply (a killed crawler) is no server error."""
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def _handler_for(mirror: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._respond(body=True)

        def do_HEAD(self) -> None:
            self._respond(body=False)

        def log_message(self, format: str, *args) -> None:   # quiet
            pass

        def _respond(self, *, body: bool) -> None:
            host_header = self.headers.get("Host", "")
            host = host_header.rsplit(":", 1)[0] if not host_header.startswith("[") else host_header
            path = urlsplit(self.path).path   # query string ignored
            mirror._record(self.command, host_header, path)
            target = mirror.resolve(host, path) if host else None
            meta = _read_meta(target)
            if target is not None and target.is_file():
                status, payload = 200, target.read_bytes()
                headers = {"Content-Type": _TYPES.get(target.suffix.lower())
                           or mimetypes.guess_type(target.name)[0] or "application/octet-stream",
                           "ETag": _etag(payload), "Last-Modified": _http_date(target.stat().st_mtime)}
            elif meta is not None:
                status, payload, headers = 200, b"", {}
            else:
                status, payload, headers = 404, _NOT_FOUND, {"Content-Type": "text/html"}
            if meta is not None:
                status = int(meta.get("status", status))
                headers.update(meta.get("headers", {}))
            headers = {k: v for k, v in headers.items() if v is not None}
            if status == 200 and _not_modified(self.headers, headers):
                status, payload = 304, b""
                headers = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
            mirror._replied(host_header, path, status)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, str(value))
            if status != 304:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body and status != 304:
                self.wfile.write(payload)

    return Handler


def _etag(payload: bytes) -> str:
    return '"' + hashlib.blake2b(payload, digest_size=12).hexdigest() + '"'


def _http_date(mtime: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(mtime), timezone.utc), usegmt=True)


def _not_modified(request_headers, response_headers: dict) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    etag = response_headers.get("ETag")
    inm = request_headers.get("If-None-Match")
    if inm is not None:
        if etag is None:
            return False
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    ims = request_headers.get("If-Modified-Since")
    modified = response_headers.get("Last-Modified")
    if ims is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False


def _read_meta(target: Path | None) -> dict | None:
    if target is None:
        return None
    sidecar = target.with_name(target.name + ".meta.json")
    if not sidecar.is_file():
        return None
    return json.loads(sidecar.read_text(encoding="utf-8"))


class MirrorAdapter(HTTPAdapter):
    """Transport that sends every request to the mirror server under its real Host header."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def send(self, request, **kwargs):
        real_url = request.url
        real = urlsplit(real_url)
        routed = request.copy()
        routed.url = urlunsplit((self._scheme, self._netloc, real.path or "/", real.query, ""))
        routed.headers["Host"] = real.netloc
        response = super().send(routed, **kwargs)
        response.url = real_url
        response.request = request
        location = response.headers.get("Location")
        if location and location.startswith(self.base_url):
            # Only if the mirror made a Location of its own; real-URL Locations stay as they are.
            response.headers["Location"] = f"{real.scheme}://{real.netloc}{location[len(self.base_url):]}"
        return response
