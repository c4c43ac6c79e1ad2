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
    generic: bool = False   # 产量, 产值: the text's longer name (玉米产量) is kept as the indicator


@cache
def raw() -> dict:
    with CATALOG_PATH.open("rb") as f:
        return tomllib.load(f)


@cache
def indicators() -> tuple[Indicator, ...]:
    return tuple(Indicator(d["name"], tuple(d["aliases"]), bool(d.get("core", True)), bool(d.get("generic", False))) for d in raw()["indicator"])


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


_CANON_PREFIX = re.compile(r"^(?:全区|全市|全省|全口径|累计|新增|年均|全年|当年|其中|实现|完成)+")


@cache
def _alias_lookup() -> dict[str, str]:
    return {a: ind.name for a, ind in reversed(alias_table())}


def canonical(indicator: str | None) -> str | None:
    """The catalog's canonical name for an indicator as a text names it: an alias itself
    (GDP -> 地区生产总值), or an alias with only a framing word before it (全区地区生产总值);
    None when the catalog does not know it (a compound such as 地区生产总值占全市比重)."""
    if not indicator:
        return None
    lk = _alias_lookup()
    name = indicator.strip()
    if name in lk:
        return lk[name]
    bare = _CANON_PREFIX.sub("", name)
    return lk.get(bare)


def jieba_terms() -> list[tuple[str, str]]:
    """(word, POS tag) for jieba's user dictionary: regions and their aliases (ns), indicator
    names and aliases (n), organisations (nt). Longest-first, no duplicates."""
    out: dict[str, str] = {}
    for r in raw().get("region", []):
        for w in (r["name"], *r["aliases"]):
            out.setdefault(w, "ns")
    for o in raw().get("organisation", []):
        for w in (o["name"], *o["aliases"]):
            out.setdefault(w, "nt")
    for ind in indicators():
        for w in (ind.name, *ind.aliases):
            out.setdefault(w, "n")
    words = [(w, t) for w, t in out.items() if len(w) >= 2 and not w.isascii()] + \
            [(w, t) for w, t in out.items() if w.isascii() and len(w) >= 2]
    return sorted(words, key=lambda p: (-len(p[0]), p[0]))
