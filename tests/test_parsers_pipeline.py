"""End to end through ``zonewatch.pipeline.parse_file(raw_bytes, url)``: encodings, the
normalisation traps, and bad input.  Also reads the shared seed dumps at run time."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zonewatch.parsers import Article, parse_page
from zonewatch.parsers.normalize import normalize_text, strip_pinyin
from zonewatch.pipeline import parse_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PEOPLE = "http://jl.people.com.cn/n2/2024/0508/c349771-40800001.html"
GENERIC = "http://www.example.org/news/2024-05/08/content_99.html"

TITLE = "长春新区培育壮大光电信息产业"
PARAS = ["今年前三季度，长春新区光电信息产业产值同比增长百分之十二，企业数量达到三百二十家。",
         "新区将继续支持企业研发，推动朱镕基时期建设的老厂区改造为光电产业园。"]   # 镕: GBK, not GB2312


def page(charset: str | None, *, paras=PARAS, title=TITLE, extra: str = "") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<html><head>{meta}<title>{title}--吉林频道--人民网</title></head><body>"
            f'<div class="col col-1 fl"><h1>{title}</h1>'
            f'<div class="col-1-1 fl">2024年05月08日09:15 | 来源：<a href="/">人民网－吉林频道</a></div></div>'
            f'<div class="rm_txt_con cf" id="rm_txt_zw">{body}{extra}<div class="edit">(责编：张三)</div></div>'
            "</body></html>")


# --- encodings -----------------------------------------------------------------------------------

def test_declared_gb2312_decoded_as_gb18030_keeps_rare_characters():
    name = "王䶮"                                        # U+4DAE: only in GB18030
    raw = page("gb2312", paras=PARAS + [f"（记者 {name}）"]).encode("gb18030")
    a = parse_file(raw, PEOPLE)
    assert a.title == TITLE and a.author == name
    assert "朱镕基" in a.body and "\ufffd" not in a.body


def test_declared_gbk_page():
    a = parse_file(page("GBK").encode("gbk"), GENERIC)
    assert a.title == TITLE and a.body == "\n".join(PARAS)


def test_big5_page_is_read_and_normalised_to_simplified():
    trad_title = "長春新區培育壯大光電信息產業"
    trad = ["今年前三季度，長春新區光電信息產業產值同比增長百分之十二，企業數量達到三百二十家。",
            "新區將繼續支持企業研發，推動老廠區改造為光電產業園。"]
    import opencc   # the gateway converts the whole page (chrome too) to traditional

    raw = opencc.OpenCC("s2tw").convert(page("big5", paras=trad, title=trad_title)).encode("big5")
    a = parse_file(raw, "http://big5.people.com.cn/gate/big5/jl.people.com.cn/n2/2024/0508/c349771-40800001.html")
    assert a.title_raw == trad_title and a.title == TITLE
    assert a.paragraphs == trad and a.language_variant == "traditional"
    assert a.body == "今年前三季度，长春新区光电信息产业产值同比增长百分之十二，企业数量达到三百二十家。\n新区将继续支持企业研发，推动老厂区改造为光电产业园。"
    assert a.canonical_url == PEOPLE and a.source_name == "人民网-吉林频道"


def test_wrong_meta_charset_is_overruled_by_the_bytes():
    raw = page("utf-8").encode("gb18030")                  # says utf-8, is GB18030
    a = parse_file(raw, GENERIC)
    assert a.title == TITLE and a.body == "\n".join(PARAS)


def test_undeclared_gbk_page_is_detected():
    long = PARAS + ["开发区今年计划新开工亿元以上项目六十个，总投资三百亿元，其中先进制造业项目占比超过一半。"] * 3
    a = parse_file(page(None, paras=long).encode("gbk"), GENERIC)
    assert a.title == TITLE and a.paragraphs[0] == PARAS[0]


def test_undeclared_utf8_page():
    a = parse_file(page(None).encode("utf-8"), GENERIC)
    assert a.title == TITLE and a.body == "\n".join(PARAS)


# --- normalisation traps --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("點(diǎn)贊", "点赞"),
    ("點(dian)贊", "点赞"),                  # without tone marks
    ("點（diǎn）贊", "点赞"),                 # full-width brackets
    ("e起點(diǎn)贊長(zhǎng)春", "e起点赞长春"),
    ("地区生产总值(GDP)增长", "地区生产总值(GDP)增长"),     # a real bracket: kept
    ("增长(同比)较快", "增长(同比)较快"),
    ("区(qu)和区(ou)", "区和区"),           # 區 reads qū and ōu: both are annotations
    ("长(xx)春", "长(xx)春"),               # not a reading of 长: kept
    ("总投资（亿元）：１２３", "总投资（亿元）：123"),   # NFKC digits, Chinese brackets and colon kept
    ("合计　 10 ，好！？；", "合计 10 ，好！？；"),
])
def test_normalisation_traps(raw, expected):
    assert normalize_text(raw) == expected


def test_pinyin_is_not_stripped_from_latin_words():
    assert strip_pinyin("Audi(an)和一汽") == "Audi(an)和一汽"


# --- bad input --------------------------------------------------------------------------------------

def test_binary_bytes_served_as_html_do_not_crash():
    junk = bytes(range(256)) * 2000
    try:
        a = parse_file(junk, GENERIC)
    except Exception as exc:  # the decode side may refuse it: then with a clear error type
        assert type(exc).__name__ == "DecodeError", exc
    else:
        assert isinstance(a, Article) and a.title is None and a.paragraphs == []


def test_truncated_page_gives_a_partial_article():
    html = page("utf-8")
    cut = html[: html.index("新区将继续")]
    a = parse_page(cut, PEOPLE)
    assert a.title == TITLE and a.paragraphs == [PARAS[0]]


def test_page_without_body_text_never_takes_a_title_from_navigation():
    html = ('<html><head><title></title></head><body><div class="nav"><h2><a href="/">首页</a></h2>'
            '<ul><li><a href="/a">长春新区召开重要会议部署工作</a></li><li><a href="/b">汽开区项目开工</a></li></ul></div></body></html>')
    a = parse_page(html, GENERIC)
    assert a.title is None and a.paragraphs == [] and "no body found" in a.warnings


def test_very_deep_nesting_keeps_the_text():
    inner = "<font>" * 3000 + "".join(f"<p>{p}</p>" for p in PARAS) + "</font>" * 3000
    html = f"<html><body><h1>{TITLE}</h1><div>{inner}</div></body></html>"
    a = parse_page(html, GENERIC)
    assert a.paragraphs == PARAS
    assert any("nested deeper" in w for w in a.warnings)


def test_twenty_megabyte_page_through_parse_file():
    filler = "<div><span>导航链接</span><a href='/x'>更多</a></div>" * 400_000
    raw = page("utf-8", extra="").replace("<body>", "<body>" + filler).encode("utf-8")
    assert len(raw) > 20_000_000
    a = parse_file(raw, PEOPLE)
    assert a.title == TITLE and a.body == "\n".join(PARAS)


# --- the CLI prints the new fields ------------------------------------------------------------------

def test_cli_parse_prints_article_json(tmp_path):
    f = tmp_path / "p.html"
    f.write_bytes(page("gb2312").encode("gb18030"))
    out = subprocess.run([sys.executable, "-m", "zonewatch.cli", "parse", str(f), "--url", PEOPLE],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["title"] == TITLE and d["parser"] == "people" and d["editor"] == "张三"
    assert d["published"] == "2024-05-08T09:15:00+08:00" and d["published_precision"] == "minute"
    assert d["body"] == "\n".join(PARAS) and d["body_raw"] == "\n".join(PARAS)


# --- the shared seed dumps (read at run time, never copied) ------------------------------------------

def test_seed_dumps_normalise_like_their_simplified_originals():
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    assert len(seeds) == 5, f"shared seeds missing under {SHARED}"
    spam = (SHARED / "seeds" / seeds[1].name).read_text(encoding="utf-8")
    people = (SHARED / "seeds" / seeds[4].name).read_text(encoding="utf-8")
    title_spam = normalize_text(spam.splitlines()[0])
    assert title_spam == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert "(" not in title_spam
    assert "点赞长春这十年" in normalize_text(people.splitlines()[3])
