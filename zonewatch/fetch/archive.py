"""Raw responses kept as gzip WARC, so every later stage can be rebuilt with no network.

Files are ``root/YYYY/MM/<run_id>.warc.gz``; while a run writes, the file is named
``….warc.gz.part`` and is renamed on ``close()``, so a killed run leaves only an obviously
unfinished file. Each record is its own gzip member and is flushed at once, so a ``.part``
file is readable up to its last complete record.

The stored payload is the body as the client received it (Content-Encoding and chunking
removed); the HTTP headers that described the wire form are kept renamed to
``X-Archive-Orig-…`` so WARC readers do not try to undo them a second time.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Iterator, NamedTuple
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

__all__ = ["ArchivedResponse", "CapturedResponse", "WarcArchive", "WarcLocation", "iter_archive", "read_response"]

log = logging.getLogger(__name__)

SUFFIX = ".warc.gz"
PART = ".part"
SOFTWARE = "zonewatch/0.1 (warcio)"
# Headers about the wire form of the body, which the stored payload no longer has.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
ORIG_PREFIX = "X-Archive-Orig-"


class WarcLocation(NamedTuple):
    file: str        # relative to the archive root, final name (without .part)
    offset: int
    record_id: str


@dataclass(frozen=True)
class CapturedResponse:
    """One HTTP response as received, ready to archive."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]       # in wire order, repeated names kept
    content: bytes
    fetched_at: datetime
    http_version: str = "HTTP/1.1"
    truncated: str | None = None         # WARC-Truncated reason: "length", "time", "disconnect"


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: dict[str, str] = field(repr=False)
    content: bytes = field(repr=False)
    fetched_at: datetime
    warc_file: str           # relative to the root, final name even while still a .part file
    offset: int
    record_id: str = ""
    truncated: str | None = None   # WARC-Truncated reason ("length", "time", "disconnect")

    @property
    def content_type(self) -> str | None:
        return _header(self.headers, "Content-Type")

    @property
    def location(self) -> str | None:
        return _header(self.headers, "Location")


class WarcArchive:
    """Append-only WARC writer for one run; thread-safe. Opened lazily on first write.

    A plain class on purpose (not a dataclass): it holds a lock and an open file and is
    shared by reference between threads.
    """

    def __init__(self, root: Path | str, run_id: str) -> None:
        self.root = Path(root)
        self.run_id = run_id
        self._lock = threading.Lock()
        self._fh = None
        self._writer: WARCWriter | None = None
        self._final: Path | None = None
        self._part: Path | None = None
        self.records = 0

    @property
    def path(self) -> Path | None:
        """Final path of the file (exists once closed), None before the first write."""
        return self._final

    def write(self, captured: CapturedResponse) -> WarcLocation:
        http_headers = StatusAndHeaders(f"{captured.status} {captured.reason}".strip(),
                                        _stored_headers(captured.headers, len(captured.content)),
                                        protocol=captured.http_version)
        warc_headers = {"WARC-Date": _warc_date(captured.fetched_at)}
        if captured.truncated:
            warc_headers["WARC-Truncated"] = captured.truncated
        with self._lock:
            writer = self._open()
            record = writer.create_warc_record(captured.url, "response", payload=BytesIO(captured.content),
                                               length=len(captured.content), http_headers=http_headers,
                                               warc_headers_dict=warc_headers)
            offset = self._fh.tell()
            writer.write_record(record)
            self._fh.flush()
            self.records += 1
            return WarcLocation(self._relative(self._final), offset, record.rec_headers.get_header("WARC-Record-ID"))

    def close(self) -> None:
        with self._lock:
            if self._fh is None:
                return
            self._fh.close()
            self._fh = None
            self._writer = None
            self._part.rename(self._final)

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open(self) -> WARCWriter:
        if self._writer is not None:
            return self._writer
        if self._final is not None:
            raise RuntimeError(f"WARC archive {self._final} is closed; make a new WarcArchive")
        now = datetime.now(timezone.utc)
        folder = self.root / f"{now:%Y}" / f"{now:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{self.run_id}{SUFFIX}"
        n = 1
        while final.exists() or _part_of(final).exists():   # never append to another run's file
            n += 1
            final = folder / f"{self.run_id}-{n}{SUFFIX}"
        self._final, self._part = final, _part_of(final)
        self._fh = open(self._part, "xb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(
            final.name, {"software": SOFTWARE, "format": "WARC File Format 1.1", "isPartOf": self.run_id}))
        self._fh.flush()
        return self._writer

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def iter_archive(root: Path | str, *, hosts: set[str] | None = None,
                 since: datetime | None = None) -> Iterator[ArchivedResponse]:
    """Every archived response under ``root``, file by file in time order.

    ``.part`` files (runs that were killed or are still writing) are read up to their
    last complete record. ``hosts`` filters on the URL's host, ``since`` on WARC-Date.
    """
    root = Path(root)
    since = _as_utc(since) if since else None
    wanted = {h.lower() for h in hosts} if hosts is not None else None
    for path in _files_in_time_order(root):
        for item in _read_file(root, path):
            if wanted is not None and (urlsplit(item.url).hostname or "").lower() not in wanted:
                continue
            if since is not None and item.fetched_at < since:
                continue
            yield item


def read_response(root: Path | str, warc_file: str, offset: int) -> ArchivedResponse:
    """The response record at ``offset`` of ``warc_file`` (as returned by write / iter_archive)."""
    root = Path(root)
    path = root / warc_file
    if not path.exists() and _part_of(path).exists():
        path = _part_of(path)
    with open(path, "rb") as fh:
        fh.seek(offset)
        for item in _records(fh, root, path):
            return item
    raise LookupError(f"no complete response record at offset {offset} of {path}")


def _read_file(root: Path, path: Path) -> Iterator[ArchivedResponse]:
    with open(path, "rb") as fh:
        yield from _records(fh, root, path)


def _records(fh, root: Path, path: Path) -> Iterator[ArchivedResponse]:
    final_name = path.name[: -len(PART)] if path.name.endswith(PART) else path.name
    warc_file = (path.parent / final_name).relative_to(root).as_posix()
    iterator = ArchiveIterator(fh)
    try:
        for record in iterator:
            if record.rec_type != "response":
                continue
            payload = record.raw_stream.read()
            offset = iterator.get_record_offset()
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if digest and _digest(payload) != digest:
                raise ValueError(f"payload digest mismatch in record at offset {offset}")
            http = record.http_headers
            yield ArchivedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode() or 0),
                headers=_merged(http.headers),
                content=payload,
                fetched_at=_as_utc(iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"))),
                warc_file=warc_file,
                offset=offset,
                record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                truncated=record.rec_headers.get_header("WARC-Truncated") or None,
            )
    except Exception as exc:   # warcio raises assorted errors on a cut-off gzip member
        if not path.name.endswith(PART):
            log.warning("WARC file %s is damaged after its last good record: %s", path, exc)


def _files_in_time_order(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file() and (p.name.endswith(SUFFIX) or p.name.endswith(SUFFIX + PART))]
    return sorted(files, key=lambda p: (_first_date(p), p.as_posix()))


def _first_date(path: Path) -> datetime:
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                return _as_utc(iso_date_to_datetime(record.rec_headers.get_header("WARC-Date")))
    except Exception:
        pass
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


def _stored_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    stored = [(ORIG_PREFIX + name if name.lower() in _WIRE_HEADERS else name, value) for name, value in headers]
    stored.append(("Content-Length", str(length)))
    return stored


def _merged(headers: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def _header(headers: dict[str, str], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lower), None)


def _digest(payload: bytes) -> str:
    digester = Digester("sha1")
    digester.update(payload)
    return str(digester)


def _warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(_as_utc(moment).replace(tzinfo=None), use_micros=True)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _part_of(path: Path) -> Path:
    return path.with_name(path.name + PART)
