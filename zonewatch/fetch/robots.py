"""robots.txt, fetched once per host and cached for the Fetcher's lifetime (RFC 9309)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from protego import Protego

from zonewatch.fetch.errors import TRANSPORT_ERRORS, classify

__all__ = ["RobotsCache", "RobotsRules", "MAX_ROBOTS_BYTES"]

MAX_ROBOTS_BYTES = 500 * 1024   # RFC 9309 2.5: parse at least the first 500 KiB


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt allows. ``status`` is None when it could not be fetched."""

    robots_url: str
    status: int | None
    parser: Protego | None = None
    disallow_all: bool = False
    note: str = ""
    error_kind: str | None = None     # "connection" / "timeout" when robots.txt was unreachable

    def allows(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    """Fetches robots.txt through the Fetcher's session (mirror routing, retries included).

    2xx: parse; 4xx (but 429): no rules, allow all; 429, 5xx or unreachable: disallow
    all for the rest of the run, as RFC 9309 2.3.1.3-4 asks.
    """

    def __init__(self, session: requests.Session, user_agent: str, *, timeout: tuple[float, float]) -> None:
        self._session = session
        self._user_agent = user_agent
        self._timeout = timeout
        self._rules: dict[str, RobotsRules] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        key = parts.netloc.lower()
        with self._lock:
            if key in self._rules:
                return self._rules[key]
            host_lock = self._host_locks.setdefault(key, threading.Lock())
        with host_lock:   # one fetch per host even when threads race for it
            with self._lock:
                if key in self._rules:
                    return self._rules[key]
            rules = self._fetch(f"{parts.scheme}://{parts.netloc}/robots.txt")
            with self._lock:
                self._rules[key] = rules
            return rules

    def allowed(self, url: str) -> tuple[bool, RobotsRules]:
        rules = self.rules_for(url)
        return rules.allows(url, self._user_agent), rules

    def crawl_delay(self, host: str) -> float | None:
        """Crawl-delay for a host (``host`` or ``host:port``) already looked up, else None."""
        with self._lock:
            rules = self._rules.get(host.lower())
        return rules.crawl_delay(self._user_agent) if rules else None

    def _fetch(self, robots_url: str) -> RobotsRules:
        try:
            with self._session.get(robots_url, timeout=self._timeout, stream=True, allow_redirects=True) as resp:
                status = resp.status_code
                if 200 <= status < 300:
                    body = _read_capped(resp, MAX_ROBOTS_BYTES)
                    return RobotsRules(robots_url, status, Protego.parse(body.decode("utf-8", errors="replace")))
        except requests.TooManyRedirects:
            return RobotsRules(robots_url, None, note="too many redirects: treated as absent")
        except TRANSPORT_ERRORS as exc:
            kind, detail = classify(exc)
            return RobotsRules(robots_url, None, disallow_all=True, note=detail, error_kind=kind)
        if status == 429 or status >= 500:
            return RobotsRules(robots_url, status, disallow_all=True, note=f"status {status}: disallow all")
        return RobotsRules(robots_url, status, note=f"status {status}: no rules")


def _read_capped(resp: requests.Response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]
