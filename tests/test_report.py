"""The indicator report: written from a real warehouse, opened in real headless Chromium.

Facts (subject 长春汽开区, 地区生产总值 in 亿元) and what the ``indicator_series`` view makes
of them, worked out by hand:

    R1 2024-02-01  2023 actual 1000, 2024 target 1100     (and 长春经开区 2023 actual 600: other subject)
    R2 2025-01-20  2023 actual 1000, 2024 actual 1080
    R3 2025-03-01  2024 actual 1030 (as "GDP"), 2025 forecast 1150, 2024 growth 5.0 %

    level/year:  2023 actual 1000 (R1, R2 agree), 2024 actual 1030 (R2 and R3 each agree only with
                 themselves: the latest, R3, is charted; R2's 1080 differs by 4.6 %: conflict),
                 2024 target 1100, 2025 forecast 1150
    growth/year: 2024 actual 5.0
"""
from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import lxml.html
import pytest

from zonewatch.cli import main
from zonewatch.report import write_report
from zonewatch.warehouse import Warehouse, fact_rows

CST = timezone(timedelta(hours=8))
ARTICLES = {
    "R1": ("zgyq", datetime(2024, 2, 1, 9, 0, tzinfo=CST), "汽开区2023年经济运行情况"),
    "R2": ("jlrb", datetime(2025, 1, 20, 9, 0, tzinfo=CST), "汽开区2024年地区生产总值1080亿元"),
    "R3": ("people_jl", datetime(2025, 3, 1, 9, 0, tzinfo=CST), "汽开区GDP完成1030亿元"),
}


def url(key: str) -> str:
    return f"http://example.gov.cn/report/{key}.html"


def fact(subject, period, kind, value, unit="亿元", measure="level", indicator="地区生产总值"):
    norm = value * 1e8 if unit == "亿元" else value
    return {"subject": subject, "indicator": indicator, "indicator_canonical": "地区生产总值", "value": value,
            "unit": unit, "norm_value": norm, "norm_unit": "CNY" if unit == "亿元" else "%", "measure": measure,
            "period": period, "kind": kind, "evidence": f"{indicator}{value:g}{unit}", "core": True}


FACTS = {
    "R1": [fact("长春汽开区", "2023", "actual", 1000), fact("长春汽开区", "2024", "target", 1100),
           fact("长春经开区", "2023", "actual", 600)],
    "R2": [fact("长春汽开区", "2023", "actual", 1000), fact("长春汽开区", "2024", "actual", 1080)],
    "R3": [fact("长春汽开区", "2024", "actual", 1030, indicator="GDP"),
           fact("长春汽开区", "2025", "forecast", 1150),
           fact("长春汽开区", "2024", "actual", 5.0, unit="%", measure="growth_pct")],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "warehouse"
    articles = [{"canonical_url": url(k), "url": url(k), "source_id": s, "title": t, "published": p,
                 "body": t, "content_hash": k} for k, (s, p, t) in ARTICLES.items()]
    facts = [row for k in FACTS for row in fact_rows(url(k), FACTS[k], published=ARTICLES[k][1],
                                                       source_id=ARTICLES[k][0])]
    with Warehouse.open(path) as wh, wh.run("report-1", "test") as tx:
        tx.load("articles", articles)
        tx.load("indicators", facts, keys=[url(k) for k in FACTS])
        tx.commit()
    return path


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("Chromium is needed to check the report renders: install Debian's package "
                    "(apt-get install chromium)")
    return exe


def run_chromium(tmp_path, page, *args) -> subprocess.CompletedProcess:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=5000", *args,
           page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_report_page_content(warehouse, tmp_path):
    out = tmp_path / "report.html"
    summary = write_report(warehouse, "汽开区", out=out)           # alias of 长春汽开区
    assert (summary.subject, summary.charts, summary.values, summary.conflicts) == ("长春汽开区", 2, 5, 1)
    page = out.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//script[@src]") == [] and doc.xpath("//link[@href]") == []   # self-contained
    assert "plotly.js v" in doc.xpath("string(//head/script)")                      # plotly.js embedded
    sections = doc.xpath("//section[@class='series']")
    assert [s.xpath("string(h2)") for s in sections] == [
        "地区生产总值 · 总量 level · 年度 annual", "地区生产总值 · 增速 growth % · 年度 annual"]
    rows = [[td.text_content().strip() for td in tr.xpath("td[position() <= 3]")]
            for tr in sections[0].xpath(".//table/tbody/tr")]
    assert rows == [["2023", "actual", "1000 亿元"], ["2024", "actual", "1030 亿元"],
                    ["2024", "target", "1100 亿元"], ["2025", "forecast", "1150 亿元"]]
    conflict_row = sections[0].xpath(".//tbody/tr")[1]
    assert conflict_row.get("class") == "conflict"
    assert "⚠ conflict" in conflict_row.text_content()
    # the articles stating 2024: R3 (charted) and R2; the conflict names R2 with its 1080
    links = conflict_row.xpath("td[4]//a/@href")
    assert links == [url("R3"), url("R2")]
    assert conflict_row.xpath("td[4]//li[@class='charted']//a/@href") == [url("R3")]
    assert conflict_row.xpath("td[5]//a/@href") == [url("R2")]
    assert "1080 亿元" in conflict_row.xpath("string(td[5])")
    first = sections[0].xpath(".//tbody/tr")[0]
    assert first.xpath("td[4]//a/@href") == [url("R2"), url("R1")] and first.get("class") is None
    assert "600" not in sections[0].text_content()                         # 长春经开区's value


def test_report_renders_in_chromium(warehouse, tmp_path):
    out = tmp_path / "report.html"
    write_report(warehouse, "长春汽开区", "GDP", out=out)              # GDP is 地区生产总值 in the catalog
    shot = tmp_path / "report.png"
    result = run_chromium(tmp_path, out, f"--screenshot={shot}", "--window-size=1200,900")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    result = run_chromium(tmp_path, out, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = lxml.html.fromstring(result.stdout)
    plot = dom.get_element_by_id("plot-0")
    assert plot.xpath(".//svg[contains(concat(' ', @class, ' '), ' main-svg ')]"), "Plotly drew no svg.main-svg"
    traces = plot.xpath(".//g[contains(concat(' ', @class, ' '), ' trace ') and contains(@class, 'scatter')]")
    assert len(traces) == 4                                   # actual, target, forecast, conflict ring
    lines = plot.xpath(".//path[contains(@class, 'js-line')]/@d")
    # actual has two points (2023, 2024): a line "M x,y L x,y"; target and forecast one point each
    assert any(d.count("L") == 1 for d in lines)
    assert len(plot.xpath(".//path[contains(@class, 'point')]")) == 5    # 2 + 1 + 1 markers + 1 ring
    ticks = [t.text_content() for t in plot.xpath(".//g[contains(@class, 'xtick')]/text")]
    assert ticks == ["2023", "2024", "2025"]
    legend = [t.text_content() for t in plot.xpath(".//g[contains(@class, 'legend')]//text[contains(@class, 'legendtext')]")]
    assert legend == ["实际 actual", "目标 target", "预计 forecast", "冲突 conflict"]
    assert dom.get_element_by_id("plot-1").xpath(".//svg[contains(@class, 'main-svg')]")


def test_report_cli(warehouse, tmp_path, capsys):
    out = tmp_path / "gdp.html"
    assert main(["--warehouse", str(warehouse), "report", "--subject", "长春汽开区", "--indicator", "地区生产总值",
                 "--out", str(out)]) == 0
    assert "2 series charted, 5 values (1 in conflict)" in capsys.readouterr().out
    assert out.exists()
    assert main(["--warehouse", str(warehouse), "report", "--subject", "长春新区", "--out", str(out)]) == 2
    assert "no indicator series for subject '长春新区'" in capsys.readouterr().err
