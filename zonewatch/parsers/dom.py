"""HTML loading and text helpers shared by every parser (lxml only, no network)."""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .xpaths import BLOCK_TAGS, SKIP_TAGS

# Larger inputs are cut (with a warning) so a runaway page cannot stall a crawl.
MAX_HTML_CHARS = 40_000_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# libxml2 drops what follows a stray early </html>; closing tags of body/html are implied anyway.
_END_TAGS = re.compile(r"</\s*(?:body|html)\s*>", re.I)
_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_EDGE_WS = " \t\r\n\f\u3000\u00a0\u200b\ufeff"


def load(html: str | bytes) -> tuple[lxml.html.HtmlElement | None, list[str]]:
    """Parse a page into an lxml tree; never raises. Returns (root or None, warnings)."""
    warnings: list[str] = []
    if isinstance(html, (bytes, bytearray)):
        html = bytes(html).decode("utf-8", errors="replace")
    if not isinstance(html, str):
        return None, ["not a text document"]
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        warnings.append(f"page truncated to {MAX_HTML_CHARS} characters")
    cleaned, n = _CONTROL.subn("", html)
    if n > max(50, len(html) // 100):
        warnings.append(f"removed {n} control characters (binary junk)")
    cleaned = _END_TAGS.sub("", _XML_DECL.sub("", cleaned))
    if not cleaned.strip():
        return None, warnings + ["empty document"]
    data = cleaned.encode("utf-8", errors="replace")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True,
                                  huge_tree=True, recover=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        return None, warnings + [f"unparseable document: {exc}"]
    if root is None:
        return None, warnings + ["unparseable document"]
    return root, warnings


def clean_inline(text: str | None) -> str:
    """HTML whitespace semantics: runs of source whitespace are one space; trim the edges."""
    if not text:
        return ""
    return _HTML_WS.sub(" ", text).strip(_EDGE_WS)


def is_hidden(el) -> bool:
    style = el.get("style")
    if style and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", style, re.I):
        return True
    return el.get("hidden") is not None or el.get("aria-hidden") == "true" and el.tag in ("div", "span", "ul")


def text_lines(el, *, skip=SKIP_TAGS, limit: int | None = None) -> list[str]:
    """Visible text of ``el`` as lines: block elements and <br> break lines; empty lines dropped.

    ``limit`` stops the walk after about that many characters (metadata of huge pages).
    """
    if el is None:
        return []
    out: list[str] = []
    size = 0
    walker = etree.iterwalk(el, events=("start", "end", "comment"))
    for event, node in walker:
        if event == "comment":
            if node.tail:
                out.append(node.tail)
            continue
        tag = node.tag
        if event == "end":
            if tag in BLOCK_TAGS:
                out.append("\n")
            if node is not el and node.tail:
                out.append(node.tail)
                size += len(node.tail)
            continue
        if not isinstance(tag, str) or tag in skip or (tag not in ("html", "body") and is_hidden(node)):
            walker.skip_subtree()
            continue
        if tag in BLOCK_TAGS or tag == "br":
            out.append("\n")
        if node.text:
            out.append(node.text)
            size += len(node.text)
        if limit is not None and size > limit:
            break
    lines = (clean_inline(line) for line in "".join(out).split("\n"))
    return [line for line in lines if line]


def text_of(el) -> str:
    """All visible text of ``el`` on one line (blocks joined by a space)."""
    return " ".join(text_lines(el))


def meta_map(root) -> dict[str, str]:
    """<meta name|property|itemprop|http-equiv=… content=…> as {lower-cased name: content} (first wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                found.setdefault(key.strip().lower(), content.strip())
    return found
