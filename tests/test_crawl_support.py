"""Shared pieces for the crawl tests: a scripted fault site on 127.0.0.1, a test registry,
generated mirrors with deep pagination, and warehouse reads. (No tests in here.)"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from zonewatch.warehouse import Warehouse

from test_fetch_support import FaultServer, Reply

ARTICLE_HTML = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<h1>{title}</h1><div class="info">发布时间：{day} 10:00 来源：长春新区</div>
<div class="content"><p>{first}</p><p>新区新开工亿元以上项目42个，总投资达到356亿元，项目建设呈现提速态势。</p></div>
</body></html>"""


def article_html(title: str, day: str = "2025-03-02", first: str | None = None) -> str:
    first = first or f"{title}：一季度，长春新区地区生产总值同比增长6.5%，固定资产投资完成120.5亿元。"
    return ARTICLE_HTML.format(title=title, day=day, first=first)


def page(text: str, **kw) -> Reply:
    return Reply(body=text.encode("utf-8"), **kw)


class FaultSite(FaultServer):
    """The fetch tests' scripted fault server, already started (stop it with ``stop()``)."""

    def __init__(self) -> None:
        super().__init__()
        self.start()


def write_registry(path: Path, *sources: dict) -> Path:
    """A registry TOML of the given sources (dicts of Source fields)."""
    out = []
    for s in sources:
        out.append("[[source]]")
        for key, value in s.items():
            if isinstance(value, str):
                out.append(f"{key} = '{value}'")
            elif isinstance(value, (list, tuple)):
                out.append(f"{key} = [" + ", ".join(f"'{v}'" for v in value) + "]")
            else:
                out.append(f"{key} = {value}")
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def local_source(source_id: str, list_url: str) -> dict:
    """A source of pages on 127.0.0.1 (any port): /list*.html lists, /a/… articles."""
    return {"id": source_id, "name": source_id, "parser": "generic", "hosts": ["127.0.0.1"],
            "start_urls": [list_url], "article_pattern": r"^http://127\.0\.0\.1:\d+/a/[\w./-]+\.html$",
            "list_pattern": r"^http://127\.0\.0\.1:\d+/list\d*\.html$", "delay_s": 0.0}


def list_html(urls: list[str], next_url: str | None = None) -> str:
    items = "\n".join(f'<li><a href="{u}">第{i}条</a></li>' for i, u in enumerate(urls, 1))
    pager = f'<a href="{next_url}">下一页</a>' if next_url else ""
    return f"<html><head><meta charset='utf-8'><title>列表</title></head><body><ul>{items}</ul>{pager}</body></html>"


def rows(warehouse: Path, query: str) -> list[dict]:
    with Warehouse.open_for_read(warehouse) as wh:
        columns, data = wh.sql(query)
    return [dict(zip(columns, r)) for r in data]


def scalar(warehouse: Path, query: str):
    with Warehouse.open_for_read(warehouse) as wh:
        return wh.sql(query)[1][0][0]


# --- a zgyq-like mirror with deep pagination, from the demo's own page templates ---------------

def monthly_days(n: int, newest: date) -> list[date]:
    """The 10th of the month, newest first, one per month for n months."""
    out, y, m = [], newest.year, newest.month
    for _ in range(n):
        out.append(date(y, m, 10))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def zgyq_url(i: int, day: date) -> str:
    return f"http://zgyq.china.com.cn/{day:%Y-%m}/{day:%d}/content_{50000000 + i}.html"


def build_zgyq_mirror(root: Path, days: list[date], per_page: int) -> list[dict]:
    """Render article i (published days[i], newest first) into list page i // per_page
    (/index.html, /index_1.html, …) with the demo's zgyq templates; returns the articles."""
    from zonewatch.demo.site import Block, Doc, ZgyqRenderer, load_site
    from zonewatch.sources import get_source

    class Renderer(ZgyqRenderer):
        def hot_items(self, doc, docs):   # the demo's hot list sorts every article per page
            return []

    pages = (len(days) + per_page - 1) // per_page
    paths = ["/index.html"] + [f"/index_{k}.html" for k in range(1, pages)]
    site = dict(load_site("zgyq"), list=[{"path": p} for p in paths])
    renderer = Renderer(site, get_source("zgyq"))
    docs = []
    for i, day in enumerate(days):
        growth = 5.0 + (i % 30) / 10
        docs.append(Doc(
            source_id="zgyq", url=zgyq_url(i, day), title=f"长春经开区项目建设简报第{i}期",
            published=f"{day.isoformat()}T10:00", list=paths[i // per_page], source_name="中国网",
            editor="园区投稿01", info_style="spaced",
            blocks=[Block("p", f"第{i}期：长春经开区地区生产总值同比增长{growth:.1f}%，固定资产投资完成{100 + i}亿元。"),
                    Block("p", "园区新开工亿元以上项目42个，项目建设呈现提速态势，营商环境持续优化。")]))
    host_dir = root / "zgyq.china.com.cn"
    host_dir.mkdir(parents=True, exist_ok=True)
    (host_dir / "robots.txt").write_text("User-agent: *\nDisallow: /cms/\n", encoding="utf-8")
    for doc in docs:
        for p in renderer.render_article(doc, docs):
            _write(root, p.url, p.data)
    for p in renderer.render_lists(docs):
        _write(root, p.url, p.data)
    return [{"url": d.url, "day": days[i], "list": d.list} for i, d in enumerate(docs)]


def _write(root: Path, url: str, data: bytes) -> None:
    rel = url.split("://", 1)[1]
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
