"""Loads catalog.toml (indicators, units, regions, organisations) once."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOG_PATH = Path(__file__).with_name("catalog.toml")


@dataclass(frozen=True)
class Indicator:
    name: str
    aliases: tuple[str, ...]
    core: bool


@cache
def raw() -> dict:
    with CATALOG_PATH.open("rb") as f:
        return tomllib.load(f)


@cache
def indicators() -> tuple[Indicator, ...]:
    return tuple(Indicator(d["name"], tuple(d["aliases"]), bool(d.get("core", True))) for d in raw()["indicator"])


@cache
def alias_table() -> tuple[tuple[str, Indicator], ...]:
    """(alias, indicator), longest alias first."""
    pairs = [(a, ind) for ind in indicators() for a in ind.aliases]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, Indicator]]:
    table = dict(reversed(alias_table()))  # first (longest) wins on duplicates
    return re.compile("|".join(re.escape(a) for a, _ in alias_table())), table


def find_indicator(text: str) -> tuple[int, str, Indicator] | None:
    """The last catalog alias in `text`: (end offset, alias, indicator); longest alias wins."""
    rx, table = _alias_pattern()
    last = None
    for m in rx.finditer(text):
        last = m
    if last is None:
        return None
    return last.end(), last.group(0), table[last.group(0)]


def core_words() -> tuple[str, ...]:
    return tuple(raw()["core_words"]["words"])


def structure_names() -> tuple[str, ...]:
    return tuple(raw()["structure"]["names"])
