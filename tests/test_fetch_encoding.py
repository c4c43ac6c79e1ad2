"""Charset decoding: declarations, supersets, wrong declarations overruled, detection."""
from __future__ import annotations

import pytest

from test_fetch_support import make_source, write_site
from zonewatch.fetch import DecodeError, Fetcher, MirrorServer, Politeness, decode_body, decode_html

# 镕 is in GBK but not GB2312; 𠀀 (U+20000) exists only in GB18030.
RARE = "朱镕基 𠀀"
TEXT = "长春汽车经济技术开发区召开会议，研究部署重点项目建设工作。今年前三季度地区生产总值同比增长。"
TRAD = "長春新區召開會議，研究部署重點項目建設工作。今年前三季度地區生產總值同比增長。"


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>page</title></head><body><p>{body}</p></body></html>"


def test_gb2312_declared_page_with_gb18030_only_chars():
    content = html(RARE, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gb18030")
    text, codec = decode_html(content, http_charset=None, hint=None)
    assert codec == "gb18030" and RARE in text


@pytest.mark.parametrize("label", ["GBK", "x-gbk", "gb_2312-80", "GB2312"])
def test_gb_labels_decode_as_gb18030(label):
    text, codec = decode_html(html(TEXT).encode("gbk"), http_charset=label, hint=None)
    assert codec == "gb18030" and TEXT in text


def test_big5_page():
    content = html(TRAD, '<meta charset="big5">').encode("big5")
    text, codec = decode_html(content, http_charset=None, hint=None)
    assert codec == "big5hkscs" and TRAD in text


def test_wrong_meta_utf8_on_gbk_bytes_is_overruled():
    content = html(TEXT, '<meta charset="utf-8">').encode("gbk")
    text, codec = decode_html(content, http_charset=None, hint=None)
    assert codec == "gb18030" and TEXT in text


def test_undeclared_gbk_is_detected():
    text, codec = decode_html(html(TEXT).encode("gbk"), http_charset=None, hint=None)
    assert codec == "gb18030" and TEXT in text


def test_http_header_beats_meta_and_hint_is_used_when_nothing_is_declared():
    content = html(TEXT, '<meta charset="gbk">').encode("utf-8")
    assert decode_html(content, http_charset="utf-8", hint="gb18030")[1] == "utf-8"
    assert decode_html(html(TEXT).encode("gb18030"), http_charset=None, hint="gb18030")[1] == "gb18030"


def test_latin1_header_on_chinese_bytes_does_not_win():
    text, codec = decode_html(html(TEXT).encode("gbk"), http_charset="iso-8859-1", hint=None)
    assert TEXT in text and codec == "gb18030"


def test_bom_wins():
    text, codec = decode_html(b"\xef\xbb\xbf" + html(TEXT, '<meta charset="gbk">').encode(), http_charset="gbk", hint=None)
    assert codec == "utf-8" and TEXT in text and not text.startswith("\ufeff")


def test_binary_and_non_html_are_refused():
    with pytest.raises(DecodeError) as nul:
        decode_body(b"<html>\x00\x01\x02 binary", content_type="text/html", hint=None)
    assert nul.value.kind == "not_html"
    with pytest.raises(DecodeError) as pdf:
        decode_body(b"%PDF-1.7", content_type="application/pdf", hint=None)
    assert pdf.value.kind == "not_html"


def test_through_the_fetcher(tmp_path):
    write_site(tmp_path, "site.test", {
        "gb.html": html(RARE, '<meta charset="gb2312">').encode("gb18030"),
        "big5.html": html(TRAD).encode("big5"),
        "big5.html.meta.json": {"headers": {"Content-Type": "text/html; charset=big5"}},
        "liar.html": html(TEXT, '<meta charset="utf-8">').encode("gbk"),
        "plain.html": html(TEXT).encode("gbk"),
    })
    with MirrorServer(tmp_path) as server, Fetcher([make_source("site.test")], mirror=server.base_url,
                                                   delay_override=0, politeness=Politeness()) as f:
        results = {name: f.fetch(f"http://site.test/{name}.html") for name in ("gb", "big5", "liar", "plain")}
    assert all(r.ok for r in results.values()), {k: r.error for k, r in results.items()}
    assert RARE in results["gb"].text and results["gb"].encoding == "gb18030"
    assert TRAD in results["big5"].text and results["big5"].encoding == "big5hkscs"
    assert TEXT in results["liar"].text and results["liar"].encoding == "gb18030"
    assert TEXT in results["plain"].text and results["plain"].encoding == "gb18030"
