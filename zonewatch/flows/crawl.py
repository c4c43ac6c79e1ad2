"""The nightly crawl: every source's recent list pages, new and changed articles, one snapshot.

Incremental: pages are fetched conditionally against the warehouse's page state, and loaded
articles older than ``recheck_days`` (by publication day, before ``as_of``) are not asked for
again, so a night on unchanged sites costs a few small requests, parses nothing and commits
only its run record. Failed pages of earlier nights are retried (the failure queue). Only one run
at a time may use a warehouse with a catalog file: a second is refused at once (WarehouseLocked).

Fan-out (``fan_out=True`` or ``$ZONEWATCH_FAN_OUT=1``): the run crawls nothing itself; it starts
one flow run per source of the deployment ``$ZONEWATCH_SOURCE_DEPLOYMENT`` (default
``crawl/per-source``) on the work pool, so that every worker of the pool, on any machine, takes
a share, waits for them, and reports their sum. Each source run commits its own snapshot; on a
shared (PostgreSQL) catalog they commit at once, on a catalog file one after another. In-process
(the default, and the CLI's) all sources are crawled by this run into one snapshot.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from zonewatch import pipeline
from zonewatch.flows.report import RunReport
from zonewatch.flows.run import crawl_sources, current_run_id, run_guard, select_sources
from zonewatch.flows.tasks import task_runner
from zonewatch.settings import Settings
from zonewatch.warehouse import Warehouse

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Loaded articles published within this many days before as_of are re-checked for corrections.
RECHECK_DAYS = 30
SOURCE_DEPLOYMENT = "crawl/per-source"
# How long a fan-out waits for its source runs (and a source run for the run.lock of a catalog file).
FAN_OUT_TIMEOUT_S = 6 * 3600


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def fan_out_enabled(requested: bool | None) -> bool:
    if requested is not None:
        return bool(requested)
    return (os.environ.get("ZONEWATCH_FAN_OUT") or "").strip().lower() in ("1", "true", "yes", "on")


@flow(name="crawl", task_runner=task_runner(8), log_prints=True)
def crawl(sources: list[str] | None = None, as_of: date | None = None, warehouse: str | None = None,
          mirror: str | None = None, delay: float | None = None, max_list_pages: int | None = None,
          recheck_days: int = RECHECK_DAYS, fan_out: bool | None = None, wait_for_lock: float = 0.0) -> RunReport:
    """Crawl the registry's sources (all, or the ids given) as of a day (default: today in Shanghai).

    Loaded articles published in the ``recheck_days`` before ``as_of`` are asked for again
    (conditionally) to catch corrections; older ones are not requested. ``fan_out``: one flow
    run per source on the work pool instead of crawling here (default ``$ZONEWATCH_FAN_OUT``).
    ``wait_for_lock``: seconds to wait for a busy warehouse (catalog file) or source (shared
    catalog) before giving up; 0 refuses at once."""
    settings = Settings().with_(warehouse=warehouse, mirror=mirror, delay_override=delay)
    as_of = as_of or today_in_shanghai()
    chosen = select_sources(settings, sources)
    report = RunReport(current_run_id(), "crawl", {"sources": [s.id for s in chosen], "as_of": as_of.isoformat()})
    if fan_out_enabled(fan_out):
        params = {"as_of": as_of.isoformat(), "warehouse": warehouse, "mirror": mirror, "delay": delay,
                  "max_list_pages": max_list_pages, "recheck_days": recheck_days}
        return fan_out_sources(report, settings, [s.id for s in chosen], params)
    with run_guard(settings, report, chosen, wait=wait_for_lock):
        crawl_sources(report, settings, chosen,
                      entry_urls={s.id: s.entry_urls(as_of) for s in chosen},
                      max_list_pages={s.id: max_list_pages or s.max_list_pages for s in chosen},
                      dates=pipeline.ALL_DATES, recheck_since=as_of - timedelta(days=max(recheck_days, 0)))
    return report


def fan_out_sources(report: RunReport, settings: Settings, source_ids: list[str], params: dict,
                    deployment: str | None = None, timeout: float | None = None) -> RunReport:
    """Start one run of ``deployment`` per source, wait for all, and sum their ``runs`` rows."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    log = get_run_logger()
    deployment = deployment or os.environ.get("ZONEWATCH_SOURCE_DEPLOYMENT") or SOURCE_DEPLOYMENT
    timeout = timeout or float(os.environ.get("ZONEWATCH_FAN_OUT_TIMEOUT") or FAN_OUT_TIMEOUT_S)
    children = {}
    for sid in source_ids:
        run = run_deployment(deployment, parameters={**params, "sources": [sid], "fan_out": False,
                                                     "wait_for_lock": timeout},
                             timeout=0, flow_run_name=f"crawl-{sid}-{params['as_of']}",
                             tags=["zonewatch", f"source:{sid}"])
        children[sid] = run.id
    log.info("fan-out: %d source runs of %s started: %s", len(children), deployment,
             ", ".join(f"{k}={v}" for k, v in children.items()))
    deadline = time.monotonic() + timeout
    final: dict[str, object] = {}
    with get_client(sync_client=True) as client:
        while len(final) < len(children) and time.monotonic() < deadline:
            for sid, run_id in children.items():
                if sid not in final:
                    run = client.read_flow_run(run_id)
                    if run.state is not None and run.state.is_final():
                        final[sid] = run
            if len(final) < len(children):
                time.sleep(1.0)
    _sum_children(report, settings, {str(v): k for k, v in children.items()})
    report.finished_at = datetime.now(timezone.utc)
    failed = {sid: (final[sid].state.name if sid in final else "not finished")
              for sid in children if sid not in final or not final[sid].state.is_completed()}
    report.status = "failed" if failed else "completed"
    log.info("%s", report.summary())
    if failed:
        raise RuntimeError(f"fan-out: {len(failed)} of {len(children)} source runs did not complete: "
                           + ", ".join(f"{k} ({v})" for k, v in sorted(failed.items())))
    return report


_SUMMED = ("pages_fetched", "pages_not_modified", "pages_failed", "bytes", "articles_new", "articles_updated",
           "articles_unchanged", "articles_parsed", "articles_skipped", "facts", "failures_queued",
           "failures_given_up")


def _sum_children(report: RunReport, settings: Settings, run_ids: dict[str, str]) -> None:
    import json
    if not run_ids:
        return
    try:
        wh = Warehouse.open_for_read(settings.warehouse, wait=60)
    except FileNotFoundError:
        return
    with wh:
        marks = ", ".join("?" for _ in run_ids)
        columns, rows = wh.sql(f"SELECT * FROM runs WHERE run_id IN ({marks})", list(run_ids))
    snapshots = []
    for row in rows:
        r = dict(zip(columns, row))
        for name in _SUMMED:
            setattr(report, name, getattr(report, name) + (r.get(name) or 0))
        kinds = r.get("errors_by_kind")
        report.errors_by_kind.update(Counter(json.loads(kinds) if isinstance(kinds, str) else (kinds or {})))
        report.articles_by_source[run_ids[r["run_id"]]] += (r.get("articles_new") or 0) + (r.get("articles_updated") or 0)
        if r.get("snapshot_id") is not None:
            snapshots.append(r["snapshot_id"])
    report.snapshot_id = max(snapshots) if snapshots else None
