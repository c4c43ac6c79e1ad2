"""Per-host request spacing: shared by every Fetcher in the process (the default), or by
every process on every machine through Prefect global concurrency limits used as rate limits.

``ZONEWATCH_POLITENESS=prefect`` (``politeness_from_env``) selects the second: before each
request to a host the fetcher takes a slot of the Prefect rate limit ``zonewatch-host-<host>``
(limit 1, one slot decaying every ``delay`` seconds), so two workers crawling the same host
still space their requests. The flow creates a missing limit on first use; an operator may
create them ahead with ``prefect gcl create zonewatch-host-<host> --limit 1
--slot-decay-per-second <1/delay>`` (an existing limit's decay is then what counts).
"""
from __future__ import annotations

import logging
import os
import threading
import time

__all__ = ["DEFAULT_DELAY_S", "MAX_CRAWL_DELAY", "Politeness", "POLITENESS", "PrefectRateLimit", "polite_delay",
           "politeness_from_env", "host_limit_name"]

log = logging.getLogger(__name__)

DEFAULT_DELAY_S = 2.0      # hosts outside the registry (allow_any_host)
MAX_CRAWL_DELAY = 120.0


def polite_delay(source_delay: float | None, *, override: float | None, crawl_delay: float | None,
                 max_crawl_delay: float = MAX_CRAWL_DELAY) -> float:
    """Seconds between two requests to one host.

    ``override`` replaces the registry delay (demo, tests) but never robots.txt's
    Crawl-delay, which is only capped at ``max_crawl_delay``.
    """
    base = override if override is not None else (DEFAULT_DELAY_S if source_delay is None else source_delay)
    robots = min(crawl_delay or 0.0, max_crawl_delay)
    return max(base, robots, 0.0)


class Politeness:
    """Hands out request slots per host, ``delay`` seconds apart (start to start).

    A slot is reserved under the lock and slept for outside it, so threads queue up
    in order without blocking other hosts.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_start: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> float:
        """Block until a request to ``host`` may start; returns the seconds slept."""
        with self._lock:
            now = time.monotonic()
            last = self._last_start.get(host)
            start = now if last is None else max(now, last + delay)
            self._last_start[host] = start
        pause = start - now
        if pause > 0:
            time.sleep(pause)
        return max(pause, 0.0)

    def forget(self, host: str | None = None) -> None:
        with self._lock:
            if host is None:
                self._last_start.clear()
            else:
                self._last_start.pop(host, None)


POLITENESS = Politeness()


HOST_LIMIT_PREFIX = "zonewatch-host-"


def host_limit_name(host: str) -> str:
    """The Prefect global concurrency limit that spaces requests to ``host`` (a netloc)."""
    return HOST_LIMIT_PREFIX + "".join(c if c not in "/%&><" else "_" for c in host.lower())


class PrefectRateLimit(Politeness):
    """Per-host spacing across processes and machines: a Prefect rate limit per host.

    ``wait`` takes one slot of ``zonewatch-host-<host>`` (created with limit 1 and a slot decay
    of 1/delay per second when missing), which the Prefect server hands out at most once per
    ``delay`` seconds to all workers together. A zero delay asks nothing of the server.
    Requests of this process to one host are also spaced locally, so its threads do not all
    poll the server at once.
    """

    def __init__(self, timeout: float | None = 600.0) -> None:
        super().__init__()
        self.timeout = timeout
        self._ready: dict[str, float] = {}
        self._ready_lock = threading.Lock()

    def _ensure_limit(self, name: str, delay: float) -> None:
        decay = round(1.0 / delay, 6)
        with self._ready_lock:
            if self._ready.get(name) is not None:
                return
            from prefect.client.orchestration import get_client
            from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
            from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
            with get_client(sync_client=True) as client:
                try:
                    client.read_global_concurrency_limit_by_name(name)
                except ObjectNotFound:
                    try:
                        client.create_global_concurrency_limit(
                            GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=decay))
                        log.info("created Prefect rate limit %s (1 request per %.2f s)", name, delay)
                    except ObjectAlreadyExists:
                        pass            # another worker created it first
            self._ready[name] = decay

    def wait(self, host: str, delay: float) -> float:
        started = time.monotonic()
        super().wait(host, delay)
        if delay > 0:
            from prefect.concurrency.sync import rate_limit
            name = host_limit_name(host)
            self._ensure_limit(name, delay)
            rate_limit(name, occupy=1, timeout_seconds=self.timeout, strict=True)
        return time.monotonic() - started

    def forget(self, host: str | None = None) -> None:
        super().forget(host)
        with self._ready_lock:
            self._ready.clear()


_PREFECT: PrefectRateLimit | None = None


def politeness_from_env() -> Politeness:
    """``$ZONEWATCH_POLITENESS``: ``process`` (default, POLITENESS) or ``prefect`` (one
    PrefectRateLimit per process)."""
    global _PREFECT
    mode = (os.environ.get("ZONEWATCH_POLITENESS") or "process").strip().lower()
    if mode in ("process", "local", ""):
        return POLITENESS
    if mode == "prefect":
        if _PREFECT is None:
            _PREFECT = PrefectRateLimit()
        return _PREFECT
    raise ValueError(f"ZONEWATCH_POLITENESS={mode!r}: want process or prefect")
