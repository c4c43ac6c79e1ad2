"""Backfill: walk list pagination (and dated layout pages) back over a date range.

List pages are walked from the newest back until a page lists only articles older than the
range (or BACKFILL_LIST_PAGES pages); dated layouts (the newspaper) are expanded for every
day of the range. Only articles published inside the range are loaded: URLs that spell a
day outside it are not fetched, others are dropped after parsing. Pages the warehouse
already holds are fetched conditionally and not parsed again, so a backfill and the nightly
crawl never load a page twice.
"""
from __future__ import annotations

from datetime import date

from prefect import flow

from zonewatch import pipeline
from zonewatch.flows.report import RunReport
from zonewatch.flows.run import crawl_sources, current_run_id, run_guard, select_sources
from zonewatch.flows.tasks import task_runner
from zonewatch.settings import Settings

# Pagination depth a backfill may walk per entry URL; the walk stops earlier once a list
# page holds only articles older than the range.
BACKFILL_LIST_PAGES = 200


@flow(name="backfill", task_runner=task_runner(8), log_prints=True)
def backfill(since: date, until: date, sources: list[str] | None = None, warehouse: str | None = None,
             mirror: str | None = None, delay: float | None = None) -> RunReport:
    """Load the articles published from ``since`` to ``until`` (inclusive) of the chosen sources."""
    if since > until:
        raise ValueError(f"backfill range is empty: since {since} is after until {until}")
    settings = Settings().with_(warehouse=warehouse, mirror=mirror, delay_override=delay)
    chosen = select_sources(settings, sources)
    days = (until - since).days + 1
    report = RunReport(current_run_id(), "backfill",
                       {"sources": [s.id for s in chosen], "since": since.isoformat(), "until": until.isoformat()})
    with run_guard(settings, report, chosen):
        crawl_sources(report, settings, chosen,
                      entry_urls={s.id: s.entry_urls(until, lookback_days=days) for s in chosen},
                      max_list_pages={s.id: BACKFILL_LIST_PAGES for s in chosen},
                      dates=pipeline.DateRange(since, until))
    return report
