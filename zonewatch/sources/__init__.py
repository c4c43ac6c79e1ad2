"""The source registry: which sites zonewatch crawls and how politely."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

_DATE_FIELD = re.compile(r"\{date:([^}]*)\}")


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    parser: str
    hosts: tuple[str, ...]
    start_urls: tuple[str, ...]
    article_pattern: str
    list_pattern: str | None = None
    encoding: str | None = None
    delay_s: float = 2.0
    lookback_days: int = 1
    max_list_pages: int = 5

    @property
    def article_re(self) -> re.Pattern[str]:
        return _compiled(self.article_pattern)

    @property
    def list_re(self) -> re.Pattern[str] | None:
        return _compiled(self.list_pattern) if self.list_pattern else None

    def is_article(self, url: str) -> bool:
        return bool(self.article_re.match(url))

    def is_list(self, url: str) -> bool:
        return bool(self.list_re and self.list_re.match(url))

    def owns(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.hosts

    def entry_urls(self, as_of: date, lookback_days: int | None = None) -> list[str]:
        """Start URLs with dated fields expanded for each day back from ``as_of``."""
        days = self.lookback_days if lookback_days is None else lookback_days
        urls: list[str] = []
        for template in self.start_urls:
            if not _DATE_FIELD.search(template):
                urls.append(template)
                continue
            for back in range(days):
                day = as_of - timedelta(days=back)
                urls.append(_DATE_FIELD.sub(lambda m: day.strftime(m.group(1)), template))
        return urls


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _from_table(table: dict) -> Source:
    table = dict(table)
    table["hosts"] = tuple(h.lower() for h in table["hosts"])
    table["start_urls"] = tuple(table["start_urls"])
    return Source(**table)


@cache
def load_sources(path: str | None = None) -> tuple[Source, ...]:
    """Read the registry (the bundled one unless ``path`` names another TOML file)."""
    if path is None:
        text = resources.files(__package__).joinpath("registry.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    sources = tuple(_from_table(t) for t in tomllib.loads(text)["source"])
    ids = [s.id for s in sources]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate source ids in registry: {ids}")
    return sources


def get_source(source_id: str, path: str | None = None) -> Source:
    for source in load_sources(path):
        if source.id == source_id:
            return source
    known = ", ".join(s.id for s in load_sources(path))
    raise KeyError(f"unknown source {source_id!r}; known sources: {known}")


def source_for_url(url: str, path: str | None = None) -> Source | None:
    host = (urlsplit(url).hostname or "").lower()
    for source in load_sources(path):
        if host in source.hosts:
            return source
    return None


def allowed_hosts(sources: tuple[Source, ...] | list[Source]) -> frozenset[str]:
    return frozenset(h for s in sources for h in s.hosts)
