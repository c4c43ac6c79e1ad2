"""MirrorServer + MirrorAdapter: real URLs above the transport, robots.txt and redirects through the mirror."""
from __future__ import annotations

import time

import pytest
import requests

from test_fetch_support import make_source, write_site
from zonewatch.fetch import Fetcher, MirrorServer, Politeness

pytestmark = pytest.mark.slow

PAGE = "<html><head><title>t</title></head><body><p>长春</p></body></html>"


@pytest.fixture
def mirror(tmp_path):
    write_site(tmp_path, "site.test", {
        "index.html": PAGE,
        "a.html": PAGE,
        "b.html": PAGE,
        "old.html": {"status": 301, "headers": {"Location": "/news/new.html"}},
        "news/new.html": PAGE,
        "away.html": {"status": 302, "headers": {"Location": "http://evil.test/landing.html"}},
        "pic.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "doc.pdf": b"%PDF-1.4 ...",
        "notes.txt": "plain words",
    })
    write_site(tmp_path, "polite.test", {
        "a.html": PAGE,
        "b.html": PAGE,
        "private/secret.html": PAGE,
        "robots.txt": "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n",
    })
    write_site(tmp_path, "evil.test", {"landing.html": PAGE})
    with MirrorServer(tmp_path) as server:
        yield server


def fetcher(mirror, **kw) -> Fetcher:
    options = dict(delay_override=0, retries=0, politeness=Politeness(), mirror=mirror.base_url)
    options.update(kw)
    return Fetcher([make_source("site.test"), make_source("polite.test", id="polite")], **options)


def test_server_routes_by_host_header(mirror):
    base = mirror.base_url
    assert base.startswith("http://127.0.0.1:")
    ok = requests.get(base + "/a.html?x=1", headers={"Host": "site.test"}, timeout=5)
    assert ok.status_code == 200 and ok.headers["Content-Type"] == "text/html" and "长春" in ok.content.decode()
    missing = requests.get(base + "/nope.html", headers={"Host": "site.test"}, timeout=5)
    assert missing.status_code == 404 and b"Not Found" in missing.content
    head = requests.head(base + "/", headers={"Host": "site.test"}, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert requests.get(base + "/../evil.test/landing.html", headers={"Host": "site.test"}, timeout=5).status_code == 404
    assert requests.get(base + "/site.test/a.html", headers={"Host": ".."}, timeout=5).status_code == 404


def test_adapter_keeps_real_urls(mirror):
    with fetcher(mirror) as f:
        r = f.fetch("http://site.test/a.html")
        secure = f.fetch("https://site.test/b.html")
    assert r.ok and r.final_url == "http://site.test/a.html" and "长春" in r.text
    assert secure.ok and secure.final_url == "https://site.test/b.html"
    assert ("GET", "site.test", "/a.html") in mirror.seen
    assert ("GET", "site.test", "/robots.txt") in mirror.seen
    assert all("127.0.0.1" not in v for r_ in (r, secure) for v in (r_.url, r_.final_url, r_.error or ""))


def test_in_site_redirect_is_followed(mirror):
    with fetcher(mirror) as f:
        r = f.fetch("http://site.test/old.html")
    assert r.ok and r.url == "http://site.test/old.html" and r.final_url == "http://site.test/news/new.html"


def test_redirect_offsite_is_refused_before_requesting_it(mirror):
    with fetcher(mirror) as f:
        r = f.fetch("http://site.test/away.html")
    assert r.error_kind == "redirect_offsite" and not r.ok
    assert "http://site.test/away.html" in r.error and "http://evil.test/landing.html" in r.error
    assert not any(host == "evil.test" for _, host, _ in mirror.seen)


def test_robots_disallow_and_crawl_delay(mirror):
    with fetcher(mirror) as f:
        blocked = f.fetch("http://polite.test/private/secret.html")
        t0 = time.monotonic()
        first = f.fetch("http://polite.test/a.html")
        second = f.fetch("http://polite.test/b.html")
        gap = time.monotonic() - t0
    assert blocked.error_kind == "robots_disallowed" and "http://polite.test/robots.txt" in blocked.error
    assert ("GET", "polite.test", "/private/secret.html") not in mirror.seen
    assert first.ok and second.ok
    assert gap >= 0.4                       # Crawl-delay 0.5 beats delay_override=0
    assert f.robots.crawl_delay("polite.test") == 0.5
    assert [p for _, h, p in mirror.seen if h == "polite.test"].count("/robots.txt") == 1


def test_binary_and_non_html_bodies(mirror):
    with fetcher(mirror) as f:
        png = f.fetch("http://site.test/pic.html")
        pdf = f.fetch("http://site.test/doc.pdf")
        txt = f.fetch("http://site.test/notes.txt")
    assert png.error_kind == "not_html" and png.status == 200 and not png.ok and png.text is None
    assert pdf.error_kind == "not_html" and "application/pdf" in pdf.error
    assert txt.ok and txt.text == "plain words"


def test_missing_page_is_404(mirror):
    with fetcher(mirror) as f:
        r = f.fetch("http://site.test/gone.html")
    assert r.status == 404 and r.error == "http_status: 404 Not Found for http://site.test/gone.html"
