"""The indicator_series view on a real DuckLake warehouse: one row per (subject, canonical
indicator, measure, period, kind), the value to chart, how many articles state it, conflicts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zonewatch.parsers.indicators.fact import Fact
from zonewatch.warehouse import Warehouse, fact_rows


def gdp(value: float, indicator: str = "地区生产总值", canonical: str | None = "地区生产总值",
        period: str | None = "2025", kind: str = "actual") -> Fact:
    return Fact("长春汽开区", indicator, value, "亿元", value * 1e8, "CNY", "level", period, kind, None,
                f"GDP完成{value}亿元", True, canonical)


def when(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, tzinfo=dt.timezone.utc)


def growth(value: float) -> Fact:
    return Fact("长春汽开区", "地区生产总值", value, "%", value, "%", "growth_pct", "2025", "actual", None,
                f"增长{value}%", True, "地区生产总值")


@pytest.fixture
def series(tmp_path: Path):
    articles = {
        "https://a.example/1": (when(1), [gdp(1142.4)]),
        "https://a.example/2": (when(2), [gdp(1142.4, indicator="GDP"), growth(4.9)]),  # an alias; a growth rate
        "https://a.example/3": (when(3), [gdp(1142, indicator="生产总值")]),              # rounding: agrees
        "https://b.example/4": (when(4), [gdp(1100)]),                                    # disagrees (3.7%)
        "https://b.example/5": (when(5), [gdp(1200, kind="target", period="2026")]),
        "https://b.example/6": (when(6), [gdp(25, indicator="税收", canonical=None, period=None)]),
    }
    rows = []
    for url, (published, fs) in articles.items():
        rows += fact_rows(url, fs, published=published, source_id="demo")
    with Warehouse.open(tmp_path / "wh") as wh:
        with wh.run("r1", "test") as tx:
            tx.load("indicators", rows, keys=list(articles))
            tx.commit("m")
        cols, got = wh.sql("SELECT * FROM indicator_series")
        yield [dict(zip(cols, r)) for r in got]


def row(series, **where):
    hits = [r for r in series if all(r[k] == v for k, v in where.items())]
    assert len(hits) == 1, hits
    return hits[0]


def test_aliases_collapse_to_the_canonical_indicator(series):
    r = row(series, indicator="地区生产总值", period="2025", kind="actual", measure="level")
    # articles 1, 2, 3 and 4 state the 2025 GDP; the value 1142.4 (three articles agree within
    # 1%: 1142.4, 1142.4, 1142) beats the most recent article's 1100.
    assert r["n_articles"] == 4 and r["n_agreeing"] == 3
    assert r["value"] == pytest.approx(1142.4) and r["unit"] == "亿元"
    assert r["norm_value"] == pytest.approx(1142.4e8)


def test_a_disagreement_beyond_one_percent_is_a_conflict(series):
    r = row(series, indicator="地区生产总值", period="2025", kind="actual", measure="level")
    assert r["conflict"] is True
    assert [(d["article_url"], d["value"]) for d in r["disagreeing"]] == [("https://b.example/4", 1100.0)]
    assert set(r["article_urls"]) == {f"https://a.example/{i}" for i in (1, 2, 3)} | {"https://b.example/4"}


def test_targets_and_other_periods_are_their_own_rows(series):
    t = row(series, indicator="地区生产总值", period="2026", kind="target")
    assert t["n_articles"] == 1 and t["conflict"] is False and t["disagreeing"] is None
    g = row(series, indicator="地区生产总值", period="2025", kind="actual", measure="growth_pct")
    assert g["n_articles"] == 1 and g["value"] == pytest.approx(4.9) and g["conflict"] is False

def test_no_canonical_falls_back_to_the_stated_indicator_and_null_period_is_a_key(series):
    r = row(series, indicator="税收")
    assert r["period"] is None and r["n_articles"] == 1 and r["conflict"] is False


def test_one_row_per_key(series):
    keys = [(r["subject"], r["indicator"], r["measure"], r["period"], r["kind"]) for r in series]
    assert len(keys) == len(set(keys))
