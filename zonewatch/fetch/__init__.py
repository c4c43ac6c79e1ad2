"""Fetching: polite HTTP client, charset decoding, WARC archive, offline mirror and replay."""
from zonewatch.fetch.archive import (ArchivedResponse, CapturedResponse, WarcArchive, WarcLocation, iter_archive,
                                     read_response)
from zonewatch.fetch.client import ERROR_KINDS, FetchResult, Fetcher, Validators, body_hash
from zonewatch.fetch.encoding import DecodeError, decode_body, decode_html
from zonewatch.fetch.mirror import MirrorAdapter, MirrorServer
from zonewatch.fetch.politeness import POLITENESS, Politeness
from zonewatch.fetch.replay import ArchiveReplay

__all__ = [
    "ArchiveReplay", "ArchivedResponse", "CapturedResponse", "DecodeError", "ERROR_KINDS", "FetchResult", "Fetcher",
    "MirrorAdapter", "MirrorServer", "POLITENESS", "Politeness", "Validators", "WarcArchive", "WarcLocation",
    "body_hash", "decode_body", "decode_html", "iter_archive", "read_response",
]
