"""Turn fetched bytes into text: declared charsets first, detection when they lie.

Order: BOM, HTTP ``charset``, ``<meta>`` in the first 4 KB, the source's hint, then
detection (strict UTF-8, else charset-normalizer). A declaration is only used if the
bytes decode with it strictly; a wrong one (say ``<meta charset=utf-8>`` on GBK bytes)
is overruled and the codec actually used is returned.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["DecodeError", "decode_html", "decode_body", "normalize_codec", "content_type_charset", "mime_type"]

META_SCAN_BYTES = 4096
SNIFF_BYTES = 1024
# A last-resort lenient decode is accepted only if it leaves this few replacement chars.
MAX_REPLACED_RATIO = 0.01

# Supersets the pages really use: sites declare gb2312 but write GB18030-only characters
# (rare names), and Hong Kong / Taiwan big5 pages use HKSCS characters.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "gb_2312": "gb18030", "csgb2312": "gb18030", "euc-cn": "gb18030", "cp936": "gb18030",
    "ms936": "gb18030", "windows-936": "gb18030", "chinese": "gb18030", "gb18030": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cp950": "big5hkscs", "x-x-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    # WHATWG: these labels mean windows-1252.
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# Codecs that decode almost any byte string, so "it decoded" proves nothing; they are
# tried after the other declarations.
_PERMISSIVE = {"cp1252", "latin_1"}

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04",
                 b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_HTML_MIMES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}


class DecodeError(ValueError):
    """The body is not usable text. ``kind`` is ``decode`` (undecodable) or ``not_html``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def normalize_codec(label: str | None) -> str | None:
    """Python codec name for a charset label (with the superset mapping), None if unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _SUPERSETS.get(key, key)
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    if name in ("utf-16", "utf-32"):
        return None   # without a BOM (handled earlier) these declarations are wrong
    return _SUPERSETS.get(name, name)


def content_type_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, as written."""
    if not content_type:
        return None
    match = _CT_CHARSET.search(content_type)
    return match.group(1) if match else None


def mime_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def decode_html(content: bytes, *, http_charset: str | None, hint: str | None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, codec actually used). Raises DecodeError."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            try:
                return content[len(bom):].decode(codec), codec
            except UnicodeDecodeError:
                break   # a BOM followed by garbage: let the rest decide

    declared = [c for c in (normalize_codec(http_charset), normalize_codec(meta_charset(content)),
                            normalize_codec(hint)) if c]
    declared = list(dict.fromkeys(declared))
    ordered = [c for c in declared if c not in _PERMISSIVE] + [c for c in declared if c in _PERMISSIVE]
    for codec in ordered:
        if codec in _PERMISSIVE and _has_non_ascii(content):
            detected = _detect(content)
            if detected is not None:
                return detected
        try:
            return content.decode(codec), codec
        except UnicodeDecodeError:
            continue

    detected = _detect(content)
    if detected is not None:
        return detected
    # Nothing decodes strictly: a page with a few broken bytes in its declared charset is
    # still that page.
    for codec in ordered:
        text = content.decode(codec, errors="replace")
        if text.count("\ufffd") <= MAX_REPLACED_RATIO * max(len(text), 1):
            return text, codec
    raise DecodeError("decode", f"no charset decodes the body (declared: {', '.join(declared) or 'none'})")


def decode_body(content: bytes, *, content_type: str | None, hint: str | None) -> tuple[str, str]:
    """Check that a response body is HTML-like text and decode it (live fetch and replay share this).

    Raises DecodeError with kind ``not_html`` for non-text media types and binary data
    served as text, ``decode`` when no charset fits.
    """
    mime = mime_type(content_type)
    if mime and mime not in _HTML_MIMES and not mime.startswith("text/"):
        raise DecodeError("not_html", f"content type {mime!r} is not HTML")
    if _looks_binary(content):
        raise DecodeError("not_html", f"binary data served as {mime or 'no content type'}")
    return decode_html(content, http_charset=content_type_charset(content_type), hint=hint)


def _detect(content: bytes) -> tuple[str, str] | None:
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content).best()
    if best is None or best.encoding is None:
        return None
    codec = normalize_codec(best.encoding) or best.encoding
    try:
        return content.decode(codec), codec
    except UnicodeDecodeError:   # superset mapping cannot make this fail, but stay safe
        return str(best), best.encoding


def _has_non_ascii(content: bytes) -> bool:
    return not content.isascii()


def _looks_binary(content: bytes) -> bool:
    head = content[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head
