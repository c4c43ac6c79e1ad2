"""Replay: serve FetchResults from the WARC archive instead of the network (used by reparse).

Each URL maps to its latest archived response (``304 Not Modified`` records of conditional
GETs are skipped: the response they confirmed stays the latest); archived redirects are followed inside the
archive, and bodies are decoded exactly as a live fetch decodes them.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

from zonewatch.fetch.archive import ArchivedResponse, _header, iter_archive, read_response
from zonewatch.fetch.client import REDIRECT_STATUSES, FetchResult, body_hash
from zonewatch.fetch.encoding import DecodeError, decode_body
from zonewatch.sources import Source, load_sources

__all__ = ["ArchiveReplay"]

MAX_REDIRECTS = 5
_TRUNCATION_KINDS = {"length": "too_large", "time": "timeout"}


class _Entry(NamedTuple):
    warc_file: str
    offset: int
    status: int
    fetched_at: datetime


class ArchiveReplay:
    """Read-only view of the archive; safe to share between threads once built."""

    def __init__(self, root: Path | str, *, hosts: set[str] | None = None, since: datetime | None = None,
                 sources: Iterable[Source] | None = None) -> None:
        self.root = Path(root)
        sources = tuple(sources) if sources is not None else load_sources()
        self._hints = {h: s.encoding for s in sources for h in s.hosts}
        self._index: dict[str, _Entry] = {}
        for item in iter_archive(self.root, hosts=hosts, since=since):
            if item.status == 304:
                continue
            known = self._index.get(item.url)
            if known is None or item.fetched_at >= known.fetched_at:
                self._index[item.url] = _Entry(item.warc_file, item.offset, item.status, item.fetched_at)

    def urls(self) -> list[str]:
        """URLs whose latest archived response is 2xx."""
        return sorted(u for u, e in self._index.items() if 200 <= e.status < 300)

    def __len__(self) -> int:
        return len(self._index)

    def fetch(self, url: str, *, allow_any_host: bool = True, validators=None) -> FetchResult:
        """The archived response (``validators`` are ignored: the archive is the stored copy)."""
        target = urldefrag(url).url
        for _ in range(MAX_REDIRECTS + 1):
            entry = self._index.get(target)
            if entry is None:
                return FetchResult(url=url, final_url=target, error_kind="not_archived",
                                   error=f"not_archived: no archived response for {target}")
            item = read_response(self.root, entry.warc_file, entry.offset)
            location = item.location
            if item.status not in REDIRECT_STATUSES or not location:
                return self._result(url, item)
            target = urldefrag(urljoin(target, location.strip())).url
        return FetchResult(url=url, final_url=target, error_kind="redirect_loop",
                           error=f"redirect_loop: more than {MAX_REDIRECTS} archived redirects from {url}")

    def close(self) -> None:
        pass

    def __enter__(self) -> ArchiveReplay:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _result(self, url: str, item: ArchivedResponse) -> FetchResult:
        result = FetchResult(url=url, final_url=item.url, status=item.status, content=item.content,
                             content_type=item.content_type, headers=dict(item.headers),
                             truncated=bool(item.truncated), bytes=len(item.content), fetched_at=item.fetched_at,
                             warc_file=item.warc_file, warc_offset=item.offset, warc_record_id=item.record_id,
                             etag=_header(item.headers, "ETag"), last_modified=_header(item.headers, "Last-Modified"))
        if item.truncated:
            kind = _TRUNCATION_KINDS.get(item.truncated, "connection")
            result.error_kind, result.error = kind, f"{kind}: archived body is truncated ({item.truncated}) for {item.url}"
        elif not 200 <= item.status < 300:
            result.error_kind, result.error = "http_status", f"http_status: {item.status} (archived) for {item.url}"
        else:
            hint = self._hints.get((urlsplit(item.url).hostname or "").lower())
            result.body_hash = body_hash(item.content)
            try:
                result.text, result.encoding = decode_body(item.content, content_type=item.content_type, hint=hint)
                result.ok = True
            except DecodeError as exc:
                result.error_kind, result.error = exc.kind, f"{exc.kind}: {exc} for {item.url}"
        return result
