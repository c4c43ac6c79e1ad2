"""The nightly crawl: every source's recent list pages, new and changed articles, one snapshot.

Incremental: pages are fetched conditionally against the warehouse's page state, and loaded
articles older than ``recheck_days`` (by publication day, before ``as_of``) are not asked for
again, so a night on unchanged sites costs a few small requests, parses nothing and commits
only its run record. Failed pages of earlier nights are retried (the failure queue). Only one run
at a time may use a warehouse: a second is refused at once (WarehouseLocked).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from zonewatch import pipeline
from zonewatch.flows.report import RunReport
from zonewatch.flows.run import crawl_sources, current_run_id, select_sources
from zonewatch.settings import Settings
from zonewatch.warehouse import run_lock

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Loaded articles published within this many days before as_of are re-checked for corrections.
RECHECK_DAYS = 30


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


@flow(name="crawl", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=True)
def crawl(sources: list[str] | None = None, as_of: date | None = None, warehouse: str | None = None,
          mirror: str | None = None, delay: float | None = None, max_list_pages: int | None = None,
          recheck_days: int = RECHECK_DAYS) -> RunReport:
    """Crawl the registry's sources (all, or the ids given) as of a day (default: today in Shanghai).

    Loaded articles published in the ``recheck_days`` before ``as_of`` are asked for again
    (conditionally) to catch corrections; older ones are not requested."""
    settings = Settings().with_(warehouse=warehouse, mirror=mirror, delay_override=delay)
    as_of = as_of or today_in_shanghai()
    chosen = select_sources(settings, sources)
    report = RunReport(current_run_id(), "crawl", {"sources": [s.id for s in chosen], "as_of": as_of.isoformat()})
    with run_lock(settings.warehouse, report.run_id, report.flow):
        crawl_sources(report, settings, chosen,
                      entry_urls={s.id: s.entry_urls(as_of) for s in chosen},
                      max_list_pages={s.id: max_list_pages or s.max_list_pages for s in chosen},
                      dates=pipeline.ALL_DATES, recheck_since=as_of - timedelta(days=max(recheck_days, 0)))
    return report
