"""Links: absolute URLs of a page's <a href>, further pages of a multi-page article, mirrors."""
from __future__ import annotations

import re
from lxml import etree
from urllib.parse import urljoin, urlsplit, urlunsplit

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:")
# <stem><sep><n>.<ext>: people.com.cn c349771-<id>-2.html, Founder/TRS content_<id>_2.html
_PAGED = re.compile(r"^(?P<stem>.*?\d)(?:(?P<sep>[-_])(?P<n>\d{1,2}))?\.(?P<ext>s?html?)$")
MAX_PAGES = 50
_HREFS_WITH = etree.XPath(".//a/@href[contains(., $name)]", smart_strings=False)


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


# TRS document names: t20240105_3200456 (UCAP/WCM) or a bare docid (3711001).  Their second
# page is <name>_1.html, the third <name>_2.html: the suffix counts from 0.
_TRS_NAME = re.compile(r"^(?:t\d{8}_\d+|\d{5,})$")


def page_number(url: str) -> tuple[str, int] | None:
    """(stem URL without page suffix, page number) for paged article URLs; page 1 has no suffix.

    people.com.cn ``-2`` and Founder ``content_<id>_2`` count from 2; TRS ``_1`` from 1
    (``t20240105_1_1.html`` is page 2).
    """
    parts = urlsplit(url)
    path = parts.path
    head, _, name = path.rpartition("/")
    m = _PAGED.match(name)
    if not m:
        return None
    stem_name = m.group("stem")
    n = m.group("n")
    if n is not None and m.group("sep") == "_" and _TRS_NAME.match(stem_name):
        number = int(n) + 1
    elif n is not None and m.group("sep") == "_" and re.fullmatch(r"t\d{8}", stem_name):
        # t20240105_123.html: the docid, not a page suffix
        stem_name, number = f"{stem_name}_{n}", 1
    else:
        number = int(n) if n else 1
    stem = f"{parts.scheme}://{parts.netloc.lower()}{head}/{stem_name}"
    return stem, number


_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*[\"']([\w.-]{1,80})[\"']\s*,\s*[\"'](\w{2,5})[\"']")


def trs_script_pages(html: str, url: str) -> list[str]:
    """Further pages announced by a TRS pager script: ``createPageHTML(3, 0, "t20240105_1", "html")``
    (page 0 is ``<prefix>.html``, page i ``<prefix>_i.html``).  The script is read from the raw
    page because scripts are not part of the parsed text."""
    m = _CREATE_PAGE.search(html)
    if not m:
        return []
    count, current, prefix, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    count = min(count, MAX_PAGES)
    found = []
    for i in range(current + 1, count):
        target = absolute(url, f"{prefix}_{i}.{ext}")
        if target:
            found.append(target)
    return found


# t20240105_3200456_2.html -> t20240105_3200456.html (t20240105_12.html is a docid: untouched)
TRS_PAGE_SUFFIX = r"(?P<keep>/t\d{8}_\d+)_\d{1,3}(?=\.s?html?$)"


def first_page(url: str, suffix: str = r"-\d{1,3}(?=\.s?html?$)") -> str:
    """Page 1 of a paged URL (``c349771-<id>-2.html`` → ``c349771-<id>.html``).

    ``suffix`` is removed; if it has a group named ``keep``, that part stays.
    """
    return re.sub(suffix, r"\g<keep>" if "(?P<keep>" in suffix else "", url)


def next_pages(root, url: str, pager=None) -> list[str]:
    """Absolute URLs of this article's further pages, found in ``pager`` (or the whole page)."""
    here = page_number(url)
    if here is None or root is None:
        return []
    stem, current = here
    name = stem.rsplit("/", 1)[-1]
    scope = pager if pager is not None else root
    found: dict[int, str] = {}
    for href in _HREFS_WITH(scope, name=name):      # cheap C-level filter before resolving
        if not any(name + c in href for c in "-_."):
            continue
        target = absolute(url, href)
        if not target:
            continue
        other = page_number(target)
        if other and other[0] == stem and other[1] > current:
            found.setdefault(other[1], target)
    return [found[n] for n in sorted(found)][:MAX_PAGES]
