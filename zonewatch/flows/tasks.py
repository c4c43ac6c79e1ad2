"""Prefect tasks: thin wrappers that give the pipeline stages retries, concurrency and logs."""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from zonewatch import pipeline
from zonewatch.fetch import Fetcher, WarcArchive
from zonewatch.fetch.politeness import politeness_from_env
from zonewatch.settings import Settings
from zonewatch.sources import Source, load_sources


# Fetch tuning from the environment (a deployment's job variables, a test, a slow site):
# variable -> Fetcher keyword and type. Unset means the Fetcher's default.
FETCH_ENV = {
    "ZONEWATCH_RETRIES": ("retries", int),
    "ZONEWATCH_BACKOFF": ("backoff_factor", float),
    "ZONEWATCH_CONNECT_TIMEOUT": ("connect_timeout", float),
    "ZONEWATCH_READ_TIMEOUT": ("read_timeout", float),
    "ZONEWATCH_TOTAL_TIMEOUT": ("total_timeout", float),
    "ZONEWATCH_MAX_RETRY_AFTER": ("max_retry_after", float),
    "ZONEWATCH_MAX_CRAWL_DELAY": ("max_crawl_delay", float),
}


def fetch_options() -> dict:
    options = {}
    for name, (keyword, type_) in FETCH_ENV.items():
        value = os.environ.get(name)
        if value not in (None, ""):
            try:
                options[keyword] = type_(value)
            except ValueError:
                raise ValueError(f"{name}={value!r} is not a {type_.__name__}") from None
    return options


def make_fetcher(settings: Settings, archive: WarcArchive | None) -> Fetcher:
    return Fetcher(
        load_sources(settings.registry),
        archive=archive,
        delay_override=settings.delay_override,
        mirror=settings.mirror,
        max_bytes=settings.max_bytes,
        politeness=politeness_from_env(),
        **fetch_options(),
    )


def dask_address() -> str | None:
    return os.environ.get("ZONEWATCH_DASK_ADDRESS") or None


def task_runner(max_workers: int):
    """The flows' task runner: a Dask cluster's (``$ZONEWATCH_DASK_ADDRESS``, e.g.
    tcp://10.0.0.5:8786) when configured, else threads in the flow run's process."""
    address = dask_address()
    if address:
        from prefect_dask import DaskTaskRunner
        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=max_workers)


@dataclass(frozen=True)
class ArchiveRef:
    """Where tasks running in other processes (Dask workers) write their own WARC files:
    ``<root>/YYYY/MM/<run_id>-<task>.warc.gz`` (the root must be shared by the Dask workers)."""

    root: str
    run_id: str


@contextlib.contextmanager
def _task_archive(archive, name: str):
    if isinstance(archive, ArchiveRef):
        own = WarcArchive(archive.root, f"{archive.run_id}-{name}")
        try:
            yield own
        finally:
            own.close()
    else:
        yield archive


@task(name="discover", task_run_name="discover-{source.id}", cache_policy=NO_CACHE)
def discover_task(settings: Settings, archive: WarcArchive | None, source: Source, entry_urls: list[str],
                  max_list_pages: int, dates: pipeline.DateRange, known: pipeline.KnownPages = pipeline.NO_STATE,
                  skip: frozenset[str] = frozenset()) -> pipeline.Discovery:
    with _task_archive(archive, f"discover-{source.id}") as archive, make_fetcher(settings, archive) as fetcher:
        found = pipeline.discover(fetcher, source, entry_urls, max_list_pages=max_list_pages, dates=dates,
                                  known=known, skip=skip)
    failed = sum(1 for f in found.fetches if not f.ok)
    unchanged = sum(1 for f in found.fetches if f.not_modified)
    get_run_logger().info("%s: %d list pages (%d not modified, %d failed), %d article URLs, %d outside the date "
                          "range, %d given up on earlier", source.id, len(found.fetches), unchanged, failed,
                          len(found.article_urls), found.skipped_out_of_range, found.skipped_given_up)
    return found


@task(name="fetch-articles", task_run_name="fetch-{source.id}-{batch_no}", cache_policy=NO_CACHE)
def fetch_articles_task(settings: Settings, archive: WarcArchive | None, source: Source, urls: list[str],
                        batch_no: int, dates: pipeline.DateRange,
                        known: pipeline.KnownPages = pipeline.NO_STATE) -> list[pipeline.PageOutcome]:
    with _task_archive(archive, f"{source.id}-{batch_no}") as archive, make_fetcher(settings, archive) as fetcher:
        outcomes = pipeline.fetch_batch(fetcher, source, urls, dates=dates, known=known)
    failed = [o for o in outcomes if o.article is None and not o.not_modified]
    unchanged = sum(1 for o in outcomes if o.not_modified)
    log = get_run_logger()
    log.info("%s batch %d: %d pages, %d articles, %d not modified, %d without an article",
             source.id, batch_no, len(outcomes), len(outcomes) - len(failed) - unchanged, unchanged, len(failed))
    for o in failed:
        log.warning("%s", o.error)
    return outcomes


def batches(urls: list[str], size: int) -> list[list[str]]:
    return [urls[i:i + size] for i in range(0, len(urls), size)] or []
