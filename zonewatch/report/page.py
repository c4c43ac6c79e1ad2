"""Build the report page: series grouped into charts, Plotly figures, value tables, one HTML file."""
from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from zonewatch.errors import UserError

KIND_STYLE = {   # kind -> (label, line dash, marker symbol, colour)
    "actual": ("实际 actual", "solid", "circle", "#1f77b4"),
    "target": ("目标 target", "dash", "diamond-open", "#ff7f0e"),
    "forecast": ("预计 forecast", "dot", "square-open", "#2ca02c"),
}
MEASURE_LABEL = {
    "level": "总量 level", "count": "数量 count", "growth_pct": "增速 growth %", "share_pct": "占比 share %",
    "pp_diff": "百分点 pp", "rank": "位次 rank", "multiple": "倍数 multiple",
}
GRANULARITY = [   # (name, label, pattern of the period value)
    ("year", "年度 annual", re.compile(r"^\d{4}$")),
    ("half", "半年 half-year", re.compile(r"^\d{4}-H[12]$")),
    ("quarter", "季度 quarter", re.compile(r"^\d{4}-Q[1-4]$")),
    ("month", "月度 month", re.compile(r"^\d{4}-\d{2}$")),
    ("months", "累计 year to date", re.compile(r"^\d{4}-\d{2}\.\.\d{4}-\d{2}$")),
    ("years", "多年 multi-year", re.compile(r"^\d{4}\.\.\d{4}$")),
]


@dataclass
class Chart:
    indicator: str
    measure: str
    granularity: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        label = dict((g, l) for g, l, _ in GRANULARITY).get(self.granularity, "无期间 no period")
        return f"{self.indicator or '(未命名 unnamed)'} · {MEASURE_LABEL.get(self.measure, self.measure)} · {label}"


@dataclass
class ReportSummary:
    path: Path
    subject: str
    charts: int
    values: int
    conflicts: int
    snapshot_id: int


def granularity(period: str | None) -> str:
    for name, _, pattern in GRANULARITY:
        if period and pattern.match(period):
            return name
    return "none"


def period_key(period: str | None) -> tuple:
    from zonewatch.parsers.indicators.periods import bounds
    try:
        b = bounds(period)
    except (ValueError, IndexError):
        b = None
    return (b[1], b[0]) if b else (datetime.max.date(), datetime.max.date()), period or ""


def _charts(series: list[dict[str, Any]]) -> list[Chart]:
    from zonewatch.parsers.indicators.catalog import canonical
    groups: dict[tuple[str, str, str], Chart] = {}
    for row in series:
        key = (row["indicator"] or "", row["measure"], granularity(row["period"]))
        groups.setdefault(key, Chart(*key)).rows.append(row)
    for chart in groups.values():
        chart.rows.sort(key=lambda r: (period_key(r["period"]), list(KIND_STYLE).index(r["kind"])
                                       if r["kind"] in KIND_STYLE else 9))
    # catalog indicators first, then the series with most periods, then by name
    return sorted(groups.values(), key=lambda c: (canonical(c.indicator) != c.indicator,
                                                  c.granularity == "none",
                                                  -len({r["period"] for r in c.rows}), c.indicator, c.measure,
                                                  [g for g, _, _ in GRANULARITY].index(c.granularity)
                                                  if c.granularity != "none" else 9))


def _display(rows: list[dict[str, Any]]) -> tuple[str, float | None]:
    """The unit most rows state, and the factor from norm_value to it (None: plot value as stated)."""
    units = Counter(r["unit"] for r in rows if r.get("unit"))
    if not units:
        return "", None
    unit = units.most_common(1)[0][0]
    for r in rows:
        if r.get("unit") == unit and r.get("norm_value"):
            return unit, r["value"] / r["norm_value"]
    return unit, None


def _figure(chart: Chart):
    import plotly.graph_objects as go
    unit, factor = _display(chart.rows)
    periods = sorted({r["period"] for r in chart.rows}, key=period_key)
    fig = go.Figure()

    def y(r):
        return r["norm_value"] * factor if factor is not None and r.get("norm_value") is not None else r["value"]

    def hover(r):
        text = f"{r['period']} {r['kind']}: {r['value']:g} {r['unit'] or ''}<br>{r['n_articles']} article(s)"
        return text + ("<br><b>conflict</b>" if r["conflict"] else "")

    for kind, (label, dash, symbol, colour) in KIND_STYLE.items():
        rows = [r for r in chart.rows if r["kind"] == kind]
        if rows:
            fig.add_trace(go.Scatter(
                x=[r["period"] for r in rows], y=[y(r) for r in rows], name=label, mode="lines+markers",
                line={"dash": dash, "color": colour, "width": 2},
                marker={"symbol": symbol, "size": 10, "color": colour, "line": {"width": 2, "color": colour}},
                hovertext=[hover(r) for r in rows], hoverinfo="text"))
    conflicts = [r for r in chart.rows if r["conflict"]]
    if conflicts:
        fig.add_trace(go.Scatter(
            x=[r["period"] for r in conflicts], y=[y(r) for r in conflicts], name="冲突 conflict",
            mode="markers", marker={"symbol": "circle-open", "size": 20, "color": "#d62728", "line": {"width": 3}},
            hovertext=[hover(r) for r in conflicts], hoverinfo="text"))
    fig.update_layout(title={"text": html.escape(chart.title)}, height=360,
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, template="plotly_white",
                      legend={"orientation": "h", "y": -0.2},
                      xaxis={"type": "category", "categoryorder": "array", "categoryarray": periods,
                             "title": "period"},
                      yaxis={"title": unit})
    return fig


def _fmt(value: Any, unit: str | None) -> str:
    if value is None:
        return ""
    return f"{value:g} {unit or ''}".strip()


def _article_link(url: str, articles: dict[str, dict[str, Any]]) -> str:
    a = articles.get(url, {})
    href = a.get("url") or url
    title = a.get("title") or url
    day = a["published"].date().isoformat() if a.get("published") else ""
    source = a.get("source_id") or ""
    return (f'<a href="{html.escape(href, quote=True)}">{html.escape(title)}</a> '
            f'<span class="meta">{html.escape(day)} {html.escape(source)}</span>')


def _table(chart: Chart, facts: dict[tuple, list[dict[str, Any]]], articles: dict[str, dict[str, Any]]) -> str:
    out = ['<table class="values"><thead><tr><th>period</th><th>kind</th><th>value</th>'
           '<th>articles stating it</th><th>conflict</th></tr></thead><tbody>']
    for r in chart.rows:
        key = (r["indicator"], r["measure"], r["period"], r["kind"])
        stated = {f["article_url"]: f for f in facts.get(key, [])}
        items = []
        for url in r["article_urls"] or []:
            f = stated.get(url)
            value = f" — {html.escape(_fmt(f['value'], f['unit']))}" if f else ""
            chosen = ' class="charted"' if url == r["chart_article_url"] else ""
            items.append(f"<li{chosen}>{_article_link(url, articles)}{value}</li>")
        conflict = ""
        if r["conflict"]:
            others = "".join(f"<li>{html.escape(_fmt(d['value'], d['unit']))}: {_article_link(d['article_url'], articles)}</li>"
                             for d in r["disagreeing"] or [])
            conflict = f'<span class="flag">⚠ conflict</span><ul>{others}</ul>'
        cls = ' class="conflict"' if r["conflict"] else ""
        out.append(f"<tr{cls}><td>{html.escape(r['period'] or '')}</td><td>{html.escape(r['kind'])}</td>"
                   f"<td class=\"num\">{html.escape(_fmt(r['value'], r['unit']))}</td>"
                   f"<td><ul>{''.join(items)}</ul></td><td>{conflict}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 36px; border-top: 1px solid #ddd; padding-top: 16px; }
.meta { color: #777; font-size: 12px; }
table.values { border-collapse: collapse; width: 100%; font-size: 13px; }
table.values th, table.values td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; }
table.values td.num { text-align: right; white-space: nowrap; }
table.values ul { margin: 0; padding-left: 16px; }
li.charted { font-weight: 600; }
tr.conflict { background: #fff1f0; } .flag { color: #d62728; font-weight: 600; }
.legend span { margin-right: 18px; }
"""


def build_html(data: dict[str, Any], subject: str, indicator: str | None = None) -> tuple[str, ReportSummary]:
    """The page for ``data`` as returned by ``indicator_report_rows``."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs
    charts = _charts(data["series"])
    facts: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for f in data["facts"]:
        facts[(f["indicator"], f["measure"], f["period"], f["kind"])].append(f)
    articles = {a["canonical_url"]: a for a in data["articles"]}
    generated = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    n_conflicts = sum(1 for r in data["series"] if r["conflict"])
    what = f"{subject}" + (f" · {indicator}" if indicator else "")
    parts = [f"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{html.escape(what)} — zonewatch</title>",
             f"<style>{CSS}</style><script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>",
             f"<h1>{html.escape(what)}</h1>",
             f"<p class=\"meta\">warehouse snapshot {data['snapshot_id']} · generated {generated} · "
             f"{len(charts)} series, {len(data['series'])} values, {n_conflicts} in conflict</p>",
             "<p class=\"legend\"><span>— ● actual</span><span>- - ◇ target</span><span>··· □ forecast</span>"
             "<span style=\"color:#d62728\">◯ conflict: some article states a value more than 1% away</span></p>",
             "<nav><ul>"]
    parts += [f'<li><a href="#chart-{i}">{html.escape(c.title)}</a> ({len(c.rows)})</li>' for i, c in enumerate(charts)]
    parts.append("</ul></nav>")
    for i, chart in enumerate(charts):
        fig = _figure(chart)
        parts.append(f'<section id="chart-{i}" class="series"><h2>{html.escape(chart.title)}</h2>')
        parts.append(pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"plot-{i}",
                                 config={"displaylogo": False, "responsive": True}))
        parts.append(_table(chart, facts, articles))
        parts.append("</section>")
    parts.append("</body></html>")
    summary = ReportSummary(Path(), subject, len(charts), len(data["series"]), n_conflicts, data["snapshot_id"])
    return "\n".join(parts), summary


def write_report(warehouse: Path | str, subject: str, indicator: str | None = None,
                 out: Path | str = "report.html") -> ReportSummary:
    """Write the report of ``subject`` (a canonical region or company, or an alias such as 汽开区)
    to ``out``; ``indicator`` restricts it to one indicator (canonical name or as articles name it)."""
    from zonewatch.parsers.indicators.catalog import canonical as canonical_indicator
    from zonewatch.parsers.indicators.regions import canonical as canonical_region
    from zonewatch.warehouse.search import indicator_report_rows
    names = None
    if indicator:
        names = [indicator] + [n for n in [canonical_indicator(indicator)] if n and n != indicator]
    data = indicator_report_rows(warehouse, subject, names)
    if not data["series"]:
        alias = canonical_region(subject)
        if alias and alias != subject:
            subject = alias
            data = indicator_report_rows(warehouse, subject, names)
    if not data["series"]:
        raise UserError(f"no indicator series for subject {subject!r}"
                        + (f" and indicator {indicator!r}" if indicator else "") + " in the warehouse")
    page, summary = build_html(data, subject, indicator)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    summary.path = path
    return summary
