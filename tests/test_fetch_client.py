"""Fetcher against a fault-injecting server on 127.0.0.1: retries, limits, redirects, robots."""
from __future__ import annotations

import threading
import time

import pytest

from test_fetch_support import FaultServer, Reply, free_port, make_source
from zonewatch.fetch import Fetcher, Politeness

pytestmark = pytest.mark.slow


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def fetcher(**kw) -> Fetcher:
    options = dict(delay_override=0, retries=2, backoff_factor=0, connect_timeout=1, read_timeout=2,
                   politeness=Politeness())
    options.update(kw)
    return Fetcher([make_source("127.0.0.1")], **options)


def test_200_utf8(server):
    url = server.script("/a.html", Reply(body="<html><body>长春新区</body></html>".encode()))
    with fetcher() as f:
        r = f.fetch(url)
    assert r.ok and r.status == 200 and r.error is None
    assert "长春新区" in r.text and r.encoding == "utf-8"
    assert r.attempts == 1 and r.bytes == len(r.content) and r.fetched_at.tzinfo is not None


def test_500_then_200_is_retried(server):
    url = server.script("/flaky", Reply(500, b"oops"), Reply(200))
    with fetcher() as f:
        r = f.fetch(url)
    assert r.ok and r.attempts == 2 and server.hits["/flaky"] == 2


def test_permanent_503_is_recorded(server):
    url = server.script("/down", Reply(503, b"busy"))
    with fetcher(retries=2) as f:
        r = f.fetch(url)
    assert not r.ok and r.status == 503 and r.error_kind == "http_status"
    assert r.attempts == 3 and server.hits["/down"] == 3
    assert r.error.startswith("http_status: 503") and url in r.error


def test_404_is_not_retried(server):
    url = server.url("/missing")
    with fetcher() as f:
        r = f.fetch(url)
    assert r.status == 404 and r.error_kind == "http_status" and r.attempts == 1
    assert r.error == f"http_status: 404 Not Found for {url}"
    assert server.hits["/missing"] == 1


def test_429_retry_after_is_honoured(server):
    url = server.script("/limited", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200))
    with fetcher() as f:
        t0 = time.monotonic()
        r = f.fetch(url)
        took = time.monotonic() - t0
    assert r.ok and r.attempts == 2 and took >= 0.9


def test_retry_after_beyond_the_time_budget_gives_up_at_once(server):
    url = server.script("/later", Reply(503, b"maintenance", {"Retry-After": "5"}), Reply(200))
    with fetcher(total_timeout=2) as f:
        t0 = time.monotonic()
        r = f.fetch(url)
        took = time.monotonic() - t0
    assert r.status == 503 and r.error_kind == "http_status" and r.attempts == 1 and took < 4   # not the 5 s asked


def test_read_timeout_is_recorded(server):
    url = server.script("/slow", Reply(delay_s=1.0))
    with fetcher(read_timeout=0.3, retries=1) as f:
        r = f.fetch(url)
    assert not r.ok and r.error_kind == "timeout" and r.status is None
    assert r.attempts == 2 and url in r.error


def test_slow_trickle_stops_at_the_time_budget(server):
    url = server.script("/trickle", Reply(body=b"x" * 200, trickle_s=0.05))
    with fetcher(total_timeout=0.5) as f:
        t0 = time.monotonic()
        r = f.fetch(url)
        took = time.monotonic() - t0
    assert r.error_kind == "timeout" and r.truncated and not r.ok
    assert 0 < len(r.content) < 200 and took < 5   # the whole trickle would take 10 s


def test_body_over_max_bytes_is_truncated(server):
    url = server.script("/big", Reply(body=b"<html>" + b"a" * 5000 + b"</html>"))
    with fetcher(max_bytes=1000) as f:
        r = f.fetch(url)
    assert r.status == 200 and not r.ok and r.truncated and r.error_kind == "too_large"
    assert r.content == (b"<html>" + b"a" * 5000)[:1000] and r.bytes == 1000


def test_connection_refused_at_robots_txt():
    url = f"http://127.0.0.1:{free_port()}/x.html"
    with fetcher(retries=1) as f:
        r = f.fetch(url)
    assert not r.ok and r.error_kind == "connection" and r.status is None
    assert "robots.txt unreachable" in r.error and url in r.error


def test_connection_refused_after_the_server_went_away(server):
    url = server.script("/p", Reply(headers={"Content-Type": "text/html", "Connection": "close"}))
    with fetcher(retries=1) as f:
        assert f.fetch(url).ok
        server.stop()
        r = f.fetch(url)
    assert r.error_kind == "connection" and r.attempts == 2 and url in r.error
    assert "refused" in r.error.lower()


def test_robots_5xx_disallows_everything(server):
    server.script("/robots.txt", Reply(503, b"down"))
    url = server.script("/page", Reply())
    with fetcher(retries=0) as f:
        r = f.fetch(url)
        r2 = f.fetch(url)
    assert r.error_kind == r2.error_kind == "robots_disallowed"
    assert server.hits["/robots.txt"] == 1 and "/page" not in server.hits


def test_redirect_loop(server):
    a, b = server.url("/a"), server.url("/b")
    server.script("/a", Reply(302, b"", {"Location": "/b"}))
    server.script("/b", Reply(301, b"", {"Location": a}))
    with fetcher() as f:
        r = f.fetch(a)
    assert r.error_kind == "redirect_loop" and a in r.error and b in r.error and r.final_url == b


def test_too_many_redirects(server):
    for i in range(8):
        server.script(f"/r{i}", Reply(302, b"", {"Location": f"/r{i + 1}"}))
    with fetcher() as f:
        r = f.fetch(server.url("/r0"))
    assert r.error_kind == "redirect_loop" and "more than 5" in r.error
    assert "/r6" not in server.hits


def test_redirect_to_other_host_is_refused(server):
    url = server.script("/away", Reply(301, b"", {"Location": "http://evil.test/x"}))
    with fetcher() as f:
        r = f.fetch(url)
    assert r.error_kind == "redirect_offsite" and url in r.error and "http://evil.test/x" in r.error
    assert r.status == 301 and r.final_url == url


def test_offsite_url_and_bad_url_are_refused_without_a_request(server):
    with fetcher() as f:
        assert f.fetch("http://evil.test/").error_kind == "invalid_url"
        assert f.fetch("ftp://127.0.0.1/x").error_kind == "invalid_url"
        assert f.fetch("not a url").error_kind == "invalid_url"
    assert server.hits == {}


def test_fetchers_in_threads_share_the_per_host_delay(server):
    url = server.script("/p", Reply())
    shared = Politeness()
    stamps: list[float] = []

    def one():
        with fetcher(delay_override=0.3, politeness=shared) as f:
            f.fetch(url)
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    # three page requests to one host, each slot 0.3 s after the previous one
    assert stamps[-1] - stamps[0] >= 0.5
