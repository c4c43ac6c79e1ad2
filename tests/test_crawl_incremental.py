"""Incremental nights on the demo mirror: an unchanged rerun asks with validators, gets 304s,
parses nothing and commits only its run record; loaded articles older than the recheck window
are not asked for again; a corrected number updates the article in place and the old version
stays reachable by time travel; reparse follows the latest copy."""
from __future__ import annotations

from datetime import date

import pytest

from test_crawl_support import rows
from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer

pytestmark = pytest.mark.usefixtures("prefect_server")

# a newspaper article of the mirror's last day (2026-03-19), inside the 30-day recheck window
CHANGED = "http://jlrbszb.dajilin.com/pc/paper/c/202603/19/content_3262390.html"
CHANGED_FILE = "jlrbszb.dajilin.com/pc/paper/c/202603/19/content_3262390.html"
OLD = "全区实现地区生产总值1296.8亿元，同比增长6.3%"
NEW = "全区实现地区生产总值1296.8亿元，同比增长6.4%"
DATA_TABLES = ("articles", "indicators", "fetches", "pages", "failure_queue", "sources")


@pytest.fixture(scope="module")
def nights(tmp_path_factory, shared_dir):
    """Night 1: cold crawl. Night 2: nothing changed. Then one article's 2025 GDP growth is
    corrected from 6.3% to 6.4%. Night 3: crawl again. Then reparse twice."""
    from zonewatch.flows.crawl import crawl
    from zonewatch.flows.reparse import reparse
    root = tmp_path_factory.mktemp("mirror")
    manifest = build_mirror(root, shared_dir / "seeds")
    warehouse = tmp_path_factory.mktemp("wh") / "warehouse"
    as_of = date.fromisoformat(manifest["as_of"])
    out = {"warehouse": warehouse, "manifest": manifest}
    with MirrorServer(root) as server:
        run = lambda: crawl(as_of=as_of, warehouse=str(warehouse), mirror=server.base_url, delay=0.0)  # noqa: E731
        out["first"] = run()
        mark = len(server.replies)
        out["second"] = run()
        out["second_replies"] = server.replies[mark:]
        page = root / CHANGED_FILE
        html = page.read_text(encoding="utf-8")
        assert html.count(OLD) == 1
        page.write_text(html.replace(OLD, NEW), encoding="utf-8")
        mark = len(server.replies)
        out["third"] = run()
        out["third_replies"] = server.replies[mark:]
    out["articles_after_third"] = rows(warehouse, "SELECT * FROM articles ORDER BY canonical_url")
    out["facts_after_third"] = rows(warehouse, "SELECT * EXCLUDE (run_id) FROM indicators ORDER BY fact_id")
    out["reparse1"] = reparse(warehouse=str(warehouse))
    out["articles_after_reparse1"] = rows(warehouse, "SELECT * EXCLUDE (last_run, updated_at) FROM articles "
                                                    "ORDER BY canonical_url")
    out["facts_after_reparse1"] = rows(warehouse, "SELECT * EXCLUDE (run_id) FROM indicators ORDER BY fact_id")
    out["reparse2"] = reparse(warehouse=str(warehouse))
    return out


def changes(warehouse, table: str, snapshot: int) -> list[dict]:
    return rows(warehouse, f"SELECT * FROM lake.table_changes('{table}', {snapshot}, {snapshot}) "
                           "ORDER BY rowid, change_type")


def test_unchanged_rerun_gets_304s_and_parses_nothing(nights):
    second = nights["second"]
    replies = nights["second_replies"]
    pages = [(host, path, status) for host, path, status in replies if path != "/robots.txt"]
    # 13 list pages + the 5 newspaper articles of 2026-03-17..19 (inside 30 days of as_of);
    # the 17 older loaded articles are not asked for; the 404 and the robots-disallowed one were given up on
    assert len(pages) == 13 + 5
    assert {status for _, _, status in pages} == {304}
    assert sum(1 for _, path, _ in pages if path.startswith("/pc/paper/c/202603/")) == 5
    assert second.pages_not_modified == 18 and second.pages_failed == 0
    assert second.articles_parsed == 0 and second.articles_new == 0 and second.articles_updated == 0
    assert (second.articles_unchanged, second.articles_skipped, second.skipped_given_up) == (5, 17, 2)


def test_unchanged_rerun_commits_only_its_run_record(nights):
    warehouse, snap = nights["warehouse"], nights["second"].snapshot_id
    assert snap == nights["first"].snapshot_id + 1
    for table in DATA_TABLES:
        assert changes(warehouse, table, snap) == [], table
    run_rows = changes(warehouse, "runs", snap)
    assert [(r["change_type"], r["run_id"], r["pages_not_modified"]) for r in run_rows] == [
        ("insert", nights["second"].run_id, 18)]


def test_corrected_number_updates_the_article_in_place(nights):
    third = nights["third"]
    assert (third.articles_new, third.articles_updated, third.articles_parsed) == (0, 1, 1)
    statuses = {path: status for _, path, status in nights["third_replies"] if path != "/robots.txt"}
    assert statuses.pop("/pc/paper/c/202603/19/content_3262390.html") == 200
    assert set(statuses.values()) == {304}
    urls = [a["canonical_url"] for a in nights["articles_after_third"]]
    assert len(urls) == len(set(urls)) == 22
    now = next(a for a in nights["articles_after_third"] if a["canonical_url"] == CHANGED)
    assert NEW in now["body"] and OLD not in now["body"]
    assert now["first_seen_run"] == nights["first"].run_id and now["last_run"] == third.run_id


def test_old_version_stays_reachable_by_time_travel(nights):
    warehouse = nights["warehouse"]
    first, third = nights["first"].snapshot_id, nights["third"].snapshot_id
    then = rows(warehouse, f"SELECT body FROM articles AT (VERSION => {first}) WHERE canonical_url = '{CHANGED}'")
    assert len(then) == 1 and OLD in then[0]["body"]
    updates = changes(warehouse, "articles", third)
    assert [(r["change_type"], r["canonical_url"]) for r in updates] == [
        ("update_postimage", CHANGED), ("update_preimage", CHANGED)]
    pre = next(r for r in updates if r["change_type"] == "update_preimage")
    assert OLD in pre["body"]
    gdp = ("SELECT norm_value FROM indicators {at} WHERE article_url = '" + CHANGED +
           "' AND indicator = '地区生产总值' AND measure = 'growth_pct' AND period = '2025'")
    assert [r["norm_value"] for r in rows(warehouse, gdp.format(at=f"AT (VERSION => {first})"))] == [6.3]
    assert [r["norm_value"] for r in rows(warehouse, gdp.format(at=""))] == [6.4]
    # only the corrected article's facts were replaced
    assert {r["article_url"] for r in changes(warehouse, "indicators", third)} == {CHANGED}


def test_reparse_reads_the_latest_copy_and_twice_gives_identical_rows(nights):
    first, second = nights["reparse1"], nights["reparse2"]
    assert first.status == second.status == "completed"
    assert first.articles_unchanged == second.articles_unchanged == 22
    assert first.articles_updated == second.articles_updated == 0
    assert nights["facts_after_reparse1"] == nights["facts_after_third"]
    again = rows(nights["warehouse"], "SELECT * EXCLUDE (last_run, updated_at) FROM articles ORDER BY canonical_url")
    assert again == nights["articles_after_reparse1"]
    now = next(a for a in again if a["canonical_url"] == CHANGED)
    assert NEW in now["body"]                      # the 304s of later nights did not hide the new copy
    for table in ("articles", "indicators", "fetches"):
        assert changes(nights["warehouse"], table, second.snapshot_id) == []
