"""The warehouse on a real DuckLake in tmp_path: snapshots, merges, replaces, locking."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from zonewatch.parsers.article import Article
from zonewatch.parsers.indicators.fact import Fact
from zonewatch.warehouse import Warehouse, WarehouseLocked, changes, fact_rows, snapshots, sql
from zonewatch.warehouse.query import articles_at, current_snapshot

CST = timezone(timedelta(hours=8))


def article(n: int, body: str = "长春新区一季度地区生产总值增长6.5%。") -> Article:
    url = f"http://jl.people.com.cn/n2/2024/0102/c349771-{n}.html"
    return Article(
        url=url, canonical_url=url, source_id="people_jl", parser="people",
        title=f"长春新区经济运行{n}", kicker="引题", published=datetime(2024, 1, 2, 9, 30, tzinfo=CST),
        published_precision="minute", source_name="吉林日报", author="张三", column="要闻",
        paragraphs=[body], body=body, keywords=["长春新区", "经济"], warnings=[],
    )


GDP = Fact("长春新区", "地区生产总值", 6.5, "%", 6.5, "%", "growth_pct", "2024-Q1", "actual", None,
           "长春新区一季度地区生产总值增长6.5%")
INVEST = Fact("长春新区", "固定资产投资", 12.1, "%", 12.1, "%", "growth_pct", "2024-Q1", "actual", None,
              "固定资产投资增长12.1%")
PROJECTS = Fact("长春新区", "签约项目", 35, "个", 35, "count", "count", "2024-Q1", "actual", "over",
                "签约项目35个以上", core=False)


@pytest.fixture
def wh(tmp_path):
    w = Warehouse.open(tmp_path / "wh")
    yield w
    w.close()


def count(w, table: str) -> int:
    return sql(w, f"SELECT count(*) FROM {table}")[1][0][0]


def test_open_creates_catalog_data_dir_and_parquet_after_load(tmp_path):
    path = tmp_path / "wh"
    with Warehouse.open(path) as w:
        assert (path / "catalog.ducklake").is_file()
        assert (path / "data").is_dir()
        assert not list((path / "data").rglob("articles/*.parquet"))
        with w.run("r1", "crawl") as tx:
            tx.load("articles", [article(1)])
            tx.commit("one article", {})
    assert list((path / "data" / "main" / "articles").glob("*.parquet"))


def test_schema_snapshot_once(tmp_path):
    path = tmp_path / "wh"
    with Warehouse.open(path) as w:
        first = snapshots(w)
        assert [s.message for s in first] == [None, "create schema"]
        assert set(first[1].extra["tables_created"]) >= {"articles", "indicators", "fetches", "runs"}
    with Warehouse.open(path) as w:
        assert len(snapshots(w)) == len(first)


def test_one_run_is_one_snapshot_with_message_and_extra(wh):
    before = snapshots(wh)
    with wh.run("r-001", "crawl", author="tester") as tx:
        assert tx.load("articles", [article(1), article(2)]) == {"new": 2, "updated": 0, "unchanged": 0}
        tx.load("indicators", fact_rows(article(1), [GDP, INVEST]))
        tx.load("fetches", [{"url": article(1).url, "status": 200, "ok": True, "bytes": 1234,
                             "stage": "article", "elapsed_ms": 12.5, "attempts": 1}])
        tx.load("runs", [{"status": "ok", "params": {"sources": ["people_jl"]}, "articles_new": 2}])
        snap = tx.commit("crawl r-001: 2 new", {"sources": ["people_jl"]})
    after = snapshots(wh)
    assert len(after) == len(before) + 1
    last = after[-1]
    assert last.id == snap == current_snapshot(wh)
    assert (last.author, last.message) == ("tester", "crawl r-001: 2 new")
    assert last.extra["run_id"] == "r-001" and last.extra["flow"] == "crawl"
    assert last.extra["sources"] == ["people_jl"]
    assert last.extra["counts"]["articles"] == {"new": 2, "updated": 0, "unchanged": 0}
    # automatic columns come from the run
    assert sql(wh, "SELECT run_id, flow, snapshot_id, status FROM runs")[1] == [("r-001", "crawl", snap, "ok")]
    assert sql(wh, "SELECT DISTINCT first_seen_run, last_run FROM articles")[1] == [("r-001", "r-001")]
    assert sql(wh, "SELECT run_id, stage FROM fetches")[1] == [("r-001", "article")]


def test_exception_in_run_rolls_back(wh):
    with wh.run("r1", "crawl") as tx:
        tx.load("articles", [article(1)])
    before = snapshots(wh)
    with pytest.raises(RuntimeError, match="boom"):
        with wh.run("r2", "crawl") as tx:
            tx.load("articles", [article(2), article(1, body="改过的正文")])
            tx.load("runs", [{"status": "ok"}])
            raise RuntimeError("boom")
    assert snapshots(wh) == before
    assert count(wh, "articles") == 1 and count(wh, "runs") == 0
    assert sql(wh, "SELECT body FROM articles")[1] == [(article(1).body,)]
    # the lock was released: the next run works
    with wh.run("r3", "crawl") as tx:
        assert tx.load("articles", [article(2)])["new"] == 1


def test_same_articles_twice_change_nothing(wh):
    with wh.run("r1", "crawl") as tx:
        tx.load("articles", [article(1), article(2)])
        v1 = tx.commit("first", {})
    with wh.run("r2", "crawl") as tx:
        assert tx.load("articles", [article(1), article(2)]) == {"new": 0, "updated": 0, "unchanged": 2}
        tx.load("runs", [{"status": "ok"}])
        v2 = tx.commit("second", {})
    assert v2 == v1 + 1
    assert count(wh, "articles") == 2
    assert changes(wh, "articles", v1 + 1, v2)[1] == []
    assert sql(wh, "SELECT DISTINCT last_run FROM articles")[1] == [("r1",)]


def test_changed_body_updates_in_place_and_old_version_stays(wh):
    with wh.run("r1", "crawl") as tx:
        tx.load("articles", [article(1), article(2)])
        v1 = tx.commit("first", {})
    with wh.run("r2", "reparse") as tx:
        counts = tx.load("articles", [article(1, body="新正文：增长7.0%。"), article(2)])
        v2 = tx.commit("second", {})
    assert counts == {"new": 0, "updated": 1, "unchanged": 1}
    url = article(1).canonical_url
    assert count(wh, "articles") == 2
    assert sql(wh, "SELECT body, first_seen_run, last_run FROM articles WHERE canonical_url = ?", [url])[1] == [
        ("新正文：增长7.0%。", "r1", "r2")]
    cols, rows = articles_at(wh, v1)
    old = dict(zip(cols, next(r for r in rows if r[0] == url)))
    assert old["body"] == article(1).body
    kinds = sorted(r[2] for r in changes(wh, "articles", v2, v2)[1])
    assert kinds == ["update_postimage", "update_preimage"]


def test_indicators_replaced_not_duplicated(wh):
    a1, a2 = article(1), article(2)
    with wh.run("r1", "crawl") as tx:
        tx.load("indicators", fact_rows(a1, [GDP, INVEST]) + fact_rows(a2, [PROJECTS]))
    assert count(wh, "indicators") == 3
    v1 = current_snapshot(wh)
    with wh.run("r2", "crawl") as tx:
        same = tx.load("indicators", fact_rows(a1, [GDP, INVEST]))
        tx.load("runs", [{"status": "ok"}])
    assert same["unchanged"] == 1 and same["inserted"] == 0
    assert changes(wh, "indicators", v1 + 1, current_snapshot(wh))[1] == []
    with wh.run("r3", "reparse") as tx:
        got = tx.load("indicators", fact_rows(a1, [replace(GDP, value=6.8, norm_value=6.8)]))
    assert got == {"keys": 1, "replaced": 1, "unchanged": 0, "deleted": 2, "inserted": 1}
    rows = sql(wh, "SELECT article_url, indicator, value, run_id FROM indicators ORDER BY article_url")[1]
    assert rows == [(a1.canonical_url, "地区生产总值", 6.8, "r3"), (a2.canonical_url, "签约项目", 35.0, "r1")]
    # an article that lost all its facts: name its key
    with wh.run("r4", "reparse") as tx:
        assert tx.load("indicators", [], keys=[a2.canonical_url])["deleted"] == 1
    assert count(wh, "indicators") == 1


def test_fact_ids_are_stable():
    a = article(1)
    one, two = fact_rows(a, [GDP, INVEST]), fact_rows(a, [GDP, INVEST])
    assert [r["fact_id"] for r in one] == [r["fact_id"] for r in two]
    assert len({r["fact_id"] for r in one}) == 2
    assert one[0]["published"] == a.published and one[0]["source_id"] == "people_jl"


def test_second_writer_in_a_thread_is_locked(wh):
    other = Warehouse.open(wh.path)
    errors: list[Exception] = []

    def second():
        try:
            with other.run("r2", "backfill") as tx:
                tx.load("articles", [article(2)])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    try:
        with wh.run("r1", "crawl") as tx:
            tx.load("articles", [article(1)])
            t = threading.Thread(target=second)
            t.start()
            t.join(10)
        assert len(errors) == 1 and isinstance(errors[0], WarehouseLocked)
        message = str(errors[0])
        assert f"warehouse {wh.path} is being written by pid" in message
        assert "since" in message and "run r1" in message
        # once the first run is done, the second writer can write
        with other.run("r2", "backfill") as tx:
            tx.load("articles", [article(2)])
        assert count(wh, "articles") == 2
    finally:
        other.close()


def test_second_writer_process_is_locked(wh):
    code = textwrap.dedent(f"""
        import sys
        from zonewatch.warehouse import Warehouse, WarehouseLocked
        try:
            Warehouse.open({str(wh.path)!r})
        except WarehouseLocked as e:
            print(e)
            sys.exit(3)
    """)
    with wh.run("r1", "crawl") as tx:
        tx.load("articles", [article(1)])
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "is being written by pid" in done.stdout and "run r1" in done.stdout


def test_reopen_after_close_sees_data(tmp_path):
    path = tmp_path / "wh"
    with Warehouse.open(path) as w:
        with w.run("r1", "crawl") as tx:
            tx.load("articles", [article(1)])
            tx.load("indicators", fact_rows(article(1), [GDP]))
            tx.commit("r1", {})
    with Warehouse.open_for_read(path) as r:
        assert count(r, "articles") == 1
        assert sql(r, "SELECT title, source FROM latest_articles")[1] == [(article(1).title, "人民网吉林频道")]
        assert sql(r, "SELECT indicator, title FROM article_facts")[1] == [("地区生产总值", article(1).title)]
        with pytest.raises(PermissionError):
            r.run("r2", "crawl")
    with Warehouse.open(path) as w:
        assert sql(w, "SELECT published FROM articles")[1][0][0] == datetime(2024, 1, 2, 9, 30, tzinfo=CST)
        assert sql(w, "SELECT keywords FROM lake.articles")[1] == [(["长春新区", "经济"],)]


def test_leaving_without_commit_commits_and_bad_rows_are_refused(wh):
    n = len(snapshots(wh))
    with wh.run("r1", "crawl") as tx:
        tx.load("fetches", [{"url": "http://x/robots.txt", "status": 404, "ok": False, "stage": "robots"}])
    assert len(snapshots(wh)) == n + 1 and snapshots(wh)[-1].message == "crawl run r1"
    with pytest.raises(ValueError, match="unknown column"):
        with wh.run("r2", "crawl") as tx:
            tx.load("fetches", [{"url": "http://x/", "stauts": 200}])
    with pytest.raises(ValueError, match="required"):
        with wh.run("r3", "crawl") as tx:
            tx.load("articles", [{"canonical_url": "http://x/"}])
    with pytest.raises(TypeError, match="fetches"):
        with wh.run("r4", "crawl") as tx:
            tx.load("fetches", [{"url": "http://x/", "bytes": b"<html>"}])
    assert len(snapshots(wh)) == n + 1


def test_article_json_dicts_and_gold_fact_dicts_load(wh):
    a = article(7)
    gold_like = [{"doc": "000_x", **GDP.to_json()}, {"doc": "000_x", **PROJECTS.to_json()}]
    with wh.run("r1", "parse") as tx:
        assert tx.load("articles", [a.to_json()])["new"] == 1
        assert tx.load("indicators", fact_rows(a.canonical_url, gold_like, source_id="people_jl"))["inserted"] == 2
    assert sql(wh, "SELECT content_hash, body_raw FROM articles")[1] == [(a.content_hash, a.body_raw)]
    assert sql(wh, "SELECT position, core FROM indicators ORDER BY position")[1] == [(0, True), (1, False)]


def test_open_for_read_needs_an_existing_warehouse(tmp_path):
    with pytest.raises(FileNotFoundError):
        Warehouse.open_for_read(tmp_path / "nowhere")


def test_method_shorthands(wh):
    with wh.run("r1", "crawl") as tx:
        tx.load("articles", [article(1)])
    cols, rows = wh.snapshots()
    assert cols[:4] == ["id", "time", "author", "message"] and rows[-1][3] == "crawl run r1"
    assert wh.sql("SELECT count(*) AS n FROM articles") == (["n"], [(1,)])
