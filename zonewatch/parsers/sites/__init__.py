"""Site parsers: each module holds one site's hosts, URL shapes and selectors as a SiteSpec.

:func:`parse_with_spec` reads each field from the site's selectors first and lets the generic
heuristics fill in whatever the selectors miss; a site whose body selectors find nothing falls
back to the generic body finder and says so (``parser`` becomes ``"generic"``, plus a warning).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from .. import generic, metadata as md
from ..dom import text_lines
from ..generic import Fields, Page
from ..links import next_pages
from ..xpaths import select_all, select_first


@dataclass(frozen=True)
class SiteSpec:
    name: str                               # parser name recorded on the Article
    hosts: tuple[str, ...]
    article_url: str                        # regex of article URLs (documentation and tests)
    title: tuple[str, ...] = ("h1",)
    kicker: tuple[str, ...] = ()
    subtitle: tuple[str, ...] = ()
    info: tuple[str, ...] = ()              # the line(s) with date / 来源 / author under the title
    date: tuple[str, ...] = ()              # an element holding only the date
    source: tuple[str, ...] = ()            # an element holding only the 来源 value
    author: tuple[str, ...] = ()            # an element holding only the author
    editor: tuple[str, ...] = ()            # the editor trailer
    column: tuple[str, ...] = ()            # breadcrumb or 版面 element
    body: tuple[str, ...] = ()              # body containers, tried in order
    body_markers: tuple[str, str] | None = None   # comments delimiting the body inside the container
    drop: str | None = None                 # nested elements of the body that are not text
    pager: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()    # regexes cut from <title>
    trust_page_title: bool = True           # False where <title> carries column/editor junk
    date_order: tuple[str, ...] = ("info", "table", "meta", "near", "label", "url")
    first_page_suffix: str | None = None    # regex of the page suffix of paged URLs (canonical → page 1)
    extra: dict = field(default_factory=dict)


def _text(page: Page, selectors: tuple[str, ...]) -> str | None:
    el = select_first(page.root, selectors, page.tokens)
    if el is None:
        return None
    return md.clean_title(" ".join(text_lines(el)))


def _lines(page: Page, selectors: tuple[str, ...]) -> list[str]:
    el = select_first(page.root, selectors, page.tokens)
    return text_lines(el) if el is not None else []


def between_markers(container, start: str, end: str):
    """A detached copy of the part of ``container`` between two comment markers (or None)."""
    from copy import deepcopy

    comments = [c for c in container.iter(etree.Comment)]
    begin = next((c for c in comments if (c.text or "").strip() == start), None)
    if begin is None:
        return None
    finish = next((c for c in comments if (c.text or "").strip() == end and c.getparent() is begin.getparent()), None)
    box = etree.Element("div")
    box.text = begin.tail
    node = begin.getnext()
    while node is not None and node is not finish:
        box.append(deepcopy(node))
        node = node.getnext()
    return box


def parse_with_spec(spec: SiteSpec, root, url: str,
                    hook: Callable[[Page, Fields], None] | None = None) -> Fields:
    page = Page.of(root, url)
    f = Fields(parser=spec.name)
    title_el = select_first(root, spec.title, page.tokens)
    f.title = md.clean_title(" ".join(text_lines(title_el))) if title_el is not None else None
    if f.title:
        page.title_el = title_el
    f.kicker = _text(page, spec.kicker) if spec.kicker else None
    f.subtitle = _text(page, spec.subtitle) if spec.subtitle else None
    info = _lines(page, spec.info)
    if spec.date:
        f.published = md.date_from_text(_text(page, spec.date))
    if spec.source:
        source = _text(page, spec.source)           # the element may print its label: "来源：中国网"
        f.source_name = (md.source_from_line(source) or source) if source and not md.is_bare_role(source) else None
    if spec.author:
        author = _text(page, spec.author)
        if author:
            credits = md.credits_in_line(author)
            author = " ".join(credits[0]) if credits and credits[0] else (md.author_from_line(author) or author)
            author = None if md.is_bare_role(author) else author
        f.author = md.split_roles(author) if author and not md.is_placeholder_author(author) else None
    if spec.editor:
        for line in _lines(page, spec.editor):
            f.editor = md.editor_from_line(line)
            if f.editor:
                break
    if spec.column:
        line = _text(page, spec.column)
        if line:
            f.column = md.banmian(line) or md.breadcrumb_last(line, f.title)
    if spec.pager:
        pager = select_first(root, spec.pager, page.tokens)
        if pager is not None:
            f.next_pages = next_pages(root, url, pager)
    if hook:
        hook(page, f)
    generic.fill_metadata(page, f, info=info, suffixes=spec.title_suffixes,
                          trust_page_title=spec.trust_page_title, date_order=spec.date_order)
    if spec.first_page_suffix:
        from ..links import first_page
        if f.canonical:
            f.canonical = first_page(f.canonical, spec.first_page_suffix)

    f.paragraphs = site_body(spec, page, f)
    if not f.paragraphs:
        f.paragraphs = generic.generic_body(page, f)
        if f.paragraphs:
            f.warnings.append(f"{spec.name}: body selectors found nothing; generic fallback")
            f.parser = generic.NAME
        else:
            f.warnings.append("no body found")
    return f


def site_body(spec: SiteSpec, page: Page, f: Fields) -> list[str]:
    container = select_first(page.root, spec.body, page.tokens)
    if container is None and spec.body_markers:
        # The CMS's body markers outlive a renamed container: look for them anywhere in the page.
        container = next((c.getparent() for c in page.root.iter(etree.Comment)
                          if (c.text or "").strip() == spec.body_markers[0]), None)
    if container is None:
        return []
    if spec.body_markers:
        inner = between_markers(container, *spec.body_markers)
        if inner is not None:
            container = inner
    drop = set(select_all(container, spec.drop)) if spec.drop else set()
    paragraphs = generic.paragraphs_from(container, f, frozenset(drop))
    if paragraphs and not f.editor and container.getparent() is not None:
        f.editor = generic.extract_editor(page, f.title, container)
    if paragraphs and not f.editor:
        f.editor = f.editor_anywhere
    if paragraphs and not f.author and container.getparent() is not None:
        f.author = generic.credits_around(container)
    return paragraphs
