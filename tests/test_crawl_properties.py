"""Property tests: mutated real page HTML and arbitrary bytes never make the parsers raise.

`parse_page` (text of a fetched page) and `pipeline.parse_file` (raw bytes, charset found the
same way as for a fetch) are fed the sample pages cut, spliced, with tags dropped or
duplicated, bytes flipped and re-encoded, and plain random bytes.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonewatch.fetch import FetchResult
from zonewatch.parsers import extract_links, parse_page
from zonewatch.pipeline import KnownPages, fetch_article, parse_file

PAGES = Path(__file__).parent / "pages"
SAMPLES = {p.name: p.read_bytes() for p in sorted(PAGES.glob("*.html"))}
URLS = {
    "changchun.html": "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_3451987.html",
    "chinacom.html": "http://zgyq.china.com.cn/2024-12/20/content_42997513.html",
    "cnjiwang.html": "http://zhengwu.cnjiwang.com/zwzwft_1130/202201/3515263.html",
    "jlrb.html": "http://jlrbszb.dajilin.com/pc/paper/c/202603/17/content_3261745.html",
    "people_big5.html": "http://jl.people.com.cn/n2/2022/1012/c349771-40156412.html",
}
FALLBACK_URL = "http://www.jl.gov.cn/zw/yw/zwlb/202401/t20240102_1.html"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.data_too_large])
FRAGMENTS = ["<", ">", "</div>", "<p>", "</p>", "<table><tr><td>", "<!--", "-->", "<script>", "</script>",
             "<![CDATA[", "&", "&#", "&#x110000;", "&nbsp", "\x00", "\ufeff", "\ud800", "发布时间：", "2024-13-45",
             "<meta charset=big5>", "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>",
             "<base href='javascript:x'>", "<a href='http://[::1'>", "<a href='//%zz'>", "<html>", "</body></html>",
             "责任编辑：", "来源：", "<br/>" * 50, "<div>" * 300, "长春新区地区生产总值同比增长6.5%"]


def test_samples_exist():
    assert set(URLS) <= set(SAMPLES), sorted(SAMPLES)


@st.composite
def mutated_html(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(SAMPLES)))
    raw = SAMPLES[name]
    text = raw.decode("utf-8", errors="replace") if name != "people_big5.html" else raw.decode("big5hkscs", "replace")
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        i, j = sorted((draw(st.integers(0, n)), draw(st.integers(0, n))))
        op = draw(st.sampled_from(["cut", "insert", "dup", "truncate", "swapcase_tags"]))
        if op == "cut":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(FRAGMENTS) | st.text(max_size=40)) + text[i:]
        elif op == "dup":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            text = text[:i] + text[i:j].replace("<", "<!").replace(">", ">>") + text[j:]
    return name, text


@SETTINGS
@given(mutated_html())
def test_parse_page_never_raises_on_mutated_html(sample):
    name, text = sample
    article = parse_page(text, URLS.get(name, FALLBACK_URL))
    assert isinstance(article.body, str) and article.canonical_url
    extract_links(text, URLS.get(name, FALLBACK_URL))


@SETTINGS
@given(st.sampled_from(sorted(SAMPLES)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=30),
       st.integers(0, 10**6), st.sampled_from(["utf-8", "gb18030", "big5hkscs", "utf-16", "latin-1"]))
def test_parse_file_never_raises_on_damaged_bytes(name, flips, cut, codec):
    raw = SAMPLES[name]
    if codec != "utf-8":
        raw = raw.decode("utf-8", errors="replace").encode(codec, errors="replace")
    data = bytearray(raw[: max(cut, 1)] if cut < len(raw) else raw)
    for pos, value in flips:
        if data:
            data[pos % len(data)] = value
    try:
        article = parse_file(bytes(data), URLS.get(name, FALLBACK_URL))
    except ValueError as exc:      # DecodeError: "no charset decodes the body" is the one refusal allowed
        assert "charset" in str(exc)
        return
    assert isinstance(article.body, str)


@SETTINGS
@given(st.binary(max_size=4096), st.sampled_from(list(URLS.values()) + [FALLBACK_URL]))
def test_parse_file_never_raises_on_random_bytes(data, url):
    try:
        parse_file(data, url)
    except ValueError as exc:
        assert "charset" in str(exc)


class _OnePage:
    """A page source that serves one body for every URL (the crawl's fetch_article path)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def fetch(self, url, *, validators=None):
        return FetchResult(url=url, final_url=url, status=200, ok=True, text=self.text, body_hash="x")


@SETTINGS
@given(mutated_html())
def test_fetch_article_turns_any_page_into_an_article_or_a_recorded_error(sample):
    name, text = sample
    outcome = fetch_article(_OnePage(text), None, URLS.get(name, FALLBACK_URL), known=KnownPages())
    assert (outcome.article is None) == (outcome.error_kind is not None)
    if outcome.article is None:
        assert outcome.error_kind == "parse" and outcome.error


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, b"\xff\xfe" + "长春".encode("utf-16-le"), b"<html" * 1000,
                                  "<p>长春</p>".encode("gb18030"), b"%PDF-1.4\n" + bytes(range(256))])
def test_parse_file_edge_bytes(data):
    try:
        parse_file(data, FALLBACK_URL)
    except ValueError as exc:
        assert "charset" in str(exc)
