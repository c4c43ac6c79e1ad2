"""HTML loading and text helpers shared by every parser (lxml only, no network).

Speed matters here (the crawl parses every page, ~100 KB each), so the tree is prepared once
at load and every later text query is a single C-level serialisation:

* plain ``lxml.etree`` elements (no ``lxml.html`` class lookup: iteration is ~3x cheaper);
* never-visible subtrees (script, style, iframe, ...) and hidden elements are removed;
* every block element and ``<br>`` gets a ``"\\n"`` in front of its text and its tail, so
  ``etree.tostring(el, method="text")`` yields one line per visual line.  The added newlines
  are HTML whitespace: anything that reads ``.text``/``.tail`` collapses them like a browser.

BeautifulSoup 4.15 builds the tree of the generated ~100 KB pages of bench/parse_speed.py at
about 32 pages/s with its lxml builder (27 with html.parser) on this machine, before any
extraction: far below the 150 pages/s goal, so the hot path stays on lxml.
"""
from __future__ import annotations

import re
import threading

from lxml import etree

from .xpaths import BLOCK_TAGS, SKIP_TAGS

# Larger inputs are cut (with a warning) so a runaway page cannot stall a crawl.
MAX_HTML_CHARS = 40_000_000
# libxml2 drops everything nested deeper than 2048 elements (even with huge_tree); spam pages
# with thousands of unclosed <font>/<div> tags would lose their text, so such markup is flattened.
MAX_DEPTH = 1500

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# libxml2 drops what follows a stray early </html>; closing tags of body/html are implied anyway.
_END_TAGS = re.compile(r"</\s*(?:body|html)\s*>", re.I)
_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_EDGE_WS = " \t\r\n\f\u3000\u00a0\u200b\ufeff"
# Subtrees that are never visible text; removed at load (head/title/meta stay for metadata).
REMOVED_TAGS = ("script", "style", "noscript", "iframe", "template", "svg", "canvas", "object", "embed",
                "audio", "video", "select", "textarea", "button")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_local = threading.local()
PREPARED = "data-zonewatch-prepared"


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:    # lxml parsers must not be shared between threads
        parser = _local.parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True,
                                                  huge_tree=True, recover=True, no_network=True)
    return parser


# True when the tree reaches MAX_DEPTH elements deep (one C-level pass over the tree).
_DEEP = etree.XPath("boolean(" + "/*" * MAX_DEPTH + ")")


_FLATTEN_INLINE = re.compile(r"</?(?:font|span|b|strong|i|em|u|a|small|big|sup|sub|label|ins|del|s|strike|tt|code|q|cite|abbr)\b[^>]*>", re.I)
_FLATTEN_BLOCK = re.compile(r"</?(?:div|section|article|center|table|tbody|thead|tr|td|th|ul|ol|li|dl|dd|dt|blockquote|form|span)\b[^>]*>", re.I)


def flatten(html: str) -> str:
    """Unwrap inline tags and turn box tags into line breaks (only for pathologically deep markup)."""
    return _FLATTEN_BLOCK.sub("<br>", _FLATTEN_INLINE.sub("", html))


def load(html: str | bytes):
    """Parse a page into a prepared lxml tree; never raises. Returns (root or None, warnings)."""
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
    try:
        root = etree.fromstring(cleaned.encode("utf-8", errors="replace"), _parser())
        if root is not None and _DEEP(root):
            # Tags nested past what libxml2 keeps (its limit is 2048): unwrap them so the text survives.
            root = etree.fromstring(flatten(cleaned).encode("utf-8", errors="replace"), _parser())
            warnings.append(f"markup nested deeper than {MAX_DEPTH} levels: tags unwrapped")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        return None, warnings + [f"unparseable document: {exc}"]
    if root is None:
        return None, warnings + ["unparseable document"]
    if root.tag != "html":      # a fragment: lxml wraps it, but be safe
        html_el = etree.Element("html")
        body = etree.SubElement(html_el, "body")
        body.append(root)
        root = html_el
    prepare(root, maybe_hidden=("none" in cleaned or "hidden" in cleaned))
    root.set(PREPARED, "1")
    return root, warnings


def drop(el) -> None:
    """Remove ``el`` and its subtree, keeping its tail text in place (like lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


_MAYBE_HIDDEN = etree.XPath("descendant::*[@style or @hidden or @aria-hidden]")


def prepare(root, *, maybe_hidden: bool = True) -> None:
    """Remove invisible subtrees and mark line breaks (see the module docstring)."""
    etree.strip_elements(root, *REMOVED_TAGS, with_tail=False)
    body = root.find("body")
    if body is not None and maybe_hidden:
        for el in _MAYBE_HIDDEN(body):
            if is_hidden(el):
                drop(el)
    for el in root.iter(*BLOCK_TAGS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")


def clean_inline(text: str | None) -> str:
    """HTML whitespace semantics: runs of source whitespace are one space; trim the edges."""
    if not text:
        return ""
    return _HTML_WS.sub(" ", text).strip(_EDGE_WS)


def is_hidden(el) -> bool:
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    return el.get("hidden") is not None or el.get("aria-hidden") == "true" and el.tag in ("div", "span", "ul")


_LINE_WS = re.compile(r"[ \t\r\f]+")


def raw_text(el) -> str:
    """The element's text (no tail), line breaks as prepared at load."""
    if el is None:
        return ""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def text_lines(el, *, limit: int | None = None) -> list[str]:
    """Visible text of ``el`` as lines: block elements and <br> break lines; empty lines dropped.

    On a tree made by :func:`load` this is one C-level serialisation.  On other trees (tests
    build fragments with lxml.html) the walk of :func:`_walk_lines` is used.
    ``limit`` keeps about that many characters (metadata of huge pages).
    """
    if el is None:
        return []
    if el.tag == "html":
        body = el.find("body")
        el = body if body is not None else el
    if not _prepared(el):
        return _walk_lines(el, limit)
    text = raw_text(el)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    text = _LINE_WS.sub(" ", text)
    return [line for line in (raw.strip(_EDGE_WS) for raw in text.split("\n") if raw) if line]


def _prepared(el) -> bool:
    return el.getroottree().getroot().get(PREPARED) == "1"


def _walk_lines(el, limit: int | None) -> list[str]:
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
        if not isinstance(tag, str) or tag in SKIP_TAGS or (tag not in ("html", "body") and is_hidden(node)):
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
