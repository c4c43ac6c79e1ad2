"""Prefect tasks: thin wrappers that give the pipeline stages retries, concurrency and logs."""
from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from zonewatch import pipeline
from zonewatch.fetch import Fetcher, WarcArchive
from zonewatch.settings import Settings
from zonewatch.sources import Source, load_sources


def make_fetcher(settings: Settings, archive: WarcArchive | None) -> Fetcher:
    return Fetcher(
        load_sources(settings.registry),
        archive=archive,
        delay_override=settings.delay_override,
        mirror=settings.mirror,
        max_bytes=settings.max_bytes,
    )


@task(name="discover", task_run_name="discover-{source.id}", cache_policy=NO_CACHE)
def discover_task(settings: Settings, archive: WarcArchive | None, source: Source, entry_urls: list[str],
                  max_list_pages: int, dates: pipeline.DateRange) -> pipeline.Discovery:
    with make_fetcher(settings, archive) as fetcher:
        found = pipeline.discover(fetcher, source, entry_urls, max_list_pages=max_list_pages, dates=dates)
    failed = sum(1 for f in found.fetches if not f.ok)
    get_run_logger().info("%s: %d list pages (%d failed), %d article URLs, %d outside the date range",
                          source.id, len(found.fetches), failed, len(found.article_urls), found.skipped_out_of_range)
    return found


@task(name="fetch-articles", task_run_name="fetch-{source.id}-{batch_no}", cache_policy=NO_CACHE)
def fetch_articles_task(settings: Settings, archive: WarcArchive | None, source: Source, urls: list[str],
                        batch_no: int, dates: pipeline.DateRange) -> list[pipeline.PageOutcome]:
    with make_fetcher(settings, archive) as fetcher:
        outcomes = pipeline.fetch_batch(fetcher, source, urls, dates=dates)
    failed = [o for o in outcomes if o.article is None]
    log = get_run_logger()
    log.info("%s batch %d: %d pages, %d articles, %d without an article",
             source.id, batch_no, len(outcomes), len(outcomes) - len(failed), len(failed))
    for o in failed:
        log.warning("%s", o.error)
    return outcomes


def batches(urls: list[str], size: int) -> list[list[str]]:
    return [urls[i:i + size] for i in range(0, len(urls), size)] or []
