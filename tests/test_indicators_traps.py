"""Hand-written traps for the indicator extractor: every sentence here is invented, every
expected value worked out by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from zonewatch.parsers.indicators import extract_facts
from zonewatch.parsers.indicators.kinds import classify
from zonewatch.parsers.indicators.numbers import parse_number, split_multiplier
from zonewatch.parsers.indicators.periods import scan
from zonewatch.parsers.indicators.qualifiers import qualifier
from zonewatch.parsers.indicators.regions import article_zone, canonical

D = dt.date(2024, 8, 15)


def facts(text: str, published: dt.date | None = D, **kw):
    return extract_facts(text, published, **kw)


def one(text: str, published: dt.date | None = D, **kw):
    fs = facts(text, published, **kw)
    assert len(fs) == 1, [f.to_json() for f in fs]
    return fs[0]


# ------------------------------------------------------------------ small functions

@pytest.mark.parametrize("s, v", [("两千", 2000), ("一百二十", 120), ("千", 1000), ("百", 100), ("十五", 15),
                                  ("三分之一", 100 / 3), ("百分之九十", 90), ("1,234.5", 1234.5), ("二〇二二", 2022)])
def test_parse_number(s, v):
    assert parse_number(s) == pytest.approx(v)


def test_digit_runs_are_not_numbers():
    assert parse_number("一一") is None  # 唯一一家


def test_split_multiplier():
    assert split_multiplier("两千亿") == ("两千", "亿")
    assert split_multiplier("万亿") == ("万", "亿")
    assert split_multiplier("一百二十") == ("一百二十", "")


@pytest.mark.parametrize("text, value", [
    ("今年", "2024"), ("去年", "2023"), ("明年", "2025"), ("上半年", "2024-H1"), ("一季度", "2024-Q1"),
    ("第三季度", "2024-Q3"), ("前三季度", "2024-01..2024-09"), ("1—7月", "2024-01..2024-07"),
    ("1至7月", "2024-01..2024-07"), ("1-7月", "2024-01..2024-07"), ("7月份", "2024-07"),
    ("2021年", "2021"), ("过去五年", "2019..2023"), ("近五年", "2019..2023"), ("三年来", "2021..2023"),
    ("这十年", "2014..2023"), ("十年来", "2014..2023"), ("十四五", "2021..2025"), ("十五五", "2026..2030"),
    ("十四五以来", "2021..2024"), ("连续三年", "2021..2023"), ("2022年上半年", "2022-H1"),
    ("11月份", "2023-11"),  # a month after the text's own month is last year's
])
def test_periods(text, value):
    ps = scan(text, D)
    assert [p.value for p in ps] == [value]


def test_comparison_bases_are_not_periods():
    assert scan("比去年增长", D) == [] and scan("在去年基础上", D) == [] and scan("去年同期", D) == []


def test_consecutive_years_end_at_the_year_reported():
    assert scan("连续三年", D, context="2022")[0].value == "2020..2022"


@pytest.mark.parametrize("before, inner, after, q", [
    ("超过", "", "", "over"), ("突破", "", "", "over"), ("逾", "", "", "over"), ("", "", "以上", "over"),
    ("约", "", "", "about"), ("近", "", "", "about"), ("", "余", "", "about"), ("", "多", "", "about"),
    ("", "", "左右", "about"), ("不到", "", "", "under"), ("", "", "以下", "under"), ("实现", "", "", None)])
def test_qualifiers(before, inner, after, q):
    assert qualifier(before, inner, after) == q


def test_kinds():
    assert classify("力争实现产值", "", "2024", D) == "target"
    assert classify("预计全年增长", "", "2024", D) == "forecast"
    assert classify("较年初计划提高", "", "2023", D) == "actual"
    assert classify("完成投资", "", "2023", D) == "actual"
    assert classify("实施项目", "", "2024", dt.date(2024, 2, 1)) == "target"  # the year has barely begun


def test_regions():
    assert canonical("汽开区") == "长春汽开区"
    assert canonical("长春国际汽车城") == "长春汽开区"
    assert canonical("经开区") == "长春经开区"
    assert canonical("长春经济技术开发区") == "长春经开区"
    assert canonical("一汽集团") == "中国一汽"
    assert article_zone("净月高新区召开会议。净月高新区新增企业。高新区…") == "长春净月高新区"


# ------------------------------------------------------------------ whole sentences

def test_chinese_numerals():
    fs = facts("高新区全年实现工业总产值两千亿元,签约项目一百二十个。")
    assert [(f.norm_value, f.norm_unit, f.measure, f.period) for f in fs] == [
        (2e11, "CNY", "level", "2024"), (120, "count", "count", "2024")]
    f = one("目前净月高新区拥有科技型企业超千家。")
    assert (f.value, f.norm_unit, f.qualifier, f.period) == (1000, "count", "over", None)
    f = one("经开区力争到2025年汽车产业产值突破万亿元。")
    assert (f.norm_value, f.norm_unit, f.kind, f.qualifier) == (1e12, "CNY", "target", "over")


def test_fen_bie_series_over_a_span():
    fs = facts("近五年,高新区规上工业增加值分别增长6.1%、7.3%、4.8%、5.5%、6.9%。")
    assert [(f.value, f.period, f.measure) for f in fs] == [
        (6.1, "2019", "growth_pct"), (7.3, "2020", "growth_pct"), (4.8, "2021", "growth_pct"),
        (5.5, "2022", "growth_pct"), (6.9, "2023", "growth_pct")]
    assert {f.subject for f in fs} == {"长春高新区"}


def test_fen_bie_series_over_named_years():
    fs = facts("2021年、2022年、2023年,净月高新区固定资产投资分别增长12%、9%和7.5%。")
    assert [(f.value, f.period) for f in fs] == [(12, "2021"), (9, "2022"), (7.5, "2023")]
    assert {f.indicator for f in fs} == {"固定资产投资"}


def test_ranks():
    fs = facts("在全国国家级高新区综合排名中,长春高新区位列第18位,排名全省第2。")
    assert [(f.value, f.measure, f.norm_unit, f.subject) for f in fs] == [
        (18, "rank", "rank", "长春高新区"), (2, "rank", "rank", "长春高新区")]
    f = one("汽开区在全省开发区考核中位居第一。")
    assert (f.value, f.measure) == (1, "rank")


def test_ordinals_are_not_facts():
    assert facts("汽开区建成全省第一个智能网联示范区,第二批项目开工。") == []


def test_multiples():
    f = one("今年上半年,经开区进出口额是去年同期的2.5倍。")
    assert (f.value, f.measure, f.norm_unit, f.period) == (2.5, "multiple", "x", "2024-H1")
    fs = facts("去年,新区跨境电商交易额突破30亿元,比上年翻两番。")
    assert [(f.norm_value, f.measure, f.period) for f in fs] == [(3e9, "level", "2023"), (4, "multiple", "2023")]
    f = one("十年来,高新区常住人口实现翻番。")
    assert (f.value, f.measure, f.period) == (2, "multiple", "2014..2023")


def test_structure_ratio():
    fs = facts("去年,新区三次产业结构调整为1.2:55.3:43.5。", default_subject="长春新区")
    assert [(f.value, f.measure, f.period) for f in fs] == [
        (1.2, "share_pct", "2023"), (55.3, "share_pct", "2023"), (43.5, "share_pct", "2023")]
    assert {f.subject for f in fs} == {"长春新区"}


def test_growth_decline_and_pp():
    fs = facts("今年1-6月,汽开区进出口额同比下降3.2%,增速比全市低1.5个百分点。")
    assert [(f.value, f.measure, f.period) for f in fs] == [
        (-3.2, "growth_pct", "2024-01..2024-06"), (1.5, "pp_diff", "2024-01..2024-06")]
    fs = facts("2023年,全市GDP增长6.3%,增速回落0.5个百分点。")
    assert [(f.value, f.measure, f.subject) for f in fs] == [(6.3, "growth_pct", "长春市"), (-0.5, "pp_diff", "长春市")]


def test_shares():
    f = one("高新区规上工业产值占全市的三分之一。")
    assert (f.value, f.measure, f.subject) == (pytest.approx(33.33), "share_pct", "长春高新区")
    f = one("经开区外贸企业数量占全省近一半。")
    assert (f.value, f.measure, f.qualifier, f.subject) == (50, "share_pct", "about", "长春经开区")


def test_qualifiers_in_text():
    fs = facts("2023年,高新区新增市场主体超过8000户,引进项目约60个,实现税收30亿元左右,培育企业200余家,亏损企业不到10家。")
    assert [(f.value, f.qualifier) for f in fs] == [(8000, "over"), (60, "about"), (30, "about"), (200, "about"), (10, "under")]


def test_target_vs_forecast():
    fs = facts("汽开区今年力争实现地区生产总值1200亿元,预计全年规上工业增加值增长6%左右。")
    assert [(f.norm_value, f.kind, f.period, f.indicator) for f in fs] == [
        (1.2e11, "target", "2024", "地区生产总值"), (6, "forecast", "2024", "规上工业增加值")]
    fs = facts("经开区规上工业总产值增速由预计的3%提高到8.1%。", dt.date(2024, 1, 20))
    # the article (January 2024) reports 2023 through its paragraph's period
    fs = facts("去年,经开区规上工业总产值增速由预计的3%提高到8.1%。")
    assert [(f.value, f.kind, f.period) for f in fs] == [(3, "forecast", "2023"), (8.1, "actual", "2023")]


def test_period_carries_across_clauses_and_sentences():
    text = "2023年,净月高新区经济稳中有进。全年实现地区生产总值520亿元,增长7%。\n今年以来,净月高新区签约项目36个。"
    fs = facts(text)
    assert [(f.value, f.period) for f in fs] == [(520, "2023"), (7, "2023"), (36, "2024")]


def test_company_versus_zone_subject():
    text = "今年一季度,中国一汽实现整车销量72万辆,汽开区新增市场主体超3000户。"
    fs = facts(text)
    assert [(f.subject, f.value, f.norm_unit) for f in fs] == [
        ("中国一汽", 72, "vehicle"), ("长春汽开区", 3000, "count")]
    # 我区/全区 -> the article's zone
    f = one("今年,我区新增就业岗位4500个。", default_subject="长春经开区")
    assert (f.subject, f.value, f.core) == ("长春经开区", 4500, True)


def test_threshold_class_is_not_a_fact_but_its_count_is():
    f = one("2023年,经开区实施5000万元以上项目126个。")
    assert (f.value, f.unit, f.indicator, f.measure) == (126, "个", "5000万元以上项目", "count")
    assert facts("经开区为5000万元以上项目提供全程代办服务。") == []


@pytest.mark.parametrize("text", [
    "咨询电话:0431-85551234,传真0431-85551235。",
    "汽开区全面落实“3转4强7新”产业体系,推动3转4强7新落地。",
    "地铁2号线、7号线加快建设,一汽“831”战略稳步实施。",
    "3月8日上午9时,2024年度工作会议在汽开区召开。",
    "汽开区实施“1+3+N”工程,全力打造“四个中心”。",
    "该企业成立于1953年,已有71年历史,员工平均年龄35岁。",
    "增强“四个意识”,以下四个方面值得关注。",
])
def test_not_facts(text):
    assert facts(text) == []


def test_core_flags():
    fs = facts("2023年,高新区固定资产投资增长9%,举办招聘会12场。")
    assert [(f.value, f.core) for f in fs] == [(9, True), (12, False)]


def test_no_published_date_keeps_explicit_years():
    fs = facts("2022年,高新区地区生产总值达到1000亿元。今年签约项目30个。", None)
    assert [(f.value, f.period) for f in fs] == [(1000, "2022"), (30, None)] or [(f.value, f.period) for f in fs][0] == (1000, "2022")


@pytest.mark.parametrize("odd", ["", " ", "\n\n", "亿元亿元%%%", "第第第", "1" * 5000, "。,,;;", "分之分之", None, 42])
def test_never_raises(odd):
    assert isinstance(extract_facts(odd, D), list)


def test_traditional_page_after_normalisation():
    from zonewatch.parsers.normalize import normalize_text
    text = normalize_text("長春經濟技術開發區去年實現地區生產總值1,050億元，同比增長5.2%。")
    fs = facts(text)
    assert [(f.subject, f.norm_value, f.measure, f.period) for f in fs] == [
        ("长春经开区", 1.05e11, "level", "2023"), ("长春经开区", 5.2, "growth_pct", "2023")]


# ------------------------------------------------------------------ round C fixes (from round B's failures)

def test_figures_of_an_event_days_before_publication_are_actual():
    pub = dt.date(2024, 5, 22)
    fs = facts("5月20日,高新区二季度重点项目集中开工活动举行,此次开工项目31个,总投资86.4亿元。", pub)
    assert [(f.norm_value, f.period, f.kind) for f in fs] == [(31, "2024-05", "actual"), (86.4e8, "2024-05", "actual")]
    # a year just begun, with no plan word, is still a target by default
    f = one("今年,汽开区地区生产总值增长6%。", dt.date(2024, 1, 20))
    assert (f.period, f.kind) == ("2024", "target")


def test_yield_after_reaching_capacity_is_a_forecast():
    f = one("该项目达产后可实现年产值45亿元。", dt.date(2024, 5, 22))
    assert (f.norm_value, f.kind, f.period) == (45e8, "forecast", None)
    f = one("去年,光电信息产业园项目建成投产后可带动就业2000人。", dt.date(2024, 5, 22))
    assert (f.norm_value, f.kind) == (2000, "forecast")


def test_done_is_a_comparison_base_only_for_plan_words():
    f = one("项目完成之后将可带动配套产值800亿元。", dt.date(2024, 5, 22))
    assert (f.kind, f.period) == ("forecast", None)
    f = one("1—5月,新区固定资产投资完成年度计划的46.2%。", dt.date(2024, 6, 12), default_subject="长春新区")
    assert (f.value, f.measure, f.kind, f.period) == (46.2, "share_pct", "actual", "2024-01..2024-05")


def test_more_growth_words():
    f = one("2023年,新区粮食总产量比上年增产3.1%。", dt.date(2024, 3, 5))
    assert (f.value, f.measure, f.period) == (3.1, "growth_pct", "2023")
    f = one("2023年,全市蔬菜产量减产1.2%。", dt.date(2024, 3, 5))
    assert (f.value, f.measure) == (-1.2, "growth_pct")
    f = one("2024年全市预期目标是:居民消费价格涨幅3%左右。", dt.date(2024, 1, 25))
    assert (f.value, f.measure, f.kind, f.qualifier) == (3, "growth_pct", "target", "about")


def test_project_of_a_dated_event_takes_the_event_month():
    pub = dt.date(2024, 6, 20)
    fs = facts("6月18日,净月高新区第二批重大项目集中签约,签约项目15个。\n"
               "此次签约项目涵盖数字经济等领域。其中,智能装备产业园项目总投资25亿元。", pub)
    assert [(f.subject, f.norm_value, f.period, f.kind) for f in fs] == [
        ("长春净月高新区", 15, "2024-06", "actual"), ("智能装备产业园项目", 25e8, "2024-06", "actual")]
    # without a reference back to the event, a project's investment has no period
    fs = facts("6月18日,净月高新区第二批重大项目集中签约,签约项目15个。\n"
               "近年来,净月高新区加快产业布局。其中,智能装备产业园项目总投资25亿元。", pub)
    assert [(f.subject, f.period) for f in fs][-1] == ("智能装备产业园项目", None)


def test_hyphenated_company_names_are_subjects():
    f = one("今年上半年,一汽-大众实现整车销量92.5万辆。")
    assert (f.subject, f.norm_value, f.period) == ("一汽-大众", 925000, "2024-H1")
    f = one("2023年,一汽—大众实现营业收入2800亿元。")
    assert (f.subject, f.period) == ("一汽-大众", "2023")
    f = one("2023年,华晨-宝马实现整车产量62万辆。")
    assert f.subject == "华晨-宝马"
    # a company in a list of members is not who the count is about
    f = one("汽开区现拥有一汽红旗、一汽-大众、一汽解放等4家主机厂。")
    assert (f.subject, f.value) == ("长春汽开区", 4)


def test_stepping_over_a_threshold_is_over():
    f = one("2023年,汽开区地区生产总值连续三年迈上千亿台阶。", dt.date(2024, 2, 1))
    assert (f.norm_value, f.qualifier) == (1e11, "over")
