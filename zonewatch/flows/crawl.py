"""The nightly crawl: every source's recent list pages, new and changed articles, one snapshot."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from zonewatch import pipeline
from zonewatch.flows.report import RunReport
from zonewatch.flows.run import crawl_sources, current_run_id, select_sources
from zonewatch.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


@flow(name="crawl", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=True)
def crawl(sources: list[str] | None = None, as_of: date | None = None, warehouse: str | None = None,
          mirror: str | None = None, delay: float | None = None, max_list_pages: int | None = None) -> RunReport:
    """Crawl the registry's sources (all, or the ids given) as of a day (default: today in Shanghai)."""
    settings = Settings().with_(warehouse=warehouse, mirror=mirror, delay_override=delay)
    as_of = as_of or today_in_shanghai()
    chosen = select_sources(settings, sources)
    report = RunReport(current_run_id(), "crawl", {"sources": [s.id for s in chosen], "as_of": as_of.isoformat()})
    crawl_sources(report, settings, chosen,
                  entry_urls={s.id: s.entry_urls(as_of) for s in chosen},
                  max_list_pages={s.id: max_list_pages or s.max_list_pages for s in chosen},
                  dates=pipeline.ALL_DATES)
    return report
