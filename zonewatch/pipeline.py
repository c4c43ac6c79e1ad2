"""The crawl chain, stage by stage: discover -> fetch -> parse -> extract.

Each stage is a plain function with a typed result, so the Prefect flows only decide
what runs where, and crawl, backfill and reparse share one path. Loading is the
warehouse's job (zonewatch.warehouse); the flows hand it what these stages return.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Protocol

from zonewatch.fetch import FetchResult
from zonewatch.fetch.encoding import decode_html
from zonewatch.parsers import extract_links, join_pages, parse_page
from zonewatch.parsers.article import Article
from zonewatch.parsers.indicators import extract_facts
from zonewatch.parsers.indicators.fact import Fact
from zonewatch.parsers.metadata import date_from_url
from zonewatch.parsers.normalize import normalize_text
from zonewatch.sources import Source, source_for_url

MAX_EXTRA_PAGES = 20


class PageSource(Protocol):
    """Anything that turns a URL into a FetchResult: the live Fetcher or the WARC replay."""

    def fetch(self, url: str) -> FetchResult: ...


@dataclass
class Discovery:
    source_id: str
    article_urls: list[str] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)
    skipped_out_of_range: int = 0


@dataclass
class PageOutcome:
    url: str
    source_id: str
    article: Article | None = None
    facts: list[Fact] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)
    error_kind: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class DateRange:
    since: date | None = None
    until: date | None = None

    def __contains__(self, day: date | None) -> bool:
        if day is None:
            return True   # unknown dates are let through; the parsed date decides later
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


ALL_DATES = DateRange()


def discover(pages: PageSource, source: Source, entry_urls: Iterable[str], *, max_list_pages: int,
             dates: DateRange = ALL_DATES) -> Discovery:
    """Walk a source's list pages (following its pagination) and collect article URLs."""
    found = Discovery(source.id)
    queue = list(dict.fromkeys(entry_urls))
    seen = set(queue)
    budget = max_list_pages * max(1, len(queue))
    known: set[str] = set()
    while queue and budget > 0:
        url = queue.pop(0)
        budget -= 1
        result = pages.fetch(url)
        found.fetches.append(result)
        if not result.ok or result.text is None:
            continue
        next_lists, article_days = [], []
        for link in extract_links(result.text, result.final_url):
            if source.is_article(link):
                if link in known:
                    continue
                known.add(link)
                day = date_from_url(link)
                article_days.append(day)
                if day in dates:
                    found.article_urls.append(link)
                else:
                    found.skipped_out_of_range += 1
            elif source.is_list(link) and link not in seen:
                next_lists.append(link)
        if _older_than_range(article_days, dates):
            continue   # lists run newest first: pages further on are older still
        seen.update(next_lists)
        queue.extend(next_lists)
    return found


def _older_than_range(days: list[date | None], dates: DateRange) -> bool:
    known = [d for d in days if d is not None]
    return bool(dates.since and known and len(known) == len(days) and max(known) < dates.since)


def fetch_article(pages: PageSource, source: Source | None, url: str, *,
                  dates: DateRange = ALL_DATES) -> PageOutcome:
    """Fetch one article (all its pages), parse it and extract its indicator facts."""
    source_id = source.id if source else None
    outcome = PageOutcome(url=url, source_id=source_id or "")
    first = pages.fetch(url)
    outcome.fetches.append(first)
    if not first.ok or first.text is None:
        outcome.error_kind = first.error_kind or "fetch"
        outcome.error = first.error or f"no text for {url}"
        return outcome
    article = parse_page(first.text, first.final_url, source_id=source_id)
    article = _join_further_pages(pages, article, outcome)
    if not article.paragraphs and not article.title:
        outcome.error_kind = "parse"
        outcome.error = f"parse: no title and no body found in {url}" + (
            f" ({'; '.join(article.warnings)})" if article.warnings else "")
        return outcome
    if article.published and article.published.date() not in dates:
        outcome.error_kind = "out_of_range"
        outcome.error = f"published {article.published.date()} outside the requested range: {url}"
        return outcome
    outcome.article = article
    outcome.facts = facts_for(article)
    return outcome


def facts_for(article: Article) -> list[Fact]:
    published = article.published.date() if article.published else None
    return extract_facts(article.body, published)


def _join_further_pages(pages: PageSource, article: Article, outcome: PageOutcome) -> Article:
    rest: list[Article] = []
    todo, seen = list(article.next_pages), {article.url, *article.next_pages}
    while todo and len(rest) < MAX_EXTRA_PAGES:
        result = pages.fetch(todo.pop(0))
        outcome.fetches.append(result)
        if not result.ok or result.text is None:
            article.warnings.append(f"page {result.url} missing: {result.error}")
            continue
        page = parse_page(result.text, result.final_url, source_id=article.source_id)
        rest.append(page)
        for nxt in page.next_pages:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return join_pages(article, rest) if rest else article


def fetch_batch(pages: PageSource, source: Source | None, urls: list[str], *,
                dates: DateRange = ALL_DATES,
                progress: Callable[[PageOutcome], None] | None = None) -> list[PageOutcome]:
    """One Prefect task's worth of articles; a bad page never stops the others."""
    outcomes = []
    for url in urls:
        try:
            outcome = fetch_article(pages, source, url, dates=dates)
        except Exception as exc:  # a parser bug must cost one page, not the run
            outcome = PageOutcome(url=url, source_id=source.id if source else "",
                                  error_kind="internal", error=f"{type(exc).__name__}: {exc} while processing {url}")
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


# --- one saved file, for `zonewatch parse` and `zonewatch indicators` -----------------------

def parse_file(content: bytes, url: str) -> Article:
    """Parse a saved page's raw bytes; the charset is found the same way as for a fetched page."""
    source = source_for_url(url)
    text, _codec = decode_html(content, http_charset=None, hint=source.encoding if source else None)
    return parse_page(text, url, source_id=source.id if source else None)


def facts_from_file(content: bytes, published: date, *, url: str | None = None) -> list[Fact]:
    """Indicator facts of a plain-text or HTML file, against its publication day."""
    head = content[:4096].lower()
    if b"<html" in head or b"<body" in head or b"<p" in head or b"<div" in head:
        article = parse_file(content, url or "file:///page.html")
        return extract_facts(article.body, published)
    text, _codec = decode_html(content, http_charset=None, hint=None)
    return extract_facts(normalize_text(text), published)
