"""The whole pipeline on the bundled mirror: real HTTP server, real Prefect flow runs, real DuckLake.

Seed expectations below were written by hand from the seed text dumps in shared/seeds,
not copied from the program's output.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer
from zonewatch.parsers.normalize import normalize_text
from zonewatch.warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_server")


def rows(warehouse: Path, query: str) -> list[dict]:
    with Warehouse.open_for_read(warehouse) as wh:
        columns, data = wh.sql(query)
    return [dict(zip(columns, r)) for r in data]


def state(warehouse: Path) -> dict:
    return {
        "articles": rows(warehouse, "SELECT canonical_url, content_hash, title, body FROM articles ORDER BY 1"),
        "indicators": rows(warehouse, "SELECT article_url, subject, indicator, norm_value, measure, period "
                                      "FROM indicators ORDER BY ALL"),
        "snapshots": rows(warehouse, "SELECT snapshot_id FROM lake.snapshots() ORDER BY 1"),
    }


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, shared_dir):
    root = tmp_path_factory.mktemp("mirror")
    manifest = build_mirror(root, shared_dir / "seeds")
    with MirrorServer(root) as server:
        yield server.base_url, manifest, root


@pytest.fixture(scope="module")
def runs(mirror, tmp_path_factory):
    """Crawl twice (unchanged mirror), then reparse from the archive with no mirror at all."""
    from zonewatch.flows.crawl import crawl
    from zonewatch.flows.reparse import reparse
    base_url, manifest, _ = mirror
    warehouse = tmp_path_factory.mktemp("wh") / "warehouse"
    as_of = date.fromisoformat(manifest["as_of"])
    first = crawl(as_of=as_of, warehouse=str(warehouse), mirror=base_url, delay=0.0)
    after_first = state(warehouse)
    second = crawl(as_of=as_of, warehouse=str(warehouse), mirror=base_url, delay=0.0)
    after_second = state(warehouse)
    third = reparse(warehouse=str(warehouse))
    after_reparse = state(warehouse)
    return {"warehouse": warehouse, "manifest": manifest, "reports": (first, second, third),
            "states": (after_first, after_second, after_reparse)}


def expected_urls(manifest) -> set[str]:
    return {a["url"] for a in manifest["articles"] if a.get("expected", True)}


def test_every_mirrored_article_is_loaded_exactly_once(runs):
    urls = [a["canonical_url"] for a in runs["states"][0]["articles"]]
    assert len(urls) == len(set(urls))
    assert set(urls) == expected_urls(runs["manifest"])
    assert all(u.startswith("http://") and "127.0.0.1" not in u for u in urls)
    sources = {a["source_id"] for a in runs["manifest"]["articles"] if a.get("expected", True)}
    assert len(sources) == 5


def test_one_snapshot_per_run_with_its_message(runs):
    first, second, third = runs["reports"]
    snaps = rows(runs["warehouse"], "SELECT snapshot_id, commit_message FROM lake.snapshots() ORDER BY 1")
    by_id = {s["snapshot_id"]: s["commit_message"] for s in snaps}
    for report in (first, second, third):
        assert report.status == "completed"
        assert report.run_id in by_id[report.snapshot_id]
        assert report.flow in by_id[report.snapshot_id]
    assert second.snapshot_id == first.snapshot_id + 1
    assert third.snapshot_id == second.snapshot_id + 1


def test_rerun_on_unchanged_mirror_adds_no_duplicates(runs):
    first, second, _ = runs["states"]
    assert first["articles"] == second["articles"]
    assert first["indicators"] == second["indicators"]
    report = runs["reports"][1]
    assert report.articles_new == 0 and report.articles_updated == 0
    # re-checked (within the crawl's recheck window) and found unchanged, or older and not asked for again
    assert report.articles_unchanged + report.articles_skipped == len(first["articles"])
    assert report.articles_parsed == 0
    changes = rows(runs["warehouse"],
                   f"SELECT count(*) AS n FROM lake.table_changes('articles', {runs['reports'][1].snapshot_id}, "
                   f"{runs['reports'][1].snapshot_id})")
    assert changes[0]["n"] == 0


def test_reparse_from_archive_rebuilds_the_same_rows(runs):
    first, _, reparsed = runs["states"]
    assert reparsed["articles"] == first["articles"]
    assert reparsed["indicators"] == first["indicators"]
    assert runs["reports"][2].articles_unchanged == len(first["articles"])


def test_time_travel_sees_the_first_snapshot(runs):
    snap = runs["reports"][0].snapshot_id
    n = rows(runs["warehouse"], f"SELECT count(*) AS n FROM articles AT (VERSION => {snap})")[0]["n"]
    assert n == len(expected_urls(runs["manifest"]))


def test_failed_pages_are_recorded_and_the_run_completes(runs):
    fetches = rows(runs["warehouse"], "SELECT url, status, ok, error_kind, error FROM fetches "
                                      f"WHERE run_id = '{runs['reports'][0].run_id}'")
    missing = [f for f in fetches if f["status"] == 404]
    assert missing and all(f["error_kind"] == "http_status" and "404" in f["error"] for f in missing)
    assert any(f["error_kind"] == "robots_disallowed" for f in fetches)
    not_expected = {a["url"] for a in runs["manifest"]["articles"] if not a.get("expected", True)}
    assert not_expected, "the mirror should hold a 404 and a robots-disallowed article"
    assert not_expected <= {f["url"] for f in fetches}


# --- the seed articles, field by field (values read off shared/seeds by hand) -------------

SEEDS = {
    "000_4d2e44bee781a951": dict(
        title="长春汽开区以实干担当助力汽车产业集群迈上新台阶", day="2023-02-23", source_name="中国网园区",
        author="孙海翔", editor="园区投稿01", ends="4名受表彰代表依次作表态发言。",
        contains=["全年地区生产总值完成1010亿元", "突出主责主业"],
        excludes=["Back to Top", "责任编辑", "一汽生产车间", "长春汽开区标志性建筑", "褚双龙宣读表彰先进集体"]),
    "001_07ab2585d8c9ead6": dict(
        title="【视频】e起点赞长春这十年|区县领导访谈·汽开区", day="2022-10-13",
        ends="不断续写“风景这边独好”的崭新篇章。",
        contains=["总投资358亿元的奥迪一汽新能源项目正式开工", "长春汽车经济技术开发区党工委副书记"],
        excludes=["热门排行", "分享让更多人看到", "(diǎn)", "(jīng)", "动态清零”可持续"]),
    "002_699eb03364696f07": dict(
        title="汽开区党工委副书记、管委会主任朱光明:服务一汽 率先突破 加快建设“双一流”", day="2022-01-30",
        minute="08:59", source_name="长春发布", editor="金作超", ends="长春日报)",
        contains=["项目超过150个", "一核两城三引擎"],
        excludes=["吉网新闻热线", "您当前的位置", "有思想", "0431-82902222"]),
    "003_1d125c83ded6b8a5": dict(
        day="2026-03-18", ends="全力铸就区域高质量发展新荣光。",
        contains=["GDP完成1142.4亿元、增长4.9%", "\n抢抓产业变革机遇\n"], excludes=[]),
    "004_f7272f80a1d8ce85": dict(
        title="【视频】e起点赞长春这十年|区县领导访谈·经开区", day="2022-10-12", minute="10:00",
        source_name="人民网-吉林频道", editor="马俊华 谢龙", ends="确保开发建设成果最大程度惠及于民。",
        contains=["分别增长7.7%、8%、5.4%"],
        excludes=["点击进入专题", "分享让更多人看到", "返回顶部", "小字号", "责编"]),
}


def _norm(text: str | None) -> str | None:
    return None if text is None else normalize_text(text).replace("：", ":").replace("，", ",").replace("（", "(").replace("）", ")")


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_article_fields(runs, stem):
    want = SEEDS[stem]
    entry = next(a for a in runs["manifest"]["articles"] if a.get("seed") == stem)
    got = rows(runs["warehouse"], "SELECT title, published, published_precision, source_name, author, editor, "
                                  f"body, body_raw FROM articles WHERE canonical_url = '{entry['url']}'")
    assert len(got) == 1
    got = got[0]
    if "title" in want:
        assert _norm(got["title"]) == _norm(want["title"])
    else:
        assert got["title"] and _norm(got["title"]) == _norm(entry["title"])
    published = got["published"].astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert published.date().isoformat() == want["day"]
    if "minute" in want:
        assert published.strftime("%H:%M") == want["minute"] and got["published_precision"] == "minute"
    for field in ("source_name", "author", "editor"):
        if field in want:
            assert _norm(got[field]) == _norm(want[field]), field
    body = _norm(got["body"])
    assert body.endswith(_norm(want["ends"]))
    for text in want["contains"]:
        assert _norm(text) in body, text
    for text in want["excludes"]:
        assert _norm(text) not in body, text


def test_traditional_and_pinyin_pages_keep_their_raw_text(runs):
    entry = next(a for a in runs["manifest"]["articles"] if a.get("seed") == "001_07ab2585d8c9ead6")
    got = rows(runs["warehouse"], "SELECT body, body_raw, language_variant FROM articles "
                                  f"WHERE canonical_url = '{entry['url']}'")[0]
    assert got["language_variant"] == "traditional"
    assert "點(diǎn)" in got["body_raw"] or "經(jīng)" in got["body_raw"]
    assert "(jīng)" not in got["body"] and "长春汽车经济技术开发区" in got["body"]


@pytest.mark.parametrize("stem, measure, period, norm_value", [
    ("000_4d2e44bee781a951", "level", "2022", 1010e8),       # 全年地区生产总值完成1010亿元
    ("003_1d125c83ded6b8a5", "level", "2025", 1142.4e8),     # GDP完成1142.4亿元
    ("003_1d125c83ded6b8a5", "growth_pct", "2025", 4.9),     # 增长4.9%
    ("004_f7272f80a1d8ce85", "growth_pct", "2017", 7.7),     # 过去五年…分别增长7.7%
    ("002_699eb03364696f07", "level", "2022", 55.08e8),      # 总投资55.08亿元
])
def test_seed_indicator_rows(runs, stem, measure, period, norm_value):
    entry = next(a for a in runs["manifest"]["articles"] if a.get("seed") == stem)
    facts = rows(runs["warehouse"], "SELECT norm_value, evidence FROM indicators "
                                    f"WHERE article_url = '{entry['url']}' AND measure = '{measure}' "
                                    f"AND period = '{period}'")
    assert any(abs(f["norm_value"] - norm_value) <= 1e-6 * norm_value for f in facts), facts
