"""Page parsers: HTML of one article page → :class:`Article`.

``parse_page(html, url)`` picks the site parser for the URL's host (``registry.py``) or the
generic one, never raises for bad HTML (problems become ``warnings`` and null fields), and
derives body, language variant, keywords and canonical URL the same way for every site.
``join_pages`` merges the pages of a multi-page article; ``extract_links`` lists a page's links.
Parsing is pure: no network, no database.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from . import generic
from .article import Article
from .dom import load
from .generic import Fields
from .keywords import keywords as _keywords
from .links import extract_links, first_page, strip_query, trs_script_pages, unmirror
from .metadata import join_names
from .normalize import is_traditional, normalize_text
from .registry import resolve

__all__ = ["Article", "parse_page", "join_pages", "extract_links"]


def parse_page(html: str, url: str, *, source_id: str | None = None, with_keywords: bool = True) -> Article:
    """Parse one article page.  ``with_keywords=False`` skips jieba (the costliest step)."""
    real_url = unmirror(url)
    module, sid, warnings = resolve(real_url, source_id)
    name = module.SPEC.name if module is not None else generic.NAME
    root, load_warnings = load(html)
    warnings += load_warnings
    if root is None:
        fields = Fields(parser=name, warnings=["no body found"])
    else:
        try:
            fields = module.parse(root, real_url) if module is not None else generic.parse(root, real_url)
        except Exception as exc:  # a parser bug must not stop a crawl: record it, keep the page
            fields = Fields(parser=name, warnings=[f"parser error: {type(exc).__name__}: {exc}", "no body found"])
    fields.warnings = warnings + fields.warnings
    if not fields.next_pages and isinstance(html, str) and "createPageHTML" in html:
        fields.next_pages = trs_script_pages(html, url)
    return _article(fields, url, real_url, sid, module, with_keywords)


def _canonical(fields: Fields, real_url: str, module) -> str:
    page_suffix = getattr(getattr(module, "SPEC", None), "first_page_suffix", None)
    canonical = None
    if fields.canonical and urlsplit(fields.canonical).hostname == urlsplit(real_url).hostname:
        canonical = fields.canonical
    canonical = canonical or strip_query(real_url)
    return first_page(canonical, page_suffix) if page_suffix else canonical


def _article(fields: Fields, url: str, real_url: str, sid: str | None, module, with_keywords: bool) -> Article:
    published, precision = fields.published if fields.published else (None, None)
    article = Article(
        url=url,
        canonical_url=_canonical(fields, real_url, module),
        source_id=sid,
        parser=fields.parser,
        title=_clean(fields.title),
        title_raw=fields.title,
        kicker=_clean(fields.kicker),
        subtitle=_clean(fields.subtitle),
        published=published,
        published_precision=precision,
        source_name=_clean(fields.source_name),
        author=_clean(join_names(fields.author or fields.meta_author)),   # the page's bylines first
        editor=_clean(join_names(fields.editor)),
        column=_clean(fields.column),
        paragraphs=fields.paragraphs,
        next_pages=[u for u in fields.next_pages if u != url],
        warnings=fields.warnings,
    )
    _derive(article, with_keywords)
    return article


def _clean(text: str | None) -> str | None:
    """Metadata is normalised like the body, so traditional and simplified copies agree."""
    return (normalize_text(text) or None) if text else None


def _derive(article: Article, with_keywords: bool = True) -> None:
    """Body, language variant and keywords from the paragraphs (and title)."""
    raw = "\n".join(article.paragraphs)
    article.body = normalize_text(raw) if raw else ""
    sample = (article.title or "") + raw[:4000]
    article.language_variant = "traditional" if sample and is_traditional(sample) else "simplified"
    article.keywords = _keywords(article.body) if with_keywords and article.body else []


def join_pages(first: Article, rest: list[Article], *, with_keywords: bool = True) -> Article:
    """One Article from the pages of a multi-page article (``first`` is page 1, ``rest`` in order).

    Page 1's metadata wins (gaps filled from later pages); paragraphs are concatenated in
    order, except that a later page's leading paragraphs already seen (a repeated lead) and
    long exact repeats are not doubled.
    """
    paragraphs = list(first.paragraphs)
    seen = set(paragraphs)
    warnings = list(first.warnings)
    for number, page in enumerate(rest, start=2):
        leading = True
        for p in page.paragraphs:
            if p in seen and (leading or len(p) >= 30):
                continue
            leading = False
            paragraphs.append(p)
            seen.add(p)
        warnings += [f"page {number}: {w}" for w in page.warnings]
    joined = replace(first)
    joined.paragraphs = paragraphs
    joined.warnings = [w for w in warnings if not (w == "no body found" and paragraphs)]
    joined.page_count = 1 + len(rest)
    joined.next_pages = []
    for attr in ("title", "title_raw", "kicker", "subtitle", "source_name", "author", "editor", "column"):
        if getattr(joined, attr) is None:
            setattr(joined, attr, next((getattr(p, attr) for p in rest if getattr(p, attr)), None))
    if joined.published is None:
        dated = next((p for p in rest if p.published), None)
        if dated is not None:
            joined.published, joined.published_precision = dated.published, dated.published_precision
    _derive(joined, with_keywords)
    return joined
