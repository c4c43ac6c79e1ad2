"""Which parser reads a page: host → site module (via the source registry), else generic."""
from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from urllib.parse import urlsplit

from zonewatch.sources import get_source, load_sources, source_for_url

SITE_PACKAGE = "zonewatch.parsers.sites"


@cache
def site_module(name: str) -> ModuleType | None:
    """The site module ``zonewatch.parsers.sites.<name>`` (None if there is none)."""
    try:
        return importlib.import_module(f"{SITE_PACKAGE}.{name}")
    except ModuleNotFoundError:
        return None


@cache
def host_table() -> dict[str, tuple[str, str | None]]:
    """host → (parser module name, source id): the registry first, then hosts site modules add."""
    table: dict[str, tuple[str, str | None]] = {}
    for source in load_sources():
        for host in source.hosts:
            table.setdefault(host, (source.parser, source.id))
    for source in load_sources():
        module = site_module(source.parser)
        for host in getattr(getattr(module, "SPEC", None), "hosts", ()):
            table.setdefault(host.lower(), (source.parser, source.id))
    return table


def resolve(url: str, source_id: str | None = None) -> tuple[ModuleType | None, str | None, list[str]]:
    """(site module or None for generic, source id, warnings) for a page URL."""
    warnings: list[str] = []
    if source_id:
        try:
            source = get_source(source_id)
        except KeyError:
            warnings.append(f"unknown source id {source_id!r}; parsed by host")
        else:
            return site_module(source.parser), source.id, warnings
    source = source_for_url(url)
    if source is not None:
        return site_module(source.parser), source.id, warnings
    host = (urlsplit(url).hostname or "").lower()
    name, sid = host_table().get(host, (None, None))
    return (site_module(name) if name else None), sid, warnings
