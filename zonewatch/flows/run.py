"""What every flow run shares: fan the work out over Prefect tasks, then load it as one snapshot."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Iterable

from prefect import get_run_logger, runtime
from prefect.artifacts import create_markdown_artifact

from zonewatch import pipeline
from zonewatch.fetch import WarcArchive
from zonewatch.flows.report import RunReport
from zonewatch.flows.tasks import batches, discover_task, fetch_articles_task
from zonewatch.settings import Settings
from zonewatch.sources import Source, get_source, load_sources
from zonewatch.warehouse import Warehouse, fact_rows


def current_run_id() -> str:
    run_id = runtime.flow_run.id
    return str(run_id) if run_id else uuid.uuid4().hex


def select_sources(settings: Settings, ids: Iterable[str] | None) -> list[Source]:
    if not ids:
        return list(load_sources(settings.registry))
    return [get_source(i, settings.registry) for i in ids]


def crawl_sources(report: RunReport, settings: Settings, sources: list[Source], *, entry_urls: dict[str, list[str]],
                  max_list_pages: dict[str, int], dates: pipeline.DateRange) -> RunReport:
    """Discover, fetch, parse and extract every source concurrently, then load one snapshot."""
    archive = WarcArchive(settings.archive, report.run_id)
    try:
        discovered = [discover_task.submit(settings, archive, s, entry_urls[s.id], max_list_pages[s.id], dates)
                      for s in sources]
        fetch_futures = []
        fetches = []
        for source, future in zip(sources, discovered):
            found: pipeline.Discovery = future.result()
            fetches.extend(found.fetches)
            for n, batch in enumerate(batches(found.article_urls, settings.batch_size), 1):
                fetch_futures.append(fetch_articles_task.submit(settings, archive, source, batch, n, dates))
        outcomes = [o for f in fetch_futures for o in f.result()]
    finally:
        archive.close()
    return load_snapshot(report, settings, outcomes, fetches)


def load_snapshot(report: RunReport, settings: Settings, outcomes: list[pipeline.PageOutcome],
                  list_fetches: list) -> RunReport:
    """Load everything of the run in one transaction: one snapshot, or none if anything fails."""
    log = get_run_logger()
    report.count_fetches(list_fetches)
    fetch_rows = [fetch_row(f, "list") for f in list_fetches]
    articles, fact_rows_ = [], []
    for o in outcomes:
        report.count_fetches(o.fetches)
        rows = [fetch_row(f, "article") for f in o.fetches]
        # Fetch failures are counted by count_fetches; this counts pages fetched fine but unusable.
        if o.article is None and all(f.ok for f in o.fetches) and o.error_kind != "out_of_range":
            report.errors_by_kind[o.error_kind or "unknown"] += 1
            if rows:
                rows[0].update(ok=False, error_kind=o.error_kind, error=o.error)
        fetch_rows.extend(rows)
        if o.article is not None:
            articles.append(o.article)
            fact_rows_.extend(fact_rows(o.article, o.facts))
            report.articles_by_source[o.source_id] += 1
            report.facts += len(o.facts)
    with Warehouse.open(settings.warehouse, wait=60) as warehouse, \
            warehouse.run(report.run_id, report.flow) as tx:
        counts = tx.load("articles", articles)
        report.articles_new, report.articles_updated, report.articles_unchanged = (
            counts["new"], counts["updated"], counts["unchanged"])
        # Replace each loaded article's facts, including articles that now state none.
        tx.load("indicators", fact_rows_, keys=[a.canonical_url for a in articles])
        tx.load("fetches", fetch_rows)
        report.finished_at = datetime.now(timezone.utc)
        report.status = "completed"
        report.snapshot_id = tx.expected_snapshot_id
        tx.load("runs", [report.row()])
        report.snapshot_id = tx.commit(report.commit_message(), {"report": json.loads(json.dumps(
            report.row(), default=str))})
    log.info("%s", report.summary())
    create_markdown_artifact(key=f"{report.flow}-report", markdown=report.markdown(),
                             description=f"zonewatch {report.flow} run {report.run_id}")
    return report


def fetch_row(result, stage: str) -> dict:
    return {"url": result.url, "final_url": result.final_url, "status": result.status, "ok": result.ok,
            "error_kind": result.error_kind, "error": result.error, "bytes": result.bytes,
            "truncated": result.truncated, "encoding": result.encoding, "elapsed_ms": result.elapsed_ms,
            "attempts": result.attempts, "fetched_at": result.fetched_at, "warc_file": result.warc_file,
            "warc_offset": result.warc_offset, "stage": stage}
