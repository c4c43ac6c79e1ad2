"""Links: absolute URLs of a page's <a href>, further pages of a multi-page article, mirrors."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:")
# <stem><sep><n>.<ext>: people.com.cn c349771-<id>-2.html, Founder/TRS content_<id>_2.html
_PAGED = re.compile(r"^(?P<stem>.*?\d)(?:(?P<sep>[-_])(?P<n>\d{1,2}))?\.(?P<ext>s?html?)$")
MAX_PAGES = 50


def absolute(base_url: str, href: str | None) -> str | None:
    """``href`` resolved against ``base_url`` without fragment; None for non-web links."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base_url, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _base(root, url: str) -> str:
    base = root.find(".//base[@href]") if hasattr(root, "find") else None
    if base is not None:
        resolved = absolute(url, base.get("href"))
        if resolved:
            return resolved
    return url


def links_in(root, base_url: str) -> list[str]:
    base = _base(root, base_url)
    seen: dict[str, None] = {}
    for a in root.iter("a", "area"):
        url = absolute(base, a.get("href"))
        if url and url not in seen:
            seen[url] = None
    return list(seen)


def extract_links(html: str, base_url: str) -> list[str]:
    """Every <a href> of the page made absolute, fragment dropped, de-duplicated in page order."""
    from .dom import load

    root, _ = load(html)
    if root is None:
        return []
    return links_in(root, base_url)


def strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "", ""))


def unmirror(url: str) -> str:
    """The original URL of a traditional-character mirror (big5 gate or /BIG5/ path), else ``url``."""
    m = re.match(r"^(https?)://big5\.[^/]+/gate/big5/([^/]+)(/.*)?$", url, re.I)
    if m:
        url = f"{m.group(1)}://{m.group(2)}{m.group(3) or '/'}"
    return re.sub(r"^(https?://[^/]+)/BIG5/", r"\1/", url)


def page_number(url: str) -> tuple[str, int] | None:
    """(stem URL without page suffix, page number) for paged article URLs; page 1 has no suffix."""
    parts = urlsplit(url)
    path = parts.path
    head, _, name = path.rpartition("/")
    m = _PAGED.match(name)
    if not m:
        return None
    stem = f"{parts.scheme}://{parts.netloc.lower()}{head}/{m.group('stem')}"
    return stem, int(m.group("n")) if m.group("n") else 1


def first_page(url: str, suffix: str = r"-\d{1,3}(?=\.s?html?$)") -> str:
    """Page 1 of a paged URL (``c349771-<id>-2.html`` → ``c349771-<id>.html``)."""
    return re.sub(suffix, "", url)


def next_pages(root, url: str, pager=None) -> list[str]:
    """Absolute URLs of this article's further pages, found in ``pager`` (or the whole page)."""
    here = page_number(url)
    if here is None or root is None:
        return []
    stem, current = here
    name = stem.rsplit("/", 1)[-1]
    scope = pager if pager is not None else root
    found: dict[int, str] = {}
    for a in scope.iter("a"):
        href = a.get("href")
        if not href or not any(name + c in href for c in "-_."):   # cheap filter before resolving
            continue
        target = absolute(url, href)
        if not target:
            continue
        other = page_number(target)
        if other and other[0] == stem and other[1] > current:
            found.setdefault(other[1], target)
    return [found[n] for n in sorted(found)][:MAX_PAGES]
