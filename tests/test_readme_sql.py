"""The SQL examples of README.md's "Querying the warehouse", run as printed against a real warehouse.

Two runs, worked out by hand (all times Asia/Shanghai):

    snapshot 2  Q1 zgyq          2025-04-28 10:00  汽开区 (title, body)
                Q2 jlrb          2025-04-30 23:30  长春经济技术开发区 … 汽开区 (body)  -> both zones
                Q3 people_jl     2025-05-10 09:00  长春新区
                Q4 changchun_gov 2025-04-02 09:00  汽开区 (title), 长春汽车经济技术开发区 (body: not 经开区)
                facts 长春汽开区 地区生产总值 level: Q1 and Q4 2025-Q1 actual 263.5 亿元, Q2 2024 actual 1142.4 亿元
    snapshot 3  Q1 corrected (new title, new hash), Q3 loaded again unchanged, Q5 new:
                Q5 zgyq          2025-05-01 00:30  汽开区 (UTC: 30 April)

    per zone and month: 长春新区 2025-05: 1 (Q3); 长春汽开区 2025-04: 3 (Q1, Q2, Q4), 2025-05: 1 (Q5);
                        长春经开区 2025-04: 1 (Q2)
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from zonewatch.warehouse import Warehouse, fact_rows

README = Path(__file__).resolve().parents[1] / "README.md"
CST = timezone(timedelta(hours=8))
URL = "http://example.gov.cn/sql/{}.html"


def article(key, source_id, published, title, body, version="1"):
    return {"canonical_url": URL.format(key), "url": URL.format(key), "source_id": source_id, "title": title,
            "published": published, "body": body, "content_hash": f"{key}-{version}"}


Q1 = article("Q1", "zgyq", datetime(2025, 4, 28, 10, 0, tzinfo=CST), "长春汽开区一季度地区生产总值完成263.5亿元",
             "一季度汽开区实现地区生产总值263.5亿元。")
Q1_FIXED = article("Q1", "zgyq", datetime(2025, 4, 28, 10, 0, tzinfo=CST), "长春汽开区一季度地区生产总值263.5亿元",
                   "一季度汽开区实现地区生产总值263.5亿元，同比增长5.3%。", version="2")
Q2 = article("Q2", "jlrb", datetime(2025, 4, 30, 23, 30, tzinfo=CST), "长春经济技术开发区一季度经济运行",
             "长春经济技术开发区一季度……与汽开区共建零部件产业园。去年汽开区地区生产总值1142.4亿元。")
Q3 = article("Q3", "people_jl", datetime(2025, 5, 10, 9, 0, tzinfo=CST), "长春新区签约项目", "长春新区签约项目52个。")
Q4 = article("Q4", "changchun_gov", datetime(2025, 4, 2, 9, 0, tzinfo=CST), "汽开区召开经济运行分析会",
             "长春汽车经济技术开发区召开一季度经济运行分析会。")
Q5 = article("Q5", "zgyq", datetime(2025, 5, 1, 0, 30, tzinfo=CST), "汽开区五一假期消费火热", "汽开区商圈客流增长。")


def gdp(period, value):
    return {"subject": "长春汽开区", "indicator": "地区生产总值", "indicator_canonical": "地区生产总值",
            "value": value, "unit": "亿元", "norm_value": value * 1e8, "norm_unit": "CNY", "measure": "level",
            "period": period, "kind": "actual", "evidence": f"地区生产总值{value}亿元", "core": True}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("readme") / "warehouse"
    facts = {"Q1": [gdp("2025-Q1", 263.5)], "Q4": [gdp("2025-Q1", 263.5)], "Q2": [gdp("2024", 1142.4)]}
    by_key = {"Q1": Q1, "Q2": Q2, "Q4": Q4}
    with Warehouse.open(path) as wh:
        with wh.run("run-1", "test") as tx:
            tx.load("articles", [Q1, Q2, Q3, Q4])
            tx.load("indicators", [r for k, f in facts.items() for r in fact_rows(
                URL.format(k), f, published=by_key[k]["published"], source_id=by_key[k]["source_id"])])
            assert tx.commit() == 2
        with wh.run("run-2", "test") as tx:
            assert tx.load("articles", [Q1_FIXED, Q3, Q5]) == {"new": 1, "updated": 1, "unchanged": 1}
            assert tx.commit() == 3
    return path


def readme_queries() -> dict[str, str]:
    """The section's SQL blocks, by their first comment line."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Querying the warehouse\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)
    return {b.splitlines()[0].removeprefix("-- ").strip(): b for b in blocks}


def run(warehouse, title_start: str):
    [sql] = [q for t, q in readme_queries().items() if t.startswith(title_start)]
    with Warehouse.open_for_read(warehouse) as wh:
        return wh.sql(sql)


def test_readme_has_the_three_examples():
    assert [t.split(" (")[0].split(":")[0] for t in readme_queries()] == [
        "articles per zone per month", "a series with its sources", "what changed between snapshots 2 and 3"]


def test_articles_per_zone_per_month(warehouse):
    columns, rows = run(warehouse, "articles per zone per month")
    assert columns == ["zone", "month", "articles"]
    assert rows == [("长春新区", "2025-05", 1), ("长春汽开区", "2025-04", 3), ("长春汽开区", "2025-05", 1),
                    ("长春经开区", "2025-04", 1)]


def test_series_with_its_sources(warehouse):
    columns, rows = run(warehouse, "a series with its sources")
    assert columns == ["period", "kind", "value", "unit", "conflict", "published", "title", "url"]
    assert rows == [
        ("2024", "actual", 1142.4, "亿元", False, date(2025, 4, 30), Q2["title"], Q2["url"]),
        ("2025-Q1", "actual", 263.5, "亿元", False, date(2025, 4, 2), Q4["title"], Q4["url"]),
        ("2025-Q1", "actual", 263.5, "亿元", False, date(2025, 4, 28), Q1_FIXED["title"], Q1["url"]),  # as corrected
    ]


def test_what_changed_between_two_snapshots(warehouse):
    columns, rows = run(warehouse, "what changed between snapshots 2 and 3")
    assert columns == ["snapshot_id", "change_type", "canonical_url", "title"]
    assert rows == [
        (3, "update_postimage", Q1["canonical_url"], Q1_FIXED["title"]),
        (3, "update_preimage", Q1["canonical_url"], Q1["title"]),
        (3, "insert", Q5["canonical_url"], Q5["title"]),
    ]                                   # Q3 was loaded again unchanged: not there
