"""The polite HTTP client: one URL in, one FetchResult out, never an exception for web trouble.

Per request: allowlist -> robots.txt -> per-host delay -> GET (urllib3 retries) ->
streamed body within a byte and time budget -> WARC record -> redirect or decode.
Redirects are followed here, not by requests, so every hop passes the same checks.

Conditional GET: ``fetch(url, validators=Validators(etag, last_modified))`` sends
If-None-Match / If-Modified-Since (on every hop); a ``304 Not Modified`` answer comes back
as ``ok=True, not_modified=True`` with no body. Every 2xx result carries ``body_hash``
(SHA-256 of the body) and the response's ``etag`` / ``last_modified`` to store for next time.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from zonewatch.fetch.archive import CapturedResponse, WarcArchive, WarcLocation
from zonewatch.fetch.encoding import DecodeError, decode_body
from zonewatch.fetch.errors import TRANSPORT_ERRORS, attempts_of, classify
from zonewatch.fetch.mirror import MirrorAdapter
from zonewatch.fetch.politeness import MAX_CRAWL_DELAY, POLITENESS, Politeness, polite_delay
from zonewatch.fetch.robots import RobotsCache
from zonewatch.sources import Source

__all__ = ["ERROR_KINDS", "FetchResult", "Fetcher", "Validators", "body_hash"]

ERROR_KINDS = ("http_status", "timeout", "connection", "redirect_offsite", "redirect_loop", "too_large",
               "robots_disallowed", "decode", "not_html", "invalid_url")
DEFAULT_USER_AGENT = "zonewatch/0.1 (+https://github.com/zonewatch)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024


class Validators(NamedTuple):
    """What a previous response said about its version, sent back to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


def body_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class FetchResult:
    url: str                                  # as requested
    final_url: str                            # after redirects (the real URL, also with a mirror)
    status: int | None = None
    ok: bool = False                          # 2xx and the body accepted (complete, decodable HTML)
    content: bytes = field(default=b"", repr=False)
    text: str | None = field(default=None, repr=False)
    encoding: str | None = None               # codec used for ``text``
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    error: str | None = None
    error_kind: str | None = None             # one of ERROR_KINDS
    truncated: bool = False
    bytes: int = 0
    elapsed_ms: int = 0                       # wall time without the politeness waits
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    attempts: int = 0                         # tries of the last request (urllib3 retries included)
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    not_modified: bool = False                # 304 to a conditional GET: the stored copy is current
    etag: str | None = None                   # validators of the response, for the next conditional GET
    last_modified: str | None = None
    body_hash: str | None = None              # SHA-256 of a complete 2xx body


@dataclass
class _Hop:
    """One HTTP exchange of a fetch (a redirect step or the final response)."""

    url: str
    response: requests.Response
    attempts: int = 1
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))   # headers received
    content: bytes = b""
    truncated: str | None = None              # WARC-Truncated reason
    error_kind: str | None = None
    error: str | None = None
    location: WarcLocation | None = None


# Deadline (time.monotonic) of the fetch running in this thread; read by _FetchRetry, which
# urllib3 calls deep inside requests where no per-request argument reaches.
_budget = threading.local()


class _FetchRetry(Retry):
    """urllib3 Retry that notes on the exception it gives up with how many attempts were
    made, and gives up early when the next wait would overrun the fetch's time budget."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        try:
            new = super().increment(method, url, response, error, _pool, _stacktrace)
        except Exception as exc:
            exc.zonewatch_attempts = len(self.history) + 1
            raise
        deadline = getattr(_budget, "deadline", None)
        if deadline is not None and time.monotonic() + new._next_wait(response) >= deadline:
            reason = error or ResponseError(f"time budget spent after {len(new.history)} attempts")
            exc = MaxRetryError(_pool, url, reason)
            exc.zonewatch_attempts = len(new.history)
            raise exc from reason
        return new

    def _next_wait(self, response) -> float:
        wait = self.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            try:
                wait = max(wait, self.get_retry_after(response) or 0.0)
            except urllib3.exceptions.InvalidHeader:
                pass
        return wait


class _FetchFailed(Exception):
    def __init__(self, kind: str, message: str, *, attempts: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts = attempts


class Fetcher:
    """Fetches pages of the registry's hosts politely. One Fetcher per thread; the per-host
    delays are shared by all Fetchers of the process (``politeness``).

    The archive belongs to the caller: the Fetcher writes to it but does not close it.
    """

    def __init__(self, sources: Iterable[Source], *, archive: WarcArchive | None = None,
                 user_agent: str = DEFAULT_USER_AGENT, connect_timeout: float = 5, read_timeout: float = 20,
                 max_bytes: int = 10 * 2**20, retries: int = 3, backoff_factor: float = 0.5,
                 delay_override: float | None = None, mirror: str | None = None,
                 total_timeout: float = 60.0, max_redirects: int = 5, max_retry_after: float = 30.0,
                 max_crawl_delay: float = MAX_CRAWL_DELAY, politeness: Politeness | None = None) -> None:
        self.sources = tuple(sources)
        self._by_host = {host: s for s in self.sources for host in s.hosts}
        self.archive = archive
        self.user_agent = user_agent
        self.timeout = (connect_timeout, read_timeout)
        self.max_bytes = max_bytes
        self.retries = retries
        self.delay_override = delay_override
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.max_crawl_delay = max_crawl_delay
        self.politeness = politeness or POLITENESS
        self.session = self._session(mirror, _FetchRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0, redirect=False,
            status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET", "HEAD"}),
            backoff_factor=backoff_factor, backoff_max=10.0, retry_after_max=max_retry_after,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False))
        self.robots = RobotsCache(self.session, user_agent, timeout=self.timeout)

    def _session(self, mirror: str | None, retry: Retry) -> requests.Session:
        session = requests.Session()
        session.headers.update({"User-Agent": self.user_agent,
                                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
        session.max_redirects = self.max_redirects   # robots.txt only; pages redirect by hand
        adapter = MirrorAdapter(mirror, max_retries=retry) if mirror else HTTPAdapter(max_retries=retry)
        if mirror:
            session.trust_env = False   # the mirror is local: no proxy from the environment
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- one fetch ------------------------------------------------------------------

    def fetch(self, url: str, *, allow_any_host: bool = False, validators: Validators | None = None) -> FetchResult:
        started = time.monotonic()
        conditional = validators.headers() if validators is not None else {}
        # The budget counts network time: politeness waits extend it.
        _budget.deadline = started + self.total_timeout
        waited = 0.0
        target = urldefrag(url).url
        seen: set[str] = set()
        hop: _Hop | None = None
        try:
            self._check_url(target, allow_any_host)
            while True:
                seen.add(target)
                wait = self._before_request(target)
                waited += wait
                _budget.deadline += wait
                hop = self._exchange(target, _budget.deadline, conditional)
                self._archive(hop)
                location = hop.response.headers.get("Location")
                if hop.error_kind or hop.response.status_code not in REDIRECT_STATUSES or not location:
                    break
                next_url = urldefrag(urljoin(target, location.strip())).url
                self._check_redirect(target, next_url, seen, allow_any_host)
                target = next_url
        except _FetchFailed as failed:
            result = self._failed(url, target, hop, failed)
        else:
            result = self._finish(url, hop, conditional=bool(conditional))
        finally:
            _budget.deadline = None
        result.elapsed_ms = int((time.monotonic() - started - waited) * 1000)
        return result

    def _check_url(self, url: str, allow_any_host: bool) -> None:
        host = _http_host(url)
        if host is None:
            raise _FetchFailed("invalid_url", f"invalid_url: not an absolute http(s) URL: {url!r}")
        if not allow_any_host and host not in self._by_host:
            raise _FetchFailed("invalid_url", f"invalid_url: host {host!r} is not in the allowlist, for {url}")

    def _check_redirect(self, source_url: str, next_url: str, seen: set[str], allow_any_host: bool) -> None:
        host = _http_host(next_url)
        if host is None:
            raise _FetchFailed("invalid_url", f"invalid_url: {source_url} redirects to {next_url!r}, "
                                              "not an http(s) URL")
        if not allow_any_host and host not in self._by_host:
            raise _FetchFailed("redirect_offsite", f"redirect_offsite: {source_url} redirects to {next_url}, "
                                                   "whose host is not in the allowlist")
        if next_url in seen:
            raise _FetchFailed("redirect_loop", f"redirect_loop: {source_url} redirects back to {next_url}")
        if len(seen) > self.max_redirects:
            raise _FetchFailed("redirect_loop", f"redirect_loop: more than {self.max_redirects} redirects, "
                                                f"last {source_url} -> {next_url}")

    def _before_request(self, url: str) -> float:
        """robots.txt check and the per-host wait; returns the seconds waited."""
        allowed, rules = self.robots.allowed(url)
        if not allowed:
            if rules.error_kind:   # host unreachable: say so rather than blame robots.txt
                raise _FetchFailed(rules.error_kind, f"{rules.error_kind}: {rules.robots_url} unreachable "
                                                     f"({rules.note}), not fetching {url}")
            why = f" ({rules.note})" if rules.note else ""
            raise _FetchFailed("robots_disallowed", f"robots_disallowed: {rules.robots_url}{why} forbids {url}")
        parts = urlsplit(url)
        source = self._by_host.get((parts.hostname or "").lower())
        delay = polite_delay(source.delay_s if source else None, override=self.delay_override,
                             crawl_delay=rules.crawl_delay(self.user_agent), max_crawl_delay=self.max_crawl_delay)
        return self.politeness.wait(parts.netloc.lower(), delay)

    def _exchange(self, url: str, deadline: float, conditional: dict[str, str] | None = None) -> _Hop:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _FetchFailed("timeout", f"timeout: no time left of the {self.total_timeout:g} s budget for {url}")
        timeout = (min(self.timeout[0], remaining), min(self.timeout[1], remaining))
        try:
            response = self.session.get(url, stream=True, allow_redirects=False, timeout=timeout,
                                        headers=conditional or None)
        except TRANSPORT_ERRORS as exc:
            kind, detail = classify(exc)
            raise _FetchFailed(kind, f"{kind}: {detail} for {url}",
                               attempts=attempts_of(exc, default=self.retries + 1)) from exc
        retries = getattr(response.raw, "retries", None)
        hop = _Hop(url, response, attempts=len(retries.history) + 1 if retries is not None else 1)
        self._read_body(hop, deadline)
        return hop

    def _read_body(self, hop: _Hop, deadline: float) -> None:
        """Read the body with read1 (one socket read at a time), so the byte limit and the
        overall deadline are checked between reads: a slow trickle cannot hold a fetch."""
        raw = hop.response.raw
        chunks: list[bytes] = []
        size = 0
        complete = False
        try:
            while True:
                if time.monotonic() > deadline:
                    hop.truncated, hop.error_kind = "time", "timeout"
                    hop.error = (f"timeout: body not complete after the {self.total_timeout:g} s budget "
                                 f"({size} bytes read) for {hop.url}")
                    break
                chunk = raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    complete = True
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_bytes:
                    hop.truncated, hop.error_kind = "length", "too_large"
                    hop.error = (f"too_large: body exceeds {self.max_bytes} bytes, kept the first "
                                 f"{self.max_bytes} for {hop.url}")
                    break
        except TRANSPORT_ERRORS as exc:
            kind, detail = classify(exc)
            if isinstance(exc, urllib3.exceptions.DecodeError):
                kind, detail = "decode", f"bad Content-Encoding ({exc})"
            hop.truncated, hop.error_kind = "disconnect", kind
            hop.error = f"{kind}: {detail} while reading the body ({size} bytes read) for {hop.url}"
        finally:
            if complete:
                raw.release_conn()
            else:
                raw.close()   # unread data left: the connection cannot be reused
        hop.content = b"".join(chunks)[: self.max_bytes]

    def _archive(self, hop: _Hop) -> None:
        if self.archive is None:
            return
        response = hop.response
        hop.location = self.archive.write(CapturedResponse(
            url=hop.url, status=response.status_code, reason=response.reason or "",
            headers=list(response.raw.headers.items()), content=hop.content,
            fetched_at=hop.fetched_at, http_version=_http_version(response.raw.version),
            truncated=hop.truncated))

    # -- results --------------------------------------------------------------------

    def _finish(self, url: str, hop: _Hop, *, conditional: bool = False) -> FetchResult:
        response = hop.response
        result = self._from_hop(url, hop)
        status = response.status_code
        if hop.error_kind:
            result.error_kind, result.error = hop.error_kind, hop.error
        elif status == 304 and conditional:
            result.ok = result.not_modified = True
        elif not 200 <= status < 300:
            reason = f" {response.reason}" if response.reason else ""
            result.error_kind, result.error = "http_status", f"http_status: {status}{reason} for {hop.url}"
        else:
            result.body_hash = body_hash(hop.content)
            source = self._by_host.get((urlsplit(hop.url).hostname or "").lower())
            try:
                result.text, result.encoding = decode_body(hop.content, content_type=result.content_type,
                                                           hint=source.encoding if source else None)
                result.ok = True
            except DecodeError as exc:
                result.error_kind, result.error = exc.kind, f"{exc.kind}: {exc} for {hop.url}"
        return result

    def _failed(self, url: str, target: str, hop: _Hop | None, failed: _FetchFailed) -> FetchResult:
        if hop is not None and hop.url == target:
            result = self._from_hop(url, hop)   # a redirect refused: report the response that made it
        else:
            result = FetchResult(url=url, final_url=target, attempts=failed.attempts)
        result.error_kind, result.error = failed.kind, str(failed)
        return result

    def _from_hop(self, url: str, hop: _Hop) -> FetchResult:
        response = hop.response
        location = hop.location
        return FetchResult(
            url=url, final_url=hop.url, status=response.status_code, content=hop.content,
            content_type=response.headers.get("Content-Type"), headers=dict(response.headers),
            truncated=hop.truncated is not None, bytes=len(hop.content), fetched_at=hop.fetched_at,
            attempts=hop.attempts, etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            warc_file=location.file if location else None, warc_offset=location.offset if location else None,
            warc_record_id=location.record_id if location else None)


def _http_host(url: str) -> str | None:
    """Lower-case host of an absolute http(s) URL, None for anything else."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return host.lower()


def _http_version(version: int | None) -> str:
    return {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2", 30: "HTTP/3"}.get(version or 11, "HTTP/1.1")
