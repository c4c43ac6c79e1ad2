"""The labelled extraction set: every field of every page, against hand-written truth.

Pages live in ``tests/data/extraction/pages`` (stored in the encoding their site declares),
one truth JSON per article next to them (written by hand: title, published minute or day,
来源, author, editor, every body paragraph).  ``split`` is ``tune`` (the parsers were
developed against these) or ``heldout`` (written last, never tuned on); both must pass.
Held-out pages come in rounds: ``h_*`` (round 1), ``h2_*`` (``"round": 2``, written after
round 1's misses were fixed), ``h3_*`` (``"round": 3``, after round 2's fixes), ``h4_*``
(``"round": 4``, after round 3's fixes) ``h5_*`` (``"round": 5``, after round 4's fixes), ``h6_*`` (``"round": 6``, after round 5's fixes)
``h7_*`` (``"round": 7``, after round 6's fixes), ``h8_*`` (``"round": 8``, after round 7's fixes) ``h9_*``
(``"round": 9``, after round 8's fixes) ``h10_*`` (``"round": 10``, after round 9's fixes) ``h11_*`` (``"round": 11``, after round 10's fixes) ``h12_*`` (``"round": 12``, after round 11's fixes) and ``h13_*`` (``"round": 13``, after round 12's fixes); their known
misses are listed in ``KNOWN_HELDOUT_MISSES``.
Pages go through ``zonewatch.pipeline.parse_file`` (raw bytes -> decode -> parse), and
multi-page articles through ``join_pages`` in order.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from zonewatch.parsers import join_pages
from zonewatch.parsers.normalize import normalize_text
from zonewatch.pipeline import parse_file

DATA = Path(__file__).parent / "data" / "extraction"
TZ = ZoneInfo("Asia/Shanghai")
CASES = sorted(DATA.glob("*.json"))


def load_case(path: Path) -> dict:
    truth = json.loads(path.read_text(encoding="utf-8"))
    truth["name"] = path.stem
    truth["files"] = truth.get("pages") or [[path.stem + ".html", truth["url"]]]
    return truth


def parse_case(truth: dict):
    pages = [parse_file((DATA / "pages" / name).read_bytes(), url) for name, url in truth["files"]]
    return join_pages(pages[0], pages[1:]) if len(pages) > 1 else pages[0]


def expected_published(value: str | None):
    if value is None:
        return None, None
    if "T" in value:
        return datetime.fromisoformat(value).replace(tzinfo=TZ), "minute"
    return datetime.fromisoformat(value).replace(tzinfo=TZ), "day"


def norm(value: str | None) -> str | None:
    return normalize_text(value) if value else None


def test_the_set_is_big_enough():
    cases = [load_case(p) for p in CASES]
    assert len(cases) >= 40
    assert sum(c["kind"] == "generic" for c in cases) >= 15
    assert sum(c["split"] == "heldout" for c in cases) >= 24
    assert sum(c["split"] == "heldout" and c.get("round") == 2 for c in cases) >= 12
    assert sum(c["split"] == "heldout" and c.get("round") == 3 for c in cases) >= 12
    assert sum(c["split"] == "heldout" and c.get("round") == 4 for c in cases) >= 12
    assert sum(c["split"] == "heldout" and c.get("round") == 5 for c in cases) >= 10
    assert sum(c["split"] == "heldout" and c.get("round") == 7 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 8 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 9 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 10 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 11 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 12 for c in cases) >= 20
    assert sum(c["split"] == "heldout" and c.get("round") == 13 for c in cases) >= 20
    for c in cases:
        for name, _url in c["files"]:
            assert (DATA / "pages" / name).is_file(), name


# Fields the parsers get wrong on held-out pages, as measured when those pages were written
# (the code was not changed for them afterwards).  Kept exact so a fix, or a new miss, shows.
# Round 1 (h_*): all six misses measured when these pages were written are fixed since (paper
# <title>, 佚名 as author, 标签 line, author span after the date, role word kept, 图片来源 read
# as 来源, 【纠错】 editor trailer), each by a general rule with a unit test in test_parsers_units.
# Round 2 (h2_*, ``"round": 2``): written after those fixes, truth by hand before any run, scored
# once with the parsers frozen (title 85.7%, minute 92.9%, 来源 92.9%, author 57.1%, F1 0.978).  Its
# misses are fixed since, each class by a general rule with a unit test in test_parsers_units:
# 发布日期 beats 成文日期, unit words (融媒) are no names, site suffixes learned from the page,
# agency credits (新华社发) close captions, ｜/| labels, WeChat furniture, bracketed unit bylines,
# an unlabelled 来源 span, titles in <td><font><b> / <h3> above the date line.
# Round 3 (``"round": 3``): written after the round-2 fixes, truth by hand before any run, scored
# once with the parsers frozen (title 92.9%, minute 100%, 来源 91.7%, author 100%, F1 0.973).  Its
# three misses are fixed since, each class by a general rule with a unit test in test_parsers_units:
# English labels (Source/Author/Editor/Date), paper-page headline cells without a date line
# (<td class="font01"> above the byline), trailing disclaimer/声明/免责 paragraphs as furniture.
# Round 4 (``"round": 4``, h4_*): written after the round-3 fixes (新 templates: 发改委/统计局,
# 统计公报, 公主岭/榆树, 长春日报 web, 城市晚报/新文化报-like, 网易/搜狐/腾讯/百家号 reposts, a
# <time datetime> date, a print view, teasers of two other articles below the body), truth by hand
# before any run, scored once with the parsers frozen (title 86.7%, minute 93.3%, 来源 100%,
# author 60.0%, swapped 0, ends 86.7%, F1 0.988).  Its five misses are fixed since, each class by a
# general rule with a unit test in test_parsers_units: a <title> that only names an organisation
# (吉林省统计局: a place + office, or the page's own footer/logo/og:site_name) is never the title; a
# bold/large inline-styled block above the date line is a title; 全媒体记者 bylines; a leading
# outlet+date info line (新华社 2024-05-13 10:05) is no paragraph; <time datetime> dates the page and
# a yearless 6月18日 09:20 info line is header, not body.
# Round 5 (``"round": 5``, h5_*): written after the round-4 fixes (新 templates: 商务厅, 发改委 GB2312
# table, 长春海关-like easysite, 吉林大学新闻网-like VSB form page, a 县融媒体 app share page, 新浪/凤凰
# reposts, a PubDate meta conflicting with the visible 发布时间, a 【】 column prefix in the title, a
# real author only in <meta name="author">, a 德惠 融媒 trailer), truth by hand before any run, scored
# once with the parsers frozen (title 72.7%, minute 81.8%, 来源 80.0%, author 80.0%, editor kept
# out 100%, swapped 0, ends 90.9%, F1 0.909); these are that run's misses, left unfixed.
# Round 6 (``"round": 6``, h6_*): written after the round-5 fixes, scored once with the parsers frozen;
# its misses are fixed since, each class by a general rule with a unit test in test_parsers_units
# (round-6 section): a short 【…动态/快讯/要闻/速递/资讯/播报/聚焦/关注/视点】 bracket is a column name; a
# 小程序/公众号/客户端 the page names ("分享自「长春发布」小程序") is a site name, never the title; "来自"
# followed by a client, app or domain ("来自 微博 weibo.com") is no 来源; table cells pair a date label
# with the next cell's value, and 发布日期 wins over 成文日期.  Only h6_xxgk's parser fallback is left.
# Round 7 (``"round": 7``, h7_*): 21 pages written by hand after the round-6 fixes, each in the full
# chrome of its site (8–13 KB: navigation, sidebars with dated lists, share/QR boxes, footers),
# seven of them registry sites after an imagined redesign; truth by hand before any run, scored
# once with the parsers frozen (title 100%, minute 100%, 来源 100%, author 40.0%, editor kept out
# 100%, swapped 0, ends 76.2%, F1 0.996).  Its misses are fixed since, each class by a general rule
# with a unit test in test_parsers_units (round-7 section): credit lines made only of role-labelled
# names, anywhere in or beside the body and in info-line segments (记者：甲　通讯员：乙, 界面新闻记者 |
# 甲, （撰稿：甲　审核：乙）, …长春报道), names one space apart, 原标题 and video-player furniture,
# kicker/subtitle from the headings beside the title when a site's selectors miss.  Left: two
# registry sites whose imagined redesign their selectors miss fall back to the generic parser.
# Round 8 (``"round": 8``, h8_*): 21 full-chrome pages written alongside round 7 (registry-site
# variants: photo news, multi-page, 信息公开 table, video page, a 2016 GBK template; ministries and
# city offices; finance sites and client share pages), truth by hand before any run, scored once
# with the parsers frozen after the round-7 fixes (title 100%, minute 100%, 来源 94.7%, author 94.1%,
# editor kept out 100%, swapped 0, ends 95.2%, F1 0.999).  Its two misses are fixed since (round-8
# section of test_parsers_units): a site's 来源/作者 element that prints its own label, and a
# standalone picture credit (封面图片来源：…) closing the body.
# Round 9 (``"round": 9``, h9_*): 21 full-chrome pages written after the round-8 fixes by writers who
# reported only file names (nothing of their traps was known before the run), truth by hand, scored
# once with the parsers frozen (title 95.2%, minute 100%, 来源 100%, author 93.8%, editor kept out
# 100%, swapped 0, ends 90.5%, F1 0.998).  Its misses are fixed since (round-9 section of
# test_parsers_units): 方正 <founder-title>/<founder-introtitle>/<founder-subtitle> markup (the 副题 was
# taken as the title), an empty 作者： element read as the author, a bulleted □本报记者 byline, a
# 文字编辑/题图来源 credit line, a caption whose credit opens with the role ("（摄影 吴刚）").
# Round 10 (``"round": 10``, h10_*): 21 full-chrome pages written after the round-9 fixes (an
# interview, a press conference, a data table in the body, statistics bulletins, industry sites, a
# 融媒体中心), writers reporting only file names, truth by hand, scored once with the parsers frozen
# (title 100%, minute 100%, 来源 100%, author 100%, editor kept out 100%, swapped 0, ends 90.5%, F1
# 0.994).  Its body misses are fixed since (round-10 section of test_parsers_units): a print-edition
# line 《人民日报》（…第10版）, an app advertisement line, and a data table (kept out of the body with a
# warning: its rows carry no period or subject of their own).
# Round 11 (``"round": 11``, h11_*): 21 pages of harder families (traditional and BIG5 gateway copies,
# pinyin annotations, a lying meta charset, undeclared GBK, a generic 3-page article, English labels,
# URL-only dates, print views, WeChat and aggregator reposts), written after the round-10 fixes by
# writers reporting only file names, truth by hand, scored once with the parsers frozen (title 100%,
# minute 100%, 来源 100%, author 91.7%, editor kept out 100%, swapped 0, ends 95.2%, F1 0.999).  Its
# misses are fixed since (round-11 section of test_parsers_units): "长春报道" after a lead's names, an
# editor's staff code (王静 PN127), a public account's END mark, a video duration line, a credit line
# naming only pictures.
# Round 12 (``"round": 12``, h12_*): 21 pages built to the registry sites' known structure
# (../shared/sources.md: people current/paged/old/BIG5, 中国网园区, 吉林日报, 吉网政务, 长春市政府) and to
# the "worth adding" sites (汽开区, 长春新区, 净月, 省政府, 新华网吉林, 国际在线, a pinyin copy site), writers
# reporting only file names, truth by hand, scored once with the parsers frozen (title 100%, minute
# 95.2%, 来源 100%, author 100%, editor kept out 100%, swapped 0, ends 100%, F1 1.000).  Its misses are
# fixed since (round-12 section of test_parsers_units): 中国网园区 pages whose body container had
# another class (the CMS's enpcontent markers are now found anywhere), a time printed under the
# mobile copy of a responsive header, a year glued to MM/DD (202409/12).
# Round 13 (``"round": 13``, h13_*): 21 pages of less common page kinds (政策问答, a speech, a notice
# with attachments, 领导活动, a 专题 page, a photo gallery, 「」 titles, seven outlets' article
# templates, a 图文直播 summary, a commentary, a 政务访谈 transcript, a paged 长春市政府 article, a 融媒体
# page, a university page), writers reporting only file names, truth by hand, scored once with the
# parsers frozen (title 100%, minute 100%, 来源 100%, author 80.0%, editor kept out 100%, swapped 0,
# ends 95.2%, F1 1.000).  Its author misses are fixed since (round-13 section of test_parsers_units):
# an office as 作者 (开发区处), a photo byline (通讯员 张德明 摄) read as the author, glued info spans
# (…作者：记者 甲 通讯员 乙发表时间…), a lead's byline losing to <meta name="author">, a signed commentary (□ 某).
KNOWN_HELDOUT_MISSES: dict[str, set[str]] = {
    "h10_cnjiwang": {"parser"},           # an older GBK template of the site: its selectors miss, generic reads it right
    # round 7: the generic fallback reads every field right; "parser" says the site parser fell back
    "h7_cnjiwang": {"parser"},
    "h7_zgyq": {"parser"},
    # round 6 (h6_*): its title/published/来源 misses are fixed (see the comment above); left:
    "h6_xxgk": {"parser"},                # www.changchun.gov.cn routes to the changchun parser, whose selectors miss
                                          # this 信息公开 template: generic fallback (recorded, as designed) counts as "parser"
}


def missed_fields(truth: dict, a) -> set[str]:
    missed = set()
    if a.title != norm(truth["title"]):
        missed.add("title")
    if (a.published, a.published_precision) != expected_published(truth["published"]):
        missed.add("published")
    for field, attr in (("source", "source_name"), ("author", "author"), ("editor", "editor")):
        if getattr(a, attr) != norm(truth[field]):
            missed.add(field)
    if truth["kind"] != "generic":
        if a.kicker != norm(truth.get("kicker")) or a.subtitle != norm(truth.get("subtitle")):
            missed.add("kicker/subtitle")
        if a.parser != truth["kind"]:
            missed.add("parser")
    elif a.parser != "generic" or a.source_id is not None:
        missed.add("parser")
    if a.body != normalize_text("\n".join(truth["paragraphs"])):
        missed.add("body")
    if a.page_count != len(truth["files"]):
        missed.add("page_count")
    return missed


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_field(path):
    truth = load_case(path)
    a = parse_case(truth)
    assert not any(w.startswith("parser error") for w in a.warnings), a.warnings
    expected = KNOWN_HELDOUT_MISSES.get(truth["name"], set()) if truth["split"] == "heldout" else set()
    assert missed_fields(truth, a) == expected


@pytest.mark.parametrize("path", [p for p in CASES if load_case(p)["split"] == "tune"],
                         ids=lambda p: p.stem)
def test_tuning_pages_field_by_field(path):
    """The same check spelled out, so a failure names the field and both values."""
    truth = load_case(path)
    a = parse_case(truth)
    assert a.title == norm(truth["title"])
    assert (a.published, a.published_precision) == expected_published(truth["published"])
    assert a.source_name == norm(truth["source"])
    assert a.author == norm(truth["author"])
    assert a.editor == norm(truth["editor"])
    assert a.body == normalize_text("\n".join(truth["paragraphs"]))
    assert a.paragraphs[0] == truth["paragraphs"][0] or normalize_text(a.paragraphs[0]) == normalize_text(truth["paragraphs"][0])
    assert normalize_text(a.paragraphs[-1]) == normalize_text(truth["paragraphs"][-1])


def test_no_author_editor_swap_anywhere():
    for path in CASES:
        truth = load_case(path)
        a = parse_case(truth)
        if truth["editor"]:
            assert a.author is None or norm(truth["editor"]) not in a.author, path.stem
        if truth["author"]:
            assert a.editor is None or norm(truth["author"]) not in a.editor, path.stem
