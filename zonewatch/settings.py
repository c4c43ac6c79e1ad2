"""Where things live and how politely we crawl: one Settings record, from flags or environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _env_float(name: str) -> float | None:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Settings:
    warehouse: Path = field(default_factory=lambda: Path(os.environ.get("ZONEWATCH_WAREHOUSE") or "warehouse"))
    registry: str | None = field(default_factory=lambda: os.environ.get("ZONEWATCH_REGISTRY") or None)
    # Base URL of an offline mirror server; when set, every request is routed there (demo, tests).
    mirror: str | None = field(default_factory=lambda: os.environ.get("ZONEWATCH_MIRROR") or None)
    # Replaces the registry's per-host delay (never robots.txt's Crawl-delay).
    delay_override: float | None = field(default_factory=lambda: _env_float("ZONEWATCH_DELAY"))
    max_bytes: int = 10 * 2**20
    batch_size: int = 25          # article pages per Prefect task: a task costs ~10-20 ms of overhead
    max_list_pages: int | None = None   # None: each source's own limit

    @property
    def location(self):
        """Catalog, data path and archive of the warehouse, from the environment
        (``ZONEWATCH_CATALOG``, ``ZONEWATCH_DATA_PATH``, ``ZONEWATCH_ARCHIVE``, ``ZONEWATCH_S3_*``);
        see ``zonewatch.warehouse.location``."""
        from zonewatch.warehouse.location import resolve
        return resolve(self.warehouse)

    @property
    def archive(self) -> Path:
        """The WARC archive directory: ``$ZONEWATCH_ARCHIVE``, default ``<warehouse>/archive``."""
        value = os.environ.get("ZONEWATCH_ARCHIVE")
        return Path(value).expanduser().resolve() if value else self.warehouse / "archive"

    def with_(self, **changes) -> "Settings":
        changes = {k: v for k, v in changes.items() if v is not None}
        if "warehouse" in changes:
            changes["warehouse"] = Path(changes["warehouse"])
        return replace(self, **changes)
