"""Per-host request spacing shared by every Fetcher in the process."""
from __future__ import annotations

import threading
import time

__all__ = ["DEFAULT_DELAY_S", "MAX_CRAWL_DELAY", "Politeness", "POLITENESS", "polite_delay"]

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
