"""What every flow run shares: fan the work out over Prefect tasks, then load it as one snapshot.

A run starts from the warehouse's state (``read_state``): the ``pages`` table (validators and
body hashes for conditional GETs) and the ``failure_queue``. Pages given up on are not fetched;
pages still queued are fetched again. The run ends by loading, in one transaction and so one
snapshot, its articles, facts, fetches, the page state and the queue that changed, and its
``runs`` row. A run on unchanged sites loads no article, fact, fetch or page row: its snapshot
holds only the run record (pages_not_modified says what was confirmed).

Re-checking loaded articles: the nightly crawl asks again (conditionally) only for articles
published within its recheck window (default 30 days before as_of), where corrections happen;
older loaded articles are not requested at all (articles_skipped), which keeps a night on a
site of thousands of pages to a few hundred requests at the sites' politeness delay. A
backfill re-checks every loaded article of its range, conditionally.

Who may run at once (``run_guard``). On a warehouse with a catalog file, one run at a time
(``run.lock``). On a shared (PostgreSQL) catalog, runs of different sources go on at once,
on any machines: a run holds a slot of the Prefect global concurrency limit
``zonewatch-source-<id>`` (limit 1) for each of its sources, and the load transaction is
retried when its commit conflicts with another run's.
"""
from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

from prefect import get_run_logger, runtime
from prefect.artifacts import create_markdown_artifact

from zonewatch import pipeline
from zonewatch.fetch import WarcArchive
from zonewatch.flows.report import RunReport
from zonewatch.flows.tasks import ArchiveRef, batches, dask_address, discover_task, fetch_articles_task
from zonewatch.settings import Settings
from zonewatch.sources import Source, get_source, load_sources
from zonewatch.parsers.syndication import StoryIndex
from zonewatch.warehouse import Warehouse, WarehouseLocked, fact_rows, run_lock
from zonewatch.warehouse.lake import retry_conflicts
from zonewatch.warehouse.search import refresh_index

SOURCE_LIMIT_PREFIX = "zonewatch-source-"

# A page failing this many runs in a row is given up on (and reported by the `failures` view).
DEFAULT_MAX_ATTEMPTS = 3
# Errors that another try will not fix: given up on at once.
PERMANENT_KINDS = frozenset({"robots_disallowed", "redirect_offsite", "invalid_url", "not_html", "too_large"})
PERMANENT_STATUSES = frozenset({404, 410})


def max_attempts() -> int:
    value = os.environ.get("ZONEWATCH_MAX_ATTEMPTS")
    return int(value) if value else DEFAULT_MAX_ATTEMPTS


def current_run_id() -> str:
    run_id = runtime.flow_run.id
    return str(run_id) if run_id else uuid.uuid4().hex


def select_sources(settings: Settings, ids: Iterable[str] | None) -> list[Source]:
    if not ids:
        return list(load_sources(settings.registry))
    return [get_source(i, settings.registry) for i in ids]


@dataclass
class RunState:
    """The warehouse's memory of earlier runs, as read when this run started."""

    known: pipeline.KnownPages = field(default_factory=pipeline.KnownPages)
    queue: dict[str, dict] = field(default_factory=dict)     # url -> failure_queue row
    published: dict[str, date | None] = field(default_factory=dict)   # loaded article URL -> its day

    def settled(self, url: str, recheck_since: date | None) -> bool:
        """A loaded article published before the recheck window: not requested again."""
        if recheck_since is None or url not in self.published or self.known.get(url) is None:
            return False
        day = self.published[url]
        return day is not None and day < recheck_since

    @property
    def given_up(self) -> set[str]:
        return {u for u, r in self.queue.items() if r.get("gave_up")}

    def pending(self, source: Source) -> list[str]:
        return sorted(u for u, r in self.queue.items()
                      if not r.get("gave_up") and source.owns(u) and source.is_article(u))


def read_state(settings: Settings, sources: Iterable[Source] = ()) -> RunState:
    """Page state and failure queue of the warehouse (empty for a new warehouse)."""
    hints = {h: s.encoding for s in load_sources(settings.registry) for h in s.hosts}
    known = pipeline.KnownPages(archive_root=settings.archive, hints=hints)
    location = settings.location
    if location.exists() is False:
        return RunState(known)
    try:
        wh = Warehouse.open_for_read(settings.warehouse, wait=60)
    except FileNotFoundError:
        if location.shared:           # an empty shared catalog: nothing loaded yet
            return RunState(known)
        raise
    with wh:
        tables = {r[0] for r in wh.sql("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_catalog = 'lake' AND table_schema = 'main'")[1]}
        states, queue, published = {}, {}, {}
        if "articles" in tables:
            published = {url: (when.date() if when else None) for url, when in wh.sql(
                "SELECT url, timezone('Asia/Shanghai', published) FROM articles WHERE url IS NOT NULL")[1]}
        if "pages" in tables:
            for url, etag, modified, digest, warc_file, offset in wh.sql(
                    "SELECT url, etag, last_modified, body_hash, warc_file, warc_offset FROM pages")[1]:
                states[url] = pipeline.PageState(url, etag, modified, digest, warc_file, offset)
        if "failure_queue" in tables:
            columns, rows = wh.sql("SELECT * FROM failure_queue")
            queue = {r[0]: dict(zip(columns, r)) for r in rows}
    return RunState(pipeline.KnownPages(states, settings.archive, hints), queue, published)


def crawl_sources(report: RunReport, settings: Settings, sources: list[Source], *, entry_urls: dict[str, list[str]],
                  max_list_pages: dict[str, int], dates: pipeline.DateRange,
                  state: RunState | None = None, recheck_since: date | None = None) -> RunReport:
    """Discover, fetch, parse and extract every source concurrently, then load one snapshot.

    Loaded articles published before ``recheck_since`` are not requested again (None: all are
    re-checked, conditionally)."""
    state = state or read_state(settings, sources)
    skip = frozenset(state.given_up)
    archive = WarcArchive(settings.archive, report.run_id)
    if dask_address():      # tasks run in other processes: each writes its own WARC file
        archive.close()
        archive = ArchiveRef(str(settings.archive), report.run_id)
    try:
        discovered = [discover_task.submit(settings, archive, s, entry_urls[s.id], max_list_pages[s.id], dates,
                                           state.known, skip)
                      for s in sources]
        fetch_futures = []
        fetches = []
        for source, future in zip(sources, discovered):
            found: pipeline.Discovery = future.result()
            fetches.extend(found.fetches)
            report.skipped_given_up += found.skipped_given_up
            urls = [u for u in found.article_urls if not state.settled(u, recheck_since)]
            report.articles_skipped += len(found.article_urls) - len(urls)
            listed = set(found.article_urls)
            # Failed pages of earlier runs are tried again, even when no list links them any more.
            urls += [u for u in state.pending(source) if u not in listed and pipeline.url_day(u) in dates]
            for n, batch in enumerate(batches(urls, settings.batch_size), 1):
                fetch_futures.append(fetch_articles_task.submit(settings, archive, source, batch, n, dates,
                                                                state.known))
        outcomes = [o for f in fetch_futures for o in f.result()]
    finally:
        if isinstance(archive, WarcArchive):
            archive.close()
    return load_snapshot(report, settings, outcomes, fetches, state=state)


def load_snapshot(report: RunReport, settings: Settings, outcomes: list[pipeline.PageOutcome],
                  list_fetches: list, *, state: RunState | None = None) -> RunReport:
    """Load everything of the run in one transaction: one snapshot, or none if anything fails.

    ``state`` (live runs) also updates the page state and the failure queue; reparse passes none.
    """
    log = get_run_logger()
    now = datetime.now(timezone.utc)
    report.count_fetches(list_fetches)
    fetch_rows = [fetch_row(f, "list") for f in list_fetches if not f.not_modified]
    page_rows = [page_row(f, "list") for f in list_fetches if _new_state(f, state)]
    articles, fact_rows_, queue_rows, leaving_queue = [], [], [], []
    limit = max_attempts()
    for o in outcomes:
        report.count_fetches(o.fetches)
        rows = [fetch_row(f, "article") for f in o.fetches if not f.not_modified]
        # Fetch failures are counted by count_fetches; this counts pages fetched fine but unusable
        # (parse errors), as failed pages too.
        if o.article is None and not o.not_modified and all(f.ok for f in o.fetches) \
                and o.error_kind != "out_of_range":
            report.errors_by_kind[o.error_kind or "unknown"] += 1
            report.pages_failed += 1
            if rows:
                rows[0].update(ok=False, error_kind=o.error_kind, error=o.error)
        fetch_rows.extend(rows)
        report.articles_parsed += o.parsed
        if o.not_modified:
            report.articles_unchanged += 1
        if o.article is not None:
            articles.append(o.article)
            fact_rows_.extend(fact_rows(o.article, o.facts))
            report.articles_by_source[o.source_id] += 1
            report.facts += len(o.facts)
        if state is None:
            continue
        if (o.article is not None or o.not_modified) and o.fetches and _new_state(o.fetches[0], state):
            page_rows.append(page_row(o.fetches[0], "article", o.source_id))
        if o.article is not None or o.not_modified or o.error_kind == "out_of_range":
            if o.url in state.queue:
                leaving_queue.append(o.url)
        else:
            row = queue_row(o, state.queue.get(o.url), report.run_id, now, limit)
            queue_rows.append(row)
            if row["gave_up"]:
                report.failures_given_up += 1
    if state is not None:
        failed = {r["url"] for r in queue_rows}
        report.failures_queued = sum(1 for r in queue_rows if not r["gave_up"]) + sum(
            1 for u, r in state.queue.items() if not r.get("gave_up") and u not in failed and u not in leaving_queue)
    unchanged_before = report.articles_unchanged

    def transaction() -> None:
        # The whole transaction, so that it can be run again after a conflict (shared catalogs).
        with Warehouse.open(settings.warehouse, wait=60) as warehouse, \
                warehouse.run(report.run_id, report.flow) as tx:
            assign_stories(tx, articles)
            counts = tx.load("articles", articles)
            report.articles_new, report.articles_updated = counts["new"], counts["updated"]
            report.articles_unchanged = unchanged_before + counts["unchanged"]
            # Replace each loaded article's facts, including articles that now state none.
            tx.load("indicators", fact_rows_, keys=[a.canonical_url for a in articles])
            tx.load("fetches", fetch_rows)
            if state is not None:
                tx.load("pages", page_rows)
                tx.load("failure_queue", queue_rows, keys=leaving_queue)
            report.finished_at = datetime.now(timezone.utc)
            report.status = "completed"
            report.snapshot_id = tx.expected_snapshot_id
            tx.load("runs", [report.row()])
            report.snapshot_id = tx.commit(report.commit_message(), {"report": json.loads(json.dumps(
                report.row(), default=str))})

    retry_conflicts(transaction, what=f"{report.flow} run {report.run_id}")
    try:
        refresh_index(settings.warehouse)
    except Exception as exc:  # the next search refreshes it anyway; the snapshot is what counts
        log.warning("search index not refreshed after snapshot %s: %s", report.snapshot_id, exc)
    log.info("%s", report.summary())
    create_markdown_artifact(key=f"{report.flow}-report", markdown=report.markdown(),
                             description=f"zonewatch {report.flow} run {report.run_id}")
    return report


def assign_stories(tx, articles) -> None:
    """Copies of one story (mirrors, syndication, reposts) share a story_id, found by MinHash."""
    index = StoryIndex.from_rows(tx.story_rows())
    for article in articles:
        article.story_id, article.body_signature = index.assign(article.canonical_url, article.body)


def _new_state(result, state: RunState | None) -> bool:
    """A complete 2xx whose validators or body differ from the stored state of its URL."""
    if state is None or not result.ok or result.not_modified or not result.body_hash or not result.warc_file:
        return False
    known = state.known.get(result.url)
    return known is None or (known.etag, known.last_modified, known.body_hash) != (
        result.etag, result.last_modified, result.body_hash)


def page_row(result, kind: str, source_id: str | None = None) -> dict:
    return {"url": result.url, "source_id": source_id, "kind": kind, "etag": result.etag,
            "last_modified": result.last_modified, "body_hash": result.body_hash, "warc_file": result.warc_file,
            "warc_offset": result.warc_offset, "fetched_at": result.fetched_at}


def is_permanent(error_kind: str | None, status: int | None) -> bool:
    return error_kind in PERMANENT_KINDS or (error_kind == "http_status" and status in PERMANENT_STATUSES)


def queue_row(outcome: pipeline.PageOutcome, previous: dict | None, run_id: str, now: datetime, limit: int) -> dict:
    failed = next((f for f in outcome.fetches if not f.ok), outcome.fetches[0] if outcome.fetches else None)
    status = failed.status if failed is not None else None
    attempts = (previous or {}).get("attempts", 0) + 1
    return {"url": outcome.url, "source_id": outcome.source_id or None, "error_kind": outcome.error_kind,
            "error": outcome.error, "status": status, "attempts": attempts,
            "gave_up": attempts >= limit or is_permanent(outcome.error_kind, status),
            "first_failed_at": (previous or {}).get("first_failed_at") or now, "last_failed_at": now,
            "first_run": (previous or {}).get("first_run") or run_id}


def fetch_row(result, stage: str) -> dict:
    return {"url": result.url, "final_url": result.final_url, "status": result.status, "ok": result.ok,
            "error_kind": result.error_kind, "error": result.error, "bytes": result.bytes,
            "truncated": result.truncated, "encoding": result.encoding, "elapsed_ms": result.elapsed_ms,
            "attempts": result.attempts, "fetched_at": result.fetched_at, "warc_file": result.warc_file,
            "warc_offset": result.warc_offset, "stage": stage}


@contextlib.contextmanager
def run_guard(settings: Settings, report: RunReport, sources: Iterable[Source], *, wait: float = 0.0):
    """Who may run at once: the warehouse's ``run.lock`` (catalog file; ``wait`` seconds for it,
    0 refuses at once), or on a shared catalog one Prefect concurrency slot per source."""
    location = settings.location
    if not location.shared:
        with run_lock(settings.warehouse, report.run_id, report.flow, location=location, wait=wait):
            yield
        return
    with source_slots([s.id for s in sources], wait=wait):
        yield


def source_limit_name(source_id: str) -> str:
    return SOURCE_LIMIT_PREFIX + source_id


@contextlib.contextmanager
def source_slots(source_ids: list[str], *, wait: float = 0.0, lease: float = 300.0):
    """Hold the Prefect global concurrency limits ``zonewatch-source-<id>`` (limit 1, created
    when missing) for the sources of a run on a shared catalog; WarehouseLocked when another
    run holds one of them after ``wait`` seconds. A killed run's slots are freed when their
    lease (renewed while the run lives) expires."""
    if not source_ids:
        yield
        return
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.concurrency.sync import concurrency
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    names = [source_limit_name(i) for i in sorted(set(source_ids))]
    with get_client(sync_client=True) as client:
        for name in names:
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                try:
                    client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
                except ObjectAlreadyExists:
                    pass
    try:
        ctx = concurrency(names, occupy=1, timeout_seconds=max(wait, 1.0), lease_duration=lease, strict=True)
        ctx.__enter__()
    except TimeoutError:
        raise WarehouseLocked(f"source(s) {', '.join(sorted(set(source_ids)))} are being crawled by another run "
                              f"(Prefect concurrency limits {', '.join(names)} are full); try again when it has "
                              f"finished") from None
    try:
        yield
    except BaseException:
        import sys
        if not ctx.__exit__(*sys.exc_info()):
            raise
    else:
        ctx.__exit__(None, None, None)
