"""parse_page on hand-written pages in each site's markup, generic pages, and broken input."""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from zonewatch.parsers import Article, extract_links, join_pages, parse_page
from zonewatch.parsers.normalize import normalize_text

PAGES = Path(__file__).parent / "pages"
TZ = ZoneInfo("Asia/Shanghai")

PEOPLE_1 = "http://jl.people.com.cn/n2/2024/0508/c349771-40800001.html"
PEOPLE_2 = "http://jl.people.com.cn/n2/2024/0508/c349771-40800001-2.html"
PEOPLE_3 = "http://jl.people.com.cn/n2/2024/0508/c349771-40800001-3.html"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def parse(name: str, url: str, **kw) -> Article:
    article = parse_page(page(name), url, **kw)
    assert not any(w.startswith("parser error") for w in article.warnings), article.warnings
    return article


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


# --- site parsers ---------------------------------------------------------------------------

def test_people_page_every_field():
    a = parse("people_p1.html", PEOPLE_1)
    assert a.parser == "people" and a.source_id == "people_jl"
    assert a.url == PEOPLE_1 and a.canonical_url == PEOPLE_1
    assert a.title == "【视频】长春新区培育新动能纪实"
    assert a.kicker == "聚焦开发区高质量发展"
    assert a.subtitle == "——访长春新区党工委负责同志"
    assert a.published == at(2024, 5, 8, 9, 15) and a.published_precision == "minute"
    assert a.published.tzinfo is not None and a.published.utcoffset().total_seconds() == 8 * 3600
    assert a.source_name == "人民网-吉林频道"   # normalised (NFKC turns the full-width hyphen into "-")
    assert a.author == "王小明"                     # the byline paragraph, not the caption's 记者
    assert a.editor == "张三 李四"
    assert a.column == "吉林频道"
    assert a.paragraphs == [
        "人民网长春5月8日电 五月的长春新区，处处是建设的热闹景象。新区负责同志在接受采访时说，今年一季度全区地区生产总值同比增长6.1%。",
        "项目建设提速",                               # bold sub-head kept
        "新区把项目建设作为“头等大事”，一季度新开工亿元以上项目三十个，固定资产投资增长百分之十二。",
        "下一步，新区将继续优化营商环境，推动更多项目早落地、早投产。",
    ]
    assert a.body == normalize_text("\n".join(a.paragraphs))
    assert a.language_variant == "simplified"
    assert a.next_pages == [PEOPLE_2, PEOPLE_3]
    assert a.page_count == 1
    assert a.warnings == []
    assert "长春新区" in a.keywords and "地区生产总值" in a.keywords and len(a.keywords) <= 10
    for junk in ("分享", "热门", "责编", "点击进入专题", "人民网记者 李四摄", "版权", "延伸阅读", "下一页"):
        assert junk not in a.body


def test_people_second_page_canonical_is_page_one():
    a = parse("people_p2.html", PEOPLE_2)
    assert a.canonical_url == PEOPLE_1
    assert a.next_pages == [PEOPLE_3]
    assert a.title == "【视频】长春新区培育新动能纪实"


def test_join_pages_does_not_double_the_repeated_lead():
    p1 = parse("people_p1.html", PEOPLE_1)
    p2 = parse("people_p2.html", PEOPLE_2)
    joined = join_pages(p1, [p2])
    assert joined.page_count == 2 and joined.next_pages == []
    assert joined.title == p1.title and joined.published == p1.published and joined.editor == "张三 李四"
    assert joined.paragraphs == p1.paragraphs + ["人才引进加码", "新区出台人才政策，今年已引进各类人才一千余人，其中博士六十人。"]
    assert joined.body.endswith("其中博士六十人。")
    assert joined.body.count("五月的长春新区") == 1
    assert "人才" in joined.keywords


def test_people_traditional_mirror():
    url = "http://jl.people.com.cn/BIG5/n2/2022/1012/c349771-40119234.html"
    a = parse("people_big5.html", url)
    assert a.parser == "people" and a.source_id == "people_jl"
    assert a.canonical_url == "http://jl.people.com.cn/n2/2022/1012/c349771-40119234.html"
    assert a.language_variant == "traditional"
    assert a.title == "【视频】长春经开区十年发展访谈"
    assert a.title_raw == "【視頻】長春經開區十年發展訪談"
    assert a.source_name == "人民网-吉林频道"   # normalised: simplified, NFKC
    assert a.editor == "马某 谢某"
    assert a.published == at(2022, 10, 12, 10, 0)
    assert a.paragraphs == [                              # raw, as printed
        "十年來，經開區堅持把項目建設作為頭等大事，產業規模持續壯大，發展質量顯著提升。",
        "近五年全區累計新增市場主體兩萬餘戶，年均增長達到四成以上，營商環境不斷優化。",
    ]
    assert a.body == ("十年来，经开区坚持把项目建设作为头等大事，产业规模持续壮大，发展质量显著提升。\n"
                      "近五年全区累计新增市场主体两万余户，年均增长达到四成以上，营商环境不断优化。")
    assert "點擊進入專題" not in a.body_raw and "分享讓更多人看到" not in a.body_raw


def test_big5_gate_url_maps_to_the_original():
    url = "http://big5.people.com.cn/gate/big5/jl.people.com.cn/n2/2022/1012/c349771-40119234.html"
    a = parse("people_big5.html", url)
    assert a.url == url and a.parser == "people"
    assert a.canonical_url == "http://jl.people.com.cn/n2/2022/1012/c349771-40119234.html"


def test_chinacom_page():
    url = "http://zgyq.china.com.cn/2024-03/11/content_4300001.html"
    a = parse("chinacom.html", url)
    assert a.parser == "chinacom" and a.source_id == "zgyq"
    assert a.title == "长春净月高新区数字经济园区扩容"
    assert a.published == at(2024, 3, 11, 14, 5) and a.published_precision == "minute"
    assert a.source_name == "中国网园区"
    assert a.author == "赵六"
    assert a.editor == "园区投稿07"
    assert a.paragraphs == [
        "3月8日，净月高新区数字经济产业园二期正式启用，新增办公面积八万平方米。",
        "据介绍，园区已入驻企业一百二十家，去年实现营业收入四十亿元，同比增长一成以上。",
        "打造数字产业高地",                            # centred bold sub-head: not a caption
        "下一步，园区将围绕软件和信息服务业，引进更多龙头企业。",
    ]
    assert "园区二期外景" not in a.body                  # caption after the image
    assert "推广文字" not in a.body                      # outside <!--enpcontent-->
    assert "Back to Top" not in a.body
    assert a.canonical_url == url


def test_chinacom_info_line_with_only_a_date():
    html = page("chinacom.html").replace(
        '</span>   来源 : <span id="source_baidu"><a href="http://zgyq.china.com.cn">中国网园区</a></span>  作者 : <span id="author_baidu">赵六</span>', "</span>")
    a = parse_page(html, "http://zgyq.china.com.cn/2024-03/11/content_4300001.html")
    assert a.published == at(2024, 3, 11, 14, 5)
    assert a.author is None and a.source_name is None
    assert len(a.paragraphs) == 4


def test_jlrb_page():
    url = "http://jlrbszb.dajilin.com/pc/paper/c/202506/18/content_300001.html"
    a = parse("jlrb.html", url)
    assert a.parser == "jlrb" and a.source_id == "jlrb"
    assert a.kicker == "奋力开创高质量发展新局面"
    assert a.title == "长春经开区上半年项目建设提速"
    assert a.subtitle is None                            # empty #SubTitle
    assert a.published == at(2025, 6, 18) and a.published_precision == "day"
    assert a.column == "第01版：要闻"
    assert a.author == "孙七 周八"
    assert a.editor is None
    assert a.paragraphs == [
        "连日来，长春经开区各重点项目工地机器轰鸣，一派繁忙景象。今年以来，全区实施5000万元以上项目六十余个。",
        "服务保障做在前面",
        "经开区组建项目服务专班，实行“一对一”包保，帮助企业解决用地、用工等问题二十余件。",
        "招商引资持续发力",
        "新兴产业加速集聚",
        "围绕光电信息、医疗器械等产业，经开区上半年签约项目二十个，总投资超百亿元。",
    ]


def test_cnjiwang_page_title_is_not_the_page_title():
    url = "http://zhengwu.cnjiwang.com/zwzwft_1130/202304/3600001.html"
    a = parse("cnjiwang.html", url)
    assert a.parser == "cnjiwang" and a.source_id == "cnjiwang_zw"
    assert a.title == "长春新区召开招商推介会"
    assert a.published == at(2023, 4, 2, 10, 30)
    assert a.source_name == "长春发布"
    assert a.editor == "吴九"                           # hotline stripped
    assert a.author is None
    assert a.column == "政务访谈"
    assert a.paragraphs[-1] == "新区负责人表示，将为落户企业提供全周期服务。（长春日报）"
    assert len(a.paragraphs) == 3
    assert "0431" not in a.body


def test_changchun_page():
    url = "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_3400001.html"
    a = parse("changchun.html", url)
    assert a.parser == "changchun" and a.source_id == "changchun_gov"
    assert a.title == "【汽开区】一汽解放新工厂投产"
    assert a.published == at(2025, 7, 1, 9, 30) and a.published_precision == "minute"
    assert a.source_name == "长春汽开区"
    assert a.column == "开发区动态"
    assert a.paragraphs == ["6月30日，一汽解放新工厂在汽开区正式投产，设计年产能十万辆。",
                            "新工厂采用数字化生产线，关键工序自动化率达到九成。"]
    assert "一汽解放" in a.keywords


def test_site_parser_without_body_falls_back_to_generic():
    html = page("changchun.html").replace('id="UCAP-CONTENT"', 'class="newbody"')
    a = parse_page(html, "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_3400001.html")
    assert a.parser == "generic" and a.source_id == "changchun_gov"
    assert any("generic fallback" in w for w in a.warnings)
    assert a.paragraphs[0].startswith("6月30日") and len(a.paragraphs) == 2
    assert a.title == "【汽开区】一汽解放新工厂投产"


# --- generic parser ----------------------------------------------------------------------------

def test_generic_xinhua_like_page():
    url = "http://www.news.cn/local/2024-09/20/c_1130001.htm"
    a = parse("xinhua_like.html", url)
    assert a.parser == "generic" and a.source_id is None
    assert a.title == "吉林长春：新能源汽车产业链加速成链"
    assert a.published == at(2024, 9, 20, 16, 42) and a.published_precision == "minute"
    assert a.source_name == "新华网"
    assert a.author == "郑十一"
    assert a.editor == "钱十二"
    assert len(a.paragraphs) == 3 and a.paragraphs[0].startswith("新华社长春9月20日电")
    assert "相关新闻" not in a.body and "Copyright" not in a.body


def test_generic_government_page_with_br_text():
    url = "http://www.jl.gov.cn/zw/dt/202407/t20240715_9000001.html"
    a = parse("jlgov_like.html", url)
    assert a.parser == "generic"
    assert a.title == "长春兴隆综保区上半年进出口增长"
    assert a.published == at(2024, 7, 15) and a.published_precision == "day"
    assert a.source_name == "长春市商务局"
    assert a.column == "地区动态"
    assert a.paragraphs == [
        "今年上半年，长春兴隆综合保税区完成进出口额四十六亿元，同比增长百分之十五。",
        "综保区持续优化通关流程，跨境电商业务量明显增加。",
        "下半年，综保区将继续拓展中欧班列线路，力争全年进出口额突破百亿元。",
    ]


def test_generic_people_markup_on_unknown_host():
    a = parse("people_p1.html", "http://example.com/n2/2024/0508/c349771-40800001.html")
    assert a.parser == "generic" and a.source_id is None
    assert a.title == "【视频】长春新区培育新动能纪实"
    assert a.published == at(2024, 5, 8, 9, 15)
    assert a.editor == "张三 李四" and a.author == "王小明"
    assert len(a.paragraphs) == 4
    # the canonical link points at another host: not used
    assert a.canonical_url == "http://example.com/n2/2024/0508/c349771-40800001.html"


def test_pinyin_annotated_copy_site():
    url = "http://www.example-copy.com/a/2022-10-13/123.html"
    a = parse("pinyin_copy.html", url)
    assert a.parser == "generic"
    assert a.title == "e起点赞长春这十年|区县领导访谈·汽开区"
    assert a.title_raw == "e起點(diǎn)贊長(zhǎng)春這十年|區(qū)縣領(lǐng)導(dǎo)訪談·汽開區(qū)"
    assert a.language_variant == "traditional"
    assert a.paragraphs[0] == "汽開區(qū)十年來堅(jiān)持服務(wù)一汽，項(xiàng)目建設(shè)取得新突破，經(jīng)濟(jì)總量連續(xù)兩年超千億元。"
    assert a.body == ("汽开区十年来坚持服务一汽，项目建设取得新突破，经济总量连续两年超千亿元。\n"
                      "今年，汽开区将继续推动“六个回归”，加快建设世界一流汽车城。")
    assert a.published == at(2022, 10, 13) and a.published_precision == "day"   # only in the URL
    assert "分享" not in a.body
    assert "汽开区" in a.keywords


def test_date_only_in_url_shapes():
    body = "<html><body><h1>园区新闻标题示例</h1><div><p>园区今年新开工项目很多，进展顺利，效果明显。</p><p>下一步将继续推进，力争早日投产达效。</p></div></body></html>"
    cases = {
        "http://jl.people.com.cn/n2/2022/1013/c349771-40000001.html": at(2022, 10, 13),
        "http://zgyq.china.com.cn/2023-02/23/content_1.html": at(2023, 2, 23),
        "http://jlrbszb.dajilin.com/pc/paper/c/202603/18/content_1.html": at(2026, 3, 18),
        "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_1.html": at(2025, 7, 1),
    }
    for url, expected in cases.items():
        a = parse_page(body, url)
        assert (a.published, a.published_precision) == (expected, "day"), url
        assert len(a.paragraphs) == 2, (url, a.parser, a.warnings)


def test_meta_dates():
    html = ('<html><head><meta property="article:published_time" content="2024-01-02T01:30:45Z"></head>'
            "<body><h1>一个标题很长的页面</h1><p>正文内容，含有逗号。还有句号。</p></body></html>")
    a = parse_page(html, "http://example.com/a.html")
    assert a.published == at(2024, 1, 2, 9, 30) and a.published_precision == "minute"


# --- broken input -------------------------------------------------------------------------------

def test_no_body_gives_warning_not_crash():
    html = '<html><head><title>空白页面</title></head><body><div class="nav"><a href="/">首页</a></div></body></html>'
    a = parse_page(html, PEOPLE_1)
    assert a.paragraphs == [] and a.body == "" and a.keywords == []
    assert "no body found" in a.warnings
    assert a.published is None or a.published_precision == "day"


@pytest.mark.parametrize("html", ["", "   ", "\x00\x01\x02", "<", "<html>", "</html>", "<!-- x"])
def test_degenerate_documents(html):
    a = parse_page(html, "http://example.com/x.html")
    assert a.paragraphs == [] and "no body found" in a.warnings
    assert a.title is None and a.published is None and a.source_name is None


def test_truncated_html():
    html = page("people_p1.html")
    html = html[:html.index("固定资产投资")]
    a = parse_page(html, PEOPLE_1)
    assert a.title == "【视频】长春新区培育新动能纪实"
    assert a.paragraphs[0].startswith("人民网长春5月8日电")
    assert a.paragraphs[-1].startswith("新区把项目建设作为")


def test_stray_early_closing_html():
    html = page("people_p1.html").replace("<p><strong>项目建设提速", "</body></html><p><strong>项目建设提速")
    a = parse_page(html, PEOPLE_1)
    assert a.paragraphs == parse("people_p1.html", PEOPLE_1).paragraphs


def test_binary_junk():
    junk = bytes(range(256)).decode("latin-1") * 400 + "\ud800\udfff" + "".join(chr(c) for c in range(0x4e00, 0x4e00 + 3000))
    a = parse_page(junk, "http://example.com/junk.bin")
    assert isinstance(a, Article) and a.url == "http://example.com/junk.bin"
    assert not any(w.startswith("parser error") for w in a.warnings)
    html = page("people_p1.html").replace("五月", "五\x00\x07月\ud800")
    b = parse_page(html, PEOPLE_1)
    assert b.paragraphs[0].startswith("人民网长春5月8日电 五月的长春新区")


def test_xml_declaration_is_tolerated():
    a = parse_page('<?xml version="1.0" encoding="gb2312"?>' + page("chinacom.html"),
                   "http://zgyq.china.com.cn/2024-03/11/content_4300001.html")
    assert len(a.paragraphs) == 4


def test_twenty_megabyte_page_returns_quickly():
    filler = "".join(f'<div class="item"><p>长春新区第{i}个项目正在建设，进展顺利，预计年底投产。</p></div>' for i in range(40_000))
    html = page("people_p1.html").replace('<div class="footer">', f"<div>{filler * 4}</div>"
                                          + "<div>" + "<span>垃圾</span>" * 600_000 + '</div><div class="footer">')
    assert len(html.encode("utf-8")) > 20_000_000
    parse_page("<p>热身，加载分词。</p>", "http://example.com/w.html")   # jieba load is not the page's cost
    start = time.process_time()
    a = parse_page(html, PEOPLE_1)
    assert time.process_time() - start < 8
    assert a.title == "【视频】长春新区培育新动能纪实" and len(a.paragraphs) == 4


# --- links ----------------------------------------------------------------------------------------

def test_extract_links():
    html = """<html><head><base href="http://jl.people.com.cn/GB/349771/"></head><body>
      <a href="index2.html">下一页</a> <a href="/n2/2024/0508/c349771-1.html#top">a</a>
      <a href="http://jl.people.com.cn/n2/2024/0508/c349771-1.html">again</a>
      <a href="javascript:void(0)">js</a> <a href="mailto:x@y.cn">mail</a> <a href="#">top</a>
      <a href=" //zgyq.china.com.cn/2023-02/23/content_1.html ">other</a><a>none</a></body></html>"""
    assert extract_links(html, "http://jl.people.com.cn/GB/349771/index.html") == [
        "http://jl.people.com.cn/GB/349771/index2.html",
        "http://jl.people.com.cn/n2/2024/0508/c349771-1.html",
        "http://zgyq.china.com.cn/2023-02/23/content_1.html",
    ]
    assert extract_links("", "http://example.com/") == []


# --- TRS multi-page articles ------------------------------------------------------------------

TRS_1 = "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202401/t20240105_3200456.html"
TRS_2 = "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202401/t20240105_3200456_1.html"
TRS_3 = "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202401/t20240105_3200456_2.html"
EXTRACTION = Path(__file__).parent / "data" / "extraction" / "pages"


def test_trs_pager_script_lists_the_further_pages_and_page_two_maps_to_page_one():
    html = (EXTRACTION / "changchun_paged_0.html").read_text(encoding="utf-8")
    a = parse_page(html, TRS_1)
    assert a.next_pages == [TRS_2, TRS_3]          # from createPageHTML(3, 0, ...): _1 is page 2
    second = parse_page((EXTRACTION / "changchun_paged_1.html").read_text(encoding="utf-8"), TRS_2)
    assert second.canonical_url == TRS_1
    assert second.next_pages == [TRS_3]
    last = parse_page((EXTRACTION / "changchun_paged_2.html").read_text(encoding="utf-8"), TRS_3)
    assert last.next_pages == [] and last.canonical_url == TRS_1


def test_trs_pager_links_count_from_underscore_one():
    html = (EXTRACTION / "g_cnjnews_0.html").read_text(encoding="utf-8")
    a = parse_page(html, "http://news.cnjiwang.com/jlxw/202307/3711001.html")
    assert a.next_pages == ["http://news.cnjiwang.com/jlxw/202307/3711001_1.html"]
    b = parse_page((EXTRACTION / "g_cnjnews_1.html").read_text(encoding="utf-8"),
                   "http://news.cnjiwang.com/jlxw/202307/3711001_1.html")
    assert b.next_pages == []                      # its pager links back to page 1 only


def test_short_trs_docid_is_not_a_page_suffix():
    a = parse_page("<html><body><h1>标题文字示例</h1><p>正文，内容。第二句。</p></body></html>",
                   "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_12.html")
    assert a.canonical_url == "http://www.changchun.gov.cn/zw_33994/yw/kfqdt/202507/t20250701_12.html"
