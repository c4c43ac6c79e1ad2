"""The crawl chain, stage by stage: discover -> fetch -> parse -> extract.

Each stage is a plain function with a typed result, so the Prefect flows only decide
what runs where, and crawl, backfill and reparse share one path. Loading is the
warehouse's job (zonewatch.warehouse); the flows hand it what these stages return.

Incremental runs: ``KnownPages`` is what the warehouse knew when the run started (per URL:
ETag, Last-Modified, body hash, archived copy). Every page is fetched conditionally; a
``304 Not Modified`` (or a 200 whose body has the stored hash) marks an article
``not_modified`` and it is not parsed; a list page that did not change is read from its
archived copy, so its links are still followed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol
from urllib.parse import urlsplit

from zonewatch.fetch import FetchResult, Validators
from zonewatch.fetch.archive import read_response
from zonewatch.fetch.encoding import DecodeError, decode_body, decode_html
from zonewatch.parsers import extract_links, join_pages, parse_page
from zonewatch.parsers.article import Article
from zonewatch.parsers.indicators import extract_facts
from zonewatch.parsers.indicators.fact import Fact
from zonewatch.parsers.metadata import date_from_url
from zonewatch.parsers.normalize import normalize_text
from zonewatch.sources import Source, source_for_url

MAX_EXTRA_PAGES = 20
log = logging.getLogger(__name__)


class PageSource(Protocol):
    """Anything that turns a URL into a FetchResult: the live Fetcher or the WARC replay."""

    def fetch(self, url: str, *, validators: Validators | None = None) -> FetchResult: ...


@dataclass(frozen=True)
class PageState:
    """What the last good fetch of a page said about its version (a row of the ``pages`` table)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None

    @property
    def validators(self) -> Validators | None:
        return Validators(self.etag, self.last_modified) if (self.etag or self.last_modified) else None


class KnownPages:
    """The page state a run starts from; read-only, shared by the run's threads."""

    def __init__(self, states: Mapping[str, PageState] | None = None, archive_root: Path | str | None = None,
                 hints: Mapping[str, str | None] | None = None) -> None:
        self._states = dict(states or {})
        self.archive_root = Path(archive_root) if archive_root is not None else None
        self._hints = dict(hints or {})   # host -> the source's charset hint

    def get(self, url: str) -> PageState | None:
        return self._states.get(url)

    def validators(self, url: str) -> Validators | None:
        state = self._states.get(url)
        return state.validators if state else None

    def __len__(self) -> int:
        return len(self._states)

    def archived_text(self, url: str) -> str | None:
        """The stored copy of a page that answered 304, decoded as a live fetch decodes it."""
        state = self._states.get(url)
        if state is None or self.archive_root is None or not state.warc_file or state.warc_offset is None:
            return None
        try:
            item = read_response(self.archive_root, state.warc_file, state.warc_offset)
            hint = self._hints.get((urlsplit(url).hostname or "").lower())
            return decode_body(item.content, content_type=item.content_type, hint=hint)[0]
        except (OSError, LookupError, ValueError, DecodeError) as exc:
            log.warning("archived copy of %s unreadable (%s): fetching it again", url, exc)
            return None


NO_STATE = KnownPages()


@dataclass
class Discovery:
    source_id: str
    article_urls: list[str] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)
    skipped_out_of_range: int = 0
    skipped_given_up: int = 0


@dataclass
class PageOutcome:
    url: str
    source_id: str
    article: Article | None = None
    facts: list[Fact] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)
    error_kind: str | None = None
    error: str | None = None
    not_modified: bool = False      # the stored copy is current: nothing was parsed
    parsed: bool = False


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
             dates: DateRange = ALL_DATES, known: KnownPages = NO_STATE,
             skip: frozenset[str] | set[str] = frozenset()) -> Discovery:
    """Walk a source's list pages (following its pagination) and collect article URLs.

    List pages are fetched conditionally; an unchanged one is read from the archive. Article
    URLs in ``skip`` (given up on) and, with a date range, URLs dated outside it are left out.
    """
    found = Discovery(source.id)
    queue = list(dict.fromkeys(entry_urls))
    seen = set(queue)
    budget = max_list_pages * max(1, len(queue))
    seen_articles: set[str] = set()
    while queue and budget > 0:
        url = queue.pop(0)
        budget -= 1
        result = pages.fetch(url, validators=known.validators(url))
        found.fetches.append(result)
        text = result.text
        if result.not_modified:
            text = known.archived_text(url)
            if text is None:   # no readable stored copy: fetch it whole
                result = pages.fetch(url)
                found.fetches.append(result)
                text = result.text
        if not result.ok or text is None:
            continue
        next_lists, article_days = [], []
        for link in extract_links(text, result.final_url):
            if source.is_article(link):
                if link in seen_articles:
                    continue
                seen_articles.add(link)
                day = url_day(link)
                article_days.append(day)
                if link in skip:
                    found.skipped_given_up += 1
                elif day in dates:
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


def url_day(url: str) -> date | None:
    """The publication day a URL spells out (…/2022/0616/…, …/t20221226_…), if any."""
    found = date_from_url(url)
    return found[0].date() if found else None


def _older_than_range(days: list[date | None], dates: DateRange) -> bool:
    known = [d for d in days if d is not None]
    return bool(dates.since and known and len(known) == len(days) and max(known) < dates.since)


def fetch_article(pages: PageSource, source: Source | None, url: str, *,
                  dates: DateRange = ALL_DATES, known: KnownPages = NO_STATE) -> PageOutcome:
    """Fetch one article (all its pages), parse it and extract its indicator facts.

    With a stored state for the URL the fetch is conditional: a 304, or a body with the
    stored hash, gives an outcome ``not_modified`` and nothing is parsed.
    """
    source_id = source.id if source else None
    outcome = PageOutcome(url=url, source_id=source_id or "")
    state = known.get(url)
    first = pages.fetch(url, validators=state.validators if state else None)
    outcome.fetches.append(first)
    if first.ok and state is not None and (first.not_modified or
                                           (first.body_hash and first.body_hash == state.body_hash)):
        first.not_modified = True
        outcome.not_modified = True
        return outcome
    if not first.ok or first.text is None:
        outcome.error_kind = first.error_kind or "fetch"
        outcome.error = first.error or f"no text for {url}"
        return outcome
    outcome.parsed = True
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
                dates: DateRange = ALL_DATES, known: KnownPages = NO_STATE,
                progress: Callable[[PageOutcome], None] | None = None) -> list[PageOutcome]:
    """One Prefect task's worth of articles; a bad page never stops the others."""
    outcomes = []
    for url in urls:
        try:
            outcome = fetch_article(pages, source, url, dates=dates, known=known)
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
