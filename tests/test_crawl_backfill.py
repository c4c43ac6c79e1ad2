"""Backfill over a date range: deep list pagination walked back only as far as needed, the
newspaper's dated layout pages, only articles inside the range loaded, and never a page
loaded twice between backfills and the nightly crawl."""
from __future__ import annotations

from datetime import date

import pytest

from test_crawl_support import build_zgyq_mirror, monthly_days, rows
from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer

pytestmark = pytest.mark.usefixtures("prefect_server")

# 60 articles, the 10th of each month from 2025-12 back to 2021-01, five per list page, so
# /index.html holds 2025-12..2025-08, /index_1.html 2025-07..2025-03, … /index_11.html 2021-05..01.
# Inside 2023-03-01..2023-08-31: articles 28..33 (2023-08-10 back to 2023-03-10), on index_5 and index_6.
IN_2023_SPRING = {
    "http://zgyq.china.com.cn/2023-08/10/content_50000028.html",
    "http://zgyq.china.com.cn/2023-07/10/content_50000029.html",
    "http://zgyq.china.com.cn/2023-06/10/content_50000030.html",
    "http://zgyq.china.com.cn/2023-05/10/content_50000031.html",
    "http://zgyq.china.com.cn/2023-04/10/content_50000032.html",
    "http://zgyq.china.com.cn/2023-03/10/content_50000033.html",
}


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    root = tmp_path_factory.mktemp("deep")
    articles = build_zgyq_mirror(root, monthly_days(60, date(2025, 12, 10)), per_page=5)
    assert articles[28]["day"] == date(2023, 8, 10) and articles[33]["list"] == "/index_6.html"
    with MirrorServer(root) as server:
        yield server, articles


def paths(replies, mark: int, prefix: str) -> list[tuple[str, int]]:
    return [(path, status) for _, path, status in replies[mark:] if path.startswith(prefix)]


def test_backfill_walks_pagination_back_to_the_range_and_loads_only_it(deep, tmp_path):
    from zonewatch.flows.backfill import backfill
    from zonewatch.flows.crawl import crawl
    server, _ = deep
    warehouse = str(tmp_path / "warehouse")
    mark = len(server.replies)
    # parameters as a deployment run passes them: JSON strings, validated into dates by Prefect
    report = backfill(since="2023-03-01", until="2023-08-31", sources=["zgyq"], warehouse=warehouse,
                      mirror=server.base_url, delay=0)
    assert report.status == "completed"
    loaded = {r["canonical_url"] for r in rows(warehouse, "SELECT canonical_url FROM articles")}
    assert loaded == IN_2023_SPRING
    # list pages: up to index_7, the first holding only older articles; its successors are not asked for
    lists = [p for p, _ in paths(server.replies, mark, "/index")]
    assert lists == ["/index.html"] + [f"/index_{k}.html" for k in range(1, 8)]
    # article pages: exactly the six in range (the others' URLs spell a day outside it)
    fetched = {p for p, _ in paths(server.replies, mark, "/20")}
    assert {f"http://zgyq.china.com.cn{p}" for p in fetched} == IN_2023_SPRING
    assert report.articles_new == 6

    # the nightly crawl (two list pages) adds the ten newest; nothing overlaps, nothing doubles
    night = crawl(sources=["zgyq"], warehouse=warehouse, mirror=server.base_url, delay=0.0, max_list_pages=2)
    assert night.articles_new == 10
    # a backfill over what the night loaded: 304s, nothing parsed, nothing loaded again
    mark = len(server.replies)
    again = backfill(since=date(2025, 9, 1), until=date(2025, 12, 31), sources=["zgyq"], warehouse=warehouse,
                     mirror=server.base_url, delay=0)
    assert (again.articles_new, again.articles_updated, again.articles_parsed) == (0, 0, 0)
    assert again.articles_unchanged == 4                                  # 2025-12, -11, -10, -09
    assert {s for _, s in paths(server.replies, mark, "/20")} == {304}
    # overlapping the first backfill's edge: 2023-03 is known, 2023-02 and 2023-01 are new
    edge = backfill(since=date(2023, 1, 1), until=date(2023, 3, 31), sources=["zgyq"], warehouse=warehouse,
                    mirror=server.base_url, delay=0)
    assert (edge.articles_new, edge.articles_unchanged, edge.articles_parsed) == (2, 1, 2)
    urls = [r["canonical_url"] for r in rows(warehouse, "SELECT canonical_url FROM articles")]
    assert len(urls) == len(set(urls)) == 6 + 10 + 2
    days = rows(warehouse, "SELECT min(published)::DATE AS lo, max(published)::DATE AS hi FROM articles "
                           "WHERE first_seen_run = '" + report.run_id + "'")[0]
    assert (days["lo"], days["hi"]) == (date(2023, 3, 10), date(2023, 8, 10))


def test_backfill_of_the_newspaper_walks_its_dated_layout_pages(tmp_path, shared_dir):
    from zonewatch.flows.backfill import backfill
    root = tmp_path / "mirror"
    build_mirror(root, shared_dir / "seeds")
    warehouse = str(tmp_path / "warehouse")
    with MirrorServer(root) as server:
        report = backfill(since=date(2026, 3, 17), until=date(2026, 3, 18), sources=["jlrb"], warehouse=warehouse,
                          mirror=server.base_url, delay=0)
        layouts = sorted(path for _, path, _ in server.replies if "/layout/" in path)
    assert report.status == "completed"
    assert layouts == ["/pc/paper/layout/202603/17/node_01.html", "/pc/paper/layout/202603/17/node_02.html",
                       "/pc/paper/layout/202603/18/node_01.html", "/pc/paper/layout/202603/18/node_02.html"]
    loaded = {r["canonical_url"] for r in rows(warehouse, "SELECT canonical_url FROM articles")}
    assert loaded == {
        "http://jlrbszb.dajilin.com/pc/paper/c/202603/17/content_3261745.html",
        "http://jlrbszb.dajilin.com/pc/paper/c/202603/17/content_3261752.html",
        "http://jlrbszb.dajilin.com/pc/paper/c/202603/18/content_3262018.html",
        "http://jlrbszb.dajilin.com/pc/paper/c/202603/18/content_3262031.html",
    }


def test_backfill_rejects_an_empty_range(tmp_path, capsys):
    from zonewatch.cli import main
    assert main(["backfill", "--since", "2024-02-01", "--until", "2024-01-01",
                 "--warehouse", str(tmp_path / "wh")]) == 2
    assert "range is empty" in capsys.readouterr().err
