"""Units after a number: 亿元, 万平方米, 个, %, 个百分点, 倍 … with their normalised unit and factor.

The base units live in catalog.toml; this module adds the multiplier prefixes (万, 亿, 万亿 …)
and the unit-like words (%, 百分点, 倍) and matches the longest unit at a position.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import catalog

PREFIXES = {"": 1.0, "万": 1e4, "亿": 1e8, "万亿": 1e12, "千万": 1e7, "百万": 1e6, "十万": 1e5}


@dataclass(frozen=True)
class Unit:
    text: str        # as stated: 亿元
    norm_unit: str   # CNY, count, m2, %, pp, x, rank, vehicle …
    factor: float    # multiply the stated value to get norm_value
    family: str      # money, count, area, vehicle, pct, pp, multiple, rank …


@cache
def unit_table() -> dict[str, Unit]:
    table: dict[str, Unit] = {}
    for u in catalog.raw()["unit"]:
        for p, f in PREFIXES.items():
            table[p + u["base"]] = Unit(p + u["base"], u["norm_unit"], f * u["factor"], u["family"])
    for w in catalog.raw()["counters"]["words"]:
        table[w] = Unit(w, "count", 1.0, "count")
        for p in ("万", "亿"):
            if w in ("人", "人次", "户", "家", "个", "件", "台", "套", "头", "只"):   # 12.5万头生猪
                table[p + w] = Unit(p + w, "count", PREFIXES[p], "count")
    # A bare 亿 / 万亿 is money in economic news (产值超7700亿, 突破千亿大关).
    table["亿"] = Unit("亿元", "CNY", 1e8, "money")
    table["万亿"] = Unit("万亿元", "CNY", 1e12, "money")
    table["%"] = Unit("%", "%", 1.0, "pct")
    table["％"] = Unit("%", "%", 1.0, "pct")
    table["个百分点"] = Unit("个百分点", "pp", 1.0, "pp")
    table["百分点"] = Unit("个百分点", "pp", 1.0, "pp")
    table["倍"] = Unit("倍", "x", 1.0, "multiple")
    return table


@cache
def _max_len() -> int:
    return max(len(k) for k in unit_table())


def match_unit(text: str, pos: int, prefix: str = "") -> tuple[Unit, int] | None:
    """The longest unit starting at text[pos] (with `prefix`, a multiplier split off a Chinese
    numeral, prepended); returns the unit and the end offset in text."""
    table = unit_table()
    window = prefix + text[pos: pos + 6]
    for n in range(min(len(window), _max_len()), max(len(prefix), 1) - 1, -1):
        unit = table.get(window[:n])
        if unit is not None:
            return unit, pos + n - len(prefix)
    if prefix and prefix in table:  # 两千亿 with nothing after
        return table[prefix], pos
    return None
