"""Every web fault, served by a real HTTP server on 127.0.0.1 and met by a real crawl flow run:
each is recorded for its page in `fetches` with a clear error, and every other page loads.

One crawl of a site whose list links one page per fault (plus good pages, and a second server
whose robots.txt asks for a Crawl-delay); one test per fault reads what the run recorded.
The failure queue gets its own small site and several runs.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from test_crawl_support import FaultSite, Reply, article_html, list_html, local_source, page, rows, write_registry
from test_fetch_support import free_port

pytestmark = pytest.mark.usefixtures("prefect_server")

MAX_BYTES = 10 * 2**20          # Settings.max_bytes
FETCH_ENV = {"ZONEWATCH_RETRIES": "2", "ZONEWATCH_BACKOFF": "0.2", "ZONEWATCH_CONNECT_TIMEOUT": "1",
             "ZONEWATCH_READ_TIMEOUT": "1", "ZONEWATCH_TOTAL_TIMEOUT": "2.5", "ZONEWATCH_MAX_RETRY_AFTER": "5"}
GOOD = ["/a/good1.html", "/a/good2.html", "/a/good3.html"]
SLOW = ["/a/slow1.html", "/a/slow2.html", "/a/slow3.html"]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """Run one crawl over the fault site; yield what tests need to look at."""
    from zonewatch.flows.crawl import crawl
    tmp = tmp_path_factory.mktemp("faults")
    a, b = FaultSite(), FaultSite()
    refused = f"http://127.0.0.1:{free_port()}/a/refused.html"
    pages = {}
    for i, path in enumerate(GOOD, 1):
        pages[path] = a.script(path, page(article_html(f"长春新区好消息第{i}条")))
    a.script("/robots.txt", page("User-agent: *\nDisallow: /a/private/\n", headers={"Content-Type": "text/plain"}))
    b.script("/robots.txt", page("User-agent: *\nCrawl-delay: 1\n", headers={"Content-Type": "text/plain"}))
    for i, path in enumerate(SLOW, 1):
        pages[path] = b.script(path, page(article_html(f"长春新区慢站第{i}条")))
    good = page(article_html("长春新区终于成功的页面"))
    pages.update({
        "e500": a.script("/a/e500.html", Reply(500, b"oops")),
        "e502": a.script("/a/e502.html", Reply(502, b"bad gateway"), Reply(502, b"bad gateway"), good),
        "e503": a.script("/a/e503.html", Reply(503, b"busy")),
        "e429": a.script("/a/e429.html", Reply(429, b"slow down", headers={"Retry-After": "1"}),
                         page(article_html("长春新区限流之后"))),
        "e404": a.url("/a/e404.html"),
        "e410": a.script("/a/e410.html", Reply(410, b"gone")),
        "refused": refused,
        "timeout": a.script("/a/timeout.html", page(article_html("超时"), delay_s=2.5)),
        "trickle": a.script("/a/trickle.html", page(article_html("涓流") + " " * 200, trickle_s=0.05)),
        "truncated": a.script("/a/truncated.html", page(article_html("截断"), content_length=50_000)),
        "huge": a.script("/a/huge.html", Reply(body=b"<html><body><p>" + b"x" * (20 * 2**20) + b"</p></body></html>")),
        "loop": a.script("/a/loop1.html", Reply(302, b"", headers={"Location": "/a/loop2.html"})),
        "offsite": a.script("/a/offsite.html",
                            Reply(302, b"", headers={"Location": f"http://localhost:{a.port}/a/landing.html"})),
        "robots": a.url("/a/private/secret.html"),
        "charset": a.script("/a/gbk.html", Reply(body=article_html("长春新区字符集页面").replace(
            'charset="utf-8"', 'charset="utf-8"').encode("gb18030"),
            headers={"Content-Type": "text/html; charset=utf-8"})),
        "malformed": a.script("/a/malformed.html", page(
            "<html><head><title>长春新区残缺页面</title><body><h1>长春新区残缺页面</h1><div><p>发布时间：2025-03-02 10:00"
            "<p>一季度，长春新区地区生产总值同比增长6.5%，固定资产投资完成120.5亿元，新区经济运行稳中向好。<table><tr><td>"
            "未闭合<p>新区新开工亿元以上项目42个，总投资达到356亿元，项目建设呈现提速态势。</div></span></body>")),
        "tagsoup": a.script("/a/tagsoup.html", page("<<<>>><div<</p>>><!-- <script>")),
    })
    a.script("/a/loop2.html", Reply(302, b"", headers={"Location": "/a/loop1.html"}))
    listed = [pages[p] for p in GOOD] + [pages[p] for p in SLOW] + [
        v for k, v in pages.items() if not k.startswith("/")]
    a.script("/list.html", page(list_html(listed)))
    registry = write_registry(tmp / "registry.toml", local_source("faults", a.url("/list.html")))
    warehouse = tmp / "warehouse"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZONEWATCH_REGISTRY", str(registry))
        for k, v in FETCH_ENV.items():
            mp.setenv(k, v)
        report = crawl(sources=["faults"], as_of=date(2025, 3, 3), warehouse=str(warehouse), delay=0.0)
    fetches = {r["url"]: r for r in rows(warehouse, "SELECT * FROM fetches")}
    articles = {r["canonical_url"]: r for r in rows(warehouse, "SELECT * FROM articles")}
    queue = {r["url"]: r for r in rows(warehouse, "SELECT * FROM failures")}
    yield {"a": a, "b": b, "pages": pages, "report": report, "fetches": fetches, "articles": articles,
           "queue": queue, "warehouse": warehouse}
    a.stop()
    b.stop()


def recorded(faulty, key: str) -> dict:
    url = faulty["pages"][key]
    assert url in faulty["fetches"], f"no fetch row for {url}"
    return faulty["fetches"][url]


def test_run_completes_and_every_good_page_loads(faulty):
    report = faulty["report"]
    assert report.status == "completed" and report.snapshot_id is not None
    good = {faulty["pages"][p] for p in GOOD + SLOW} | {faulty["pages"][k] for k in ("e502", "e429", "charset",
                                                                                      "malformed")}
    assert set(faulty["articles"]) == good
    for url in good:
        assert faulty["fetches"][url]["ok"] is True
    run = rows(faulty["warehouse"], f"SELECT * FROM runs WHERE run_id = '{report.run_id}'")[0]
    assert run["articles_new"] == len(good) and run["snapshot_id"] == report.snapshot_id
    by_reason = json.loads(run["errors_by_kind"])
    # 500, 503, 404, 410; refused + truncated; timeout + trickle; huge; loop; offsite; robots; tagsoup
    assert by_reason == {"http_status": 4, "connection": 2, "timeout": 2, "too_large": 1, "redirect_loop": 1,
                         "redirect_offsite": 1, "robots_disallowed": 1, "parse": 1}
    assert run["pages_failed"] == 13


@pytest.mark.parametrize("key, status", [("e500", 500), ("e503", 503)])
def test_5xx_is_retried_with_backoff_then_recorded(faulty, key, status):
    row = recorded(faulty, key)
    assert row["ok"] is False and row["status"] == status and row["error_kind"] == "http_status"
    assert row["error"].startswith(f"http_status: {status}") and faulty["pages"][key] in row["error"]
    hits = faulty["a"].hit_times[f"/a/{key}.html"]
    assert len(hits) == 3 and row["attempts"] == 3              # ZONEWATCH_RETRIES=2
    gaps = [later - earlier for earlier, later in zip(hits, hits[1:])]
    assert gaps[1] >= 0.35 and gaps[1] > gaps[0]                   # backoff 0.2 s, then 0.4 s


def test_502_twice_then_200_loads_the_page(faulty):
    row = recorded(faulty, "e502")
    assert row["ok"] is True and row["status"] == 200 and row["attempts"] == 3
    assert faulty["pages"]["e502"] in faulty["articles"]


def test_429_retry_after_is_honoured(faulty):
    row = recorded(faulty, "e429")
    assert row["ok"] is True and row["attempts"] == 2
    first, second = faulty["a"].hit_times["/a/e429.html"]
    assert second - first >= 0.95                                  # Retry-After: 1


@pytest.mark.parametrize("key, status, reason", [("e404", 404, "Not Found"), ("e410", 410, "Gone")])
def test_404_and_410_are_not_retried(faulty, key, status, reason):
    row = recorded(faulty, key)
    assert row["error"] == f"http_status: {status} {reason} for {faulty['pages'][key]}"
    assert row["attempts"] == 1 and faulty["a"].count(f"/a/{key}.html") == 1
    assert faulty["queue"][faulty["pages"][key]]["state"] == "gave_up"


def test_connection_refused(faulty):
    row = recorded(faulty, "refused")
    assert row["error_kind"] == "connection" and row["status"] is None
    assert "robots.txt unreachable" in row["error"] and "refused" in row["error"].lower()
    assert faulty["queue"][faulty["pages"]["refused"]]["state"] == "retrying"


def test_read_timeout(faulty):
    row = recorded(faulty, "timeout")
    assert row["error_kind"] == "timeout" and row["ok"] is False
    assert "timed out" in row["error"].lower() or "budget" in row["error"]


def test_slow_trickle_is_cut_at_the_time_budget(faulty):
    row = recorded(faulty, "trickle")
    assert row["error_kind"] == "timeout" and row["truncated"] is True
    assert row["error"].startswith("timeout: body not complete after the 2.5 s budget")
    assert 0 < row["bytes"] < len(article_html("涓流").encode()) + 200


def test_truncated_body(faulty):
    row = recorded(faulty, "truncated")
    assert row["error_kind"] == "connection" and row["truncated"] is True
    assert "while reading the body" in row["error"]
    assert row["bytes"] == len(article_html("截断").encode())


def test_20_mb_body_is_cut_at_the_size_cap(faulty):
    row = recorded(faulty, "huge")
    assert row["error_kind"] == "too_large" and row["truncated"] is True and row["bytes"] == MAX_BYTES
    assert row["error"] == f"too_large: body exceeds {MAX_BYTES} bytes, kept the first {MAX_BYTES} for {faulty['pages']['huge']}"
    assert faulty["queue"][faulty["pages"]["huge"]]["state"] == "gave_up"


def test_redirect_loop(faulty):
    row = recorded(faulty, "loop")
    assert row["error_kind"] == "redirect_loop" and row["status"] == 302
    assert row["error"] == f"redirect_loop: {faulty['a'].url('/a/loop2.html')} redirects back to {faulty['pages']['loop']}"


def test_redirect_off_the_allowlist_is_refused(faulty):
    row = recorded(faulty, "offsite")
    assert row["error_kind"] == "redirect_offsite" and row["status"] == 302
    assert "whose host is not in the allowlist" in row["error"] and "localhost" in row["error"]
    assert faulty["a"].count("/a/landing.html") == 0


def test_robots_disallow(faulty):
    row = recorded(faulty, "robots")
    assert row["error_kind"] == "robots_disallowed" and row["status"] is None
    assert row["error"] == (f"robots_disallowed: {faulty['a'].url('/robots.txt')} forbids {faulty['pages']['robots']}")
    assert faulty["a"].count("/a/private/secret.html") == 0


def test_robots_crawl_delay_is_honoured(faulty):
    starts = sorted(faulty["b"].hit_times[p][0] for p in SLOW)
    assert all(later - earlier >= 0.95 for earlier, later in zip(starts, starts[1:])), starts
    for p in SLOW:
        assert faulty["pages"][p] in faulty["articles"]


def test_wrong_charset_is_detected(faulty):
    row = recorded(faulty, "charset")
    assert row["ok"] is True and row["encoding"] == "gb18030"
    assert faulty["articles"][faulty["pages"]["charset"]]["title"] == "长春新区字符集页面"


def test_malformed_html_still_gives_its_text(faulty):
    article = faulty["articles"][faulty["pages"]["malformed"]]
    assert article["title"] == "长春新区残缺页面"
    assert "长春新区地区生产总值同比增长6.5%" in article["body"]
    assert article["body"].endswith("新区新开工亿元以上项目42个，总投资达到356亿元，项目建设呈现提速态势。")


def test_tag_soup_without_content_is_a_parse_error(faulty):
    row = recorded(faulty, "tagsoup")
    assert row["ok"] is False and row["status"] == 200 and row["error_kind"] == "parse"
    assert row["error"].startswith(f"parse: no title and no body found in {faulty['pages']['tagsoup']}")


# --- the failure queue over several runs -----------------------------------------------------

def test_failed_pages_are_retried_next_run_until_the_limit(tmp_path, monkeypatch, capsys):
    from zonewatch.cli import main
    from zonewatch.flows.crawl import crawl
    site = FaultSite()
    try:
        ok = site.script("/a/ok.html", page(article_html("长春新区一直正常")))
        flaky = site.script("/a/flaky.html", Reply(500, b"oops"), page(article_html("长春新区第二晚恢复")))
        down = site.script("/a/down.html", Reply(503, b"busy"))
        site.script("/list.html", page(list_html([ok, flaky, down])))
        monkeypatch.setenv("ZONEWATCH_REGISTRY", str(write_registry(tmp_path / "r.toml",
                                                                     local_source("q", site.url("/list.html")))))
        monkeypatch.setenv("ZONEWATCH_RETRIES", "0")
        monkeypatch.setenv("ZONEWATCH_MAX_ATTEMPTS", "2")
        warehouse = tmp_path / "warehouse"
        run = lambda: crawl(sources=["q"], warehouse=str(warehouse), delay=0.0)   # noqa: E731
        queue = lambda: {r["url"]: (r["state"], r["attempts"]) for r in rows(warehouse, "SELECT * FROM failures")}  # noqa: E731

        first = run()
        assert queue() == {flaky: ("retrying", 1), down: ("retrying", 1)}
        assert (first.failures_queued, first.failures_given_up) == (2, 0)

        second = run()
        assert queue() == {down: ("gave_up", 2)}                 # flaky loaded and left the queue
        assert {r["canonical_url"] for r in rows(warehouse, "SELECT canonical_url FROM articles")} == {ok, flaky}
        assert (second.failures_queued, second.failures_given_up, second.articles_new) == (0, 1, 1)
        assert second.articles_parsed == 1 and second.articles_skipped == 1   # ok.html: loaded, old: not asked

        third = run()
        # down.html is no longer asked for; the loaded pages (published 2025-03-02, long before
        # today's 30-day recheck window) are not asked for again either
        assert site.count("/a/down.html") == 2 and site.count("/a/flaky.html") == 2
        assert (third.skipped_given_up, third.articles_skipped, third.articles_parsed) == (1, 2, 0)
        assert queue() == {down: ("gave_up", 2)}

        assert main(["runs", "--failures", "--warehouse", str(warehouse), "--format", "json"]) == 0
        listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(r["url"], r["state"], r["attempts"], r["status"]) for r in listed] == [(down, "gave_up", 2, 503)]
        assert main(["runs", "--warehouse", str(warehouse), "--format", "json"]) == 0
        runs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [r["failures_given_up"] for r in runs] == [0, 1, 0]   # newest first
        assert json.loads(runs[2]["failed_by_reason"]) == {"http_status": 2}
    finally:
        site.stop()
