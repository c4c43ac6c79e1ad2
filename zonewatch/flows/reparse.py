"""Reparse: rebuild articles and indicators from the WARC archive, with no network, as one snapshot."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from zonewatch import pipeline
from zonewatch.fetch.replay import ArchiveReplay
from zonewatch.flows.report import RunReport
from zonewatch.flows.run import current_run_id, load_snapshot, run_guard, select_sources
from zonewatch.flows.tasks import batches, task_runner
from zonewatch.settings import Settings
from zonewatch.sources import Source, load_sources


@task(name="reparse-articles", task_run_name="reparse-{source.id}-{batch_no}", cache_policy=NO_CACHE)
def reparse_batch_task(replay: ArchiveReplay, source: Source, urls: list[str], batch_no: int) -> list[pipeline.PageOutcome]:
    outcomes = pipeline.fetch_batch(replay, source, urls)
    get_run_logger().info("%s batch %d: %d archived pages reparsed", source.id, batch_no, len(outcomes))
    return outcomes


@flow(name="reparse", task_runner=task_runner(4), log_prints=True)
def reparse(sources: list[str] | None = None, since: date | None = None, warehouse: str | None = None) -> RunReport:
    """Parse every archived article page again with the current code (latest copy of each URL)."""
    settings = Settings().with_(warehouse=warehouse)
    chosen = select_sources(settings, sources)
    report = RunReport(current_run_id(), "reparse",
                       {"sources": [s.id for s in chosen], "since": since.isoformat() if since else None})
    since_dt = datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None
    with run_guard(settings, report, chosen):
        replay = ArchiveReplay(settings.archive, hosts={h for s in chosen for h in s.hosts}, since=since_dt,
                               sources=load_sources(settings.registry))
        futures = []
        for source in chosen:
            urls = [u for u in replay.urls() if source.owns(u) and source.is_article(u)]
            for n, batch in enumerate(batches(urls, settings.batch_size), 1):
                futures.append(reparse_batch_task.submit(replay, source, batch, n))
        outcomes = [o for f in futures for o in f.result()]
        # Replayed responses are not new requests: no fetch rows (and no page state or queue change).
        for o in outcomes:
            o.fetches = []
        load_snapshot(report, settings, outcomes, [])
    return report
