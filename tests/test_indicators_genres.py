"""Traps of issue 5 the first version missed, on invented sentences of other genres; every
expected value is worked out by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from zonewatch.parsers.indicators import extract_facts
from zonewatch.parsers.indicators.catalog import canonical, jieba_terms
from zonewatch.parsers.indicators.periods import scan
from zonewatch.parsers.normalize import normalize_text

D = dt.date(2024, 8, 15)


def facts(text: str, published: dt.date | None = D, **kw):
    return [f.to_json() for f in extract_facts(text, published, **kw)]


def find(fs, value):
    hits = [f for f in fs if abs(f["norm_value"] - value) <= 1e-6 * max(1.0, abs(value))]
    assert len(hits) == 1, (value, fs)
    return hits[0]


# ------------------------------------------------------------------ periods

@pytest.mark.parametrize("text, value", [
    ("前10个月", "2023-01..2023-10"),   # October has not come yet in an August text: last year's
    ("前7个月", "2024-01..2024-07"), ("七月份", "2024-07"), ("二〇二一年", "2021"), ("下半年", "2024-H2"),
    ("1至7月", "2024-01..2024-07"), ("十四五以来", "2021..2024"), ("十五五", "2026..2030"),
])
def test_more_periods(text, value):
    assert [p.value for p in scan(text, D)] == [value]


def test_comparison_with_months_is_not_a_period():
    assert scan("降幅比1—7月收窄", D) == []


def test_title_year_frames_a_bulletin():
    text = ("长春新区2023年国民经济和社会发展统计公报\n一、综合\n全年地区生产总值完成500亿元,增长6%。\n"
            "年末全区拥有高新技术企业800户。\n11月份,社会消费品零售总额20亿元。")
    fs = facts(text, dt.date(2024, 3, 1))
    assert find(fs, 500e8)["period"] == "2023" and find(fs, 6)["period"] == "2023"
    assert find(fs, 800)["period"] == "2023"
    assert find(fs, 20e8)["period"] == "2023-11"


def test_annual_average_is_over_the_span():
    f = find(facts("全区地区生产总值由2019年的512亿元增加到2024年的801亿元,年均增长7.3%。", dt.date(2025, 1, 10)), 7.3)
    assert f["period"] == "2020..2024" and f["measure"] == "growth_pct"


def test_cumulative_after_a_leading_span_keeps_it():
    f = find(facts("五年来,固定资产投资累计完成2260亿元。", dt.date(2025, 1, 10)), 2260e8)
    assert f["period"] == "2020..2024"


def test_event_date_dates_the_event_figures():
    fs = facts("8月29日,净月高新区2024年下半年重大项目集中开工仪式举行,此次集中开工项目共28个,总投资186.5亿元。")
    assert find(fs, 28)["period"] == "2024-08" and find(fs, 186.5e8)["period"] == "2024-08"


def test_as_of_month_end_then_this_year_is_the_year_so_far():
    f = find(facts("截至11月底,经开区今年已开行中欧班列186列。", dt.date(2024, 12, 5)), 186)
    assert f["period"] == "2024-01..2024-11"


def test_as_of_month_end_for_a_stock_is_that_month():
    f = find(facts("截至6月末,全区国家高新技术企业总数达到1500家。", dt.date(2024, 7, 15)), 1500)
    assert f["period"] == "2024-06"


# ------------------------------------------------------------------ numbers, units, measures

def test_tenths_are_percentages():
    fs = facts("一季度,长春新区工业投资占比达到四成;长光卫星营业收入同比增长约三成。", dt.date(2024, 4, 10))
    share, growth = find(fs, 40), find(fs, 30)
    assert share["measure"] == "share_pct" and share["period"] == "2024-Q1"
    assert growth["measure"] == "growth_pct" and growth["qualifier"] == "about" and growth["subject"] == "长光卫星"


def test_words_with_cheng_are_not_percentages():
    assert facts("三成立了工作专班,五成为示范项目。") == []


def test_billion_before_a_word_is_money_not_a_counter():
    f = find(facts("2023年汽开区地区生产总值迈上千亿台阶。", dt.date(2024, 1, 5)), 1000e8)
    assert f["unit"] == "亿元" and f["measure"] == "level"


def test_trillion_and_usd():
    fs = facts("2024年全省地区生产总值达到1.44万亿元;实际使用外资不到6亿美元。", dt.date(2025, 2, 8))
    assert find(fs, 1.44e12)["norm_unit"] == "CNY"
    usd = find(fs, 6e8)
    assert usd["norm_unit"] == "USD" and usd["qualifier"] == "under"


def test_at_least_is_over():
    f = find(facts("二季度将力争新开工项目不少于60个。", dt.date(2024, 4, 10)), 60)
    assert f["qualifier"] == "over" and f["kind"] == "target" and f["period"] == "2024-Q2"


def test_narrowed_decline_is_a_positive_pp_change():
    fs = facts("前三季度,全区固定资产投资下降3.5%,降幅较上半年收窄2.1个百分点。", dt.date(2023, 11, 2))
    assert find(fs, -3.5)["measure"] == "growth_pct"
    pp = find(fs, 2.1)
    assert pp["measure"] == "pp_diff" and pp["period"] == "2023-01..2023-09"


def test_rank_period_comes_from_its_own_sentence_only():
    text = "前三季度,汽开区地区生产总值增长6.9%。\n在全国经开区考核评价中,长春汽开区位列第31位,较上年提升8位。"
    fs = facts(text, dt.date(2023, 11, 2))
    rank = find(fs, 31)
    assert rank["measure"] == "rank" and rank["period"] is None and rank["subject"] == "长春汽开区"
    assert find(fs, 8)["period"] is None


def test_rank_of_a_city_is_the_city_not_the_universe():
    fs = facts("2025年,全市一般公共预算收入完成560亿元,总量排名全省第1;营商环境评价位列全国第18位。",
               dt.date(2026, 1, 20))
    assert find(fs, 1)["subject"] == "长春市" and find(fs, 18)["subject"] == "长春市"
    assert find(fs, 18)["measure"] == "rank"


# ------------------------------------------------------------------ kinds

def test_expected_targets_and_will_do_are_targets():
    fs = facts("2025年,全省地区生产总值预期增长5%左右。下半年,我们还将推动不少于40个项目开工。", dt.date(2025, 2, 8))
    assert find(fs, 5)["kind"] == "target"
    assert find(fs, 40)["kind"] == "target"


def test_will_possibly_is_a_forecast():
    f = find(facts("项目建成后将可带动300亿元产业链。"), 300e8)
    assert f["kind"] == "forecast"


# ------------------------------------------------------------------ subjects

def test_unknown_company_at_a_clause_head_is_the_subject():
    fs = facts("长光卫星今年上半年营业收入突破10亿元。百克生物上半年实现营收8.6亿元。全区上半年新增企业120户。",
               dt.date(2023, 7, 12), default_subject="长春高新区")
    assert find(fs, 10e8)["subject"] == "长光卫星" and find(fs, 10e8)["qualifier"] == "over"
    assert find(fs, 8.6e8)["subject"] == "百克生物"
    assert find(fs, 120)["subject"] == "长春高新区"


def test_a_generic_head_is_not_a_company():
    fs = facts("汽车零部件产业产值达到120亿元。", dt.date(2023, 7, 12), default_subject="长春高新区")
    assert find(fs, 120e8)["subject"] == "长春高新区"


def test_named_project_is_its_own_subject_without_a_period():
    text = "1—7月,全区完成投资增长16.8%。\n其中,华为数字产业园项目总投资50亿元,占地约20公顷,投产后预计年产值可达30亿元。"
    fs = facts(text, dt.date(2022, 8, 30))
    for v in (50e8, 30e8):
        assert find(fs, v)["subject"] == "华为数字产业园项目" and find(fs, v)["period"] is None
    assert find(fs, 30e8)["kind"] == "forecast"


def test_comparison_base_is_not_the_subject():
    f = find(facts("上半年,长春高新区地区生产总值同比增长7.6%,增速高于全市2.3个百分点。", dt.date(2023, 7, 12)), 2.3)
    assert f["subject"] == "长春高新区" and f["measure"] == "pp_diff"


# ------------------------------------------------------------------ quotes, furniture

def test_numbers_in_quoted_speech_are_facts_but_quoted_names_are_not():
    fs = facts("“下半年,我们将确保全年固定资产投资完成300亿元。”净月高新区负责人说。围绕“4+2”产业体系和“3转4强7新”。",
               dt.date(2022, 8, 30))
    assert [f["norm_value"] for f in fs] == [300e8]
    assert fs[0]["kind"] == "target" and fs[0]["period"] == "2022"


def test_hot_list_and_editor_lines_are_furniture():
    text = ("1至10月,经开区进出口总额完成36.8亿元。\n【责任编辑:张明】\n相关阅读\n"
            "1 长春经开区召开2024年第四季度安全生产会议\n2 经开区:12个重点项目集中签约\n3 3大举措助力企业出海")
    fs = facts(text, dt.date(2024, 12, 5))
    assert [f["norm_value"] for f in fs] == [36.8e8]


# ------------------------------------------------------------------ traditional characters and pinyin

def test_traditional_page_after_normalisation():
    raw = "今年前三季度,長春汽開區實現地區生產總值812.6億元,同比增長6.9%。中國一汽前三季度累計銷售整車約230萬輛。"
    fs = facts(normalize_text(raw), dt.date(2023, 11, 2))
    gdp = find(fs, 812.6e8)
    assert gdp["subject"] == "长春汽开区" and gdp["period"] == "2023-01..2023-09"
    cars = find(fs, 2.3e6)
    assert cars["subject"] == "中国一汽" and cars["norm_unit"] == "vehicle" and cars["qualifier"] == "about"


def test_pinyin_annotations_after_normalisation():
    raw = "一季度,长(cháng)春新区地区生产总值完成198.3亿元,同比增(zēng)长7.2%。"
    fs = facts(normalize_text(raw), dt.date(2024, 4, 10))
    assert find(fs, 198.3e8)["subject"] == "长春新区" and find(fs, 7.2)["measure"] == "growth_pct"


# ------------------------------------------------------------------ catalog

def test_canonical_indicator_names_come_from_the_catalog():
    assert canonical("GDP") == "地区生产总值" and canonical("生产总值") == "地区生产总值"
    assert canonical("规模以上工业总产值") == "规上工业总产值"
    assert canonical("地区生产总值占全市比重") is None
    f = find(facts("2023年,汽开区GDP完成1142.4亿元。", dt.date(2024, 3, 1)), 1142.4e8)
    assert f["indicator_canonical"] == "地区生产总值"


def test_jieba_terms():
    terms = dict(jieba_terms())
    assert terms["长春汽开区"] == "ns" and terms["汽开区"] == "ns"
    assert terms["地区生产总值"] == "n" and terms["规上工业总产值"] == "n"
    assert terms["中国一汽"] == "nt"
    assert all(len(w) >= 2 for w in terms)


# ------------------------------------------------------------------ robustness and speed

@pytest.mark.parametrize("junk", ["", "   ", "%%%", "第第第", "1:2:3:4", "“" * 50, "亿" * 300, "12345678901234567890亿元",
                                  "由" + "、".join(["3%"] * 200), "\x00\ufffd", "截至月底今年", "前个月"])
def test_never_raises(junk):
    assert isinstance(extract_facts(junk, D), list)
    assert isinstance(extract_facts(junk, None), list)


# ------------------------------------------------------------------ round-C failure classes (invented sentences)

def test_crops_and_products_before_output_are_not_companies():
    text = ("全年粮食总产量31.4万吨,比上年增产2.2%。其中,水稻产量4.6万吨,增产1.3%;马铃薯产量0.9万吨,减产3.1%。"
            "蔬菜全年产量6.8万吨。生猪出栏12.5万头。")
    fs = facts(text, dt.date(2025, 3, 20), default_subject="长春新区")
    for v in (31.4e4, 4.6e4, 1.3, 0.9e4, -3.1, 6.8e4, 12.5e4):
        assert find(fs, v)["subject"] == "长春新区", v
    assert find(fs, 4.6e4)["indicator"] == "水稻产量"
    assert find(fs, 12.5e4)["measure"] == "count"


def test_an_industry_phrase_with_a_company_suffix_word_is_not_a_company():
    fs = facts("高端装备全年产值突破150亿元。", dt.date(2025, 1, 20), default_subject="长春经开区")
    assert find(fs, 150e8)["subject"] == "长春经开区"


def test_company_figure_with_a_period_between_name_and_verb():
    fs = facts("长光辰星全年实现营业收入9.4亿元,增长21%。华阳光电今年上半年实现营收3.2亿元。"
               "吉达客车今年计划销售新能源客车1800台。全区规上工业总产值增长7%。",
               dt.date(2024, 12, 30), default_subject="长春高新区")
    assert find(fs, 9.4e8)["subject"] == "长光辰星" and find(fs, 21)["subject"] == "长光辰星"
    assert find(fs, 3.2e8)["subject"] == "华阳光电"
    assert find(fs, 1800)["subject"] == "吉达客车" and find(fs, 1800)["kind"] == "target"
    assert find(fs, 7)["subject"] == "长春高新区"


def test_a_long_phrase_before_a_sale_is_not_a_company():
    fs = facts("服务重点车型上市销售,对86个亿元以上项目落实包保。", dt.date(2024, 3, 1), default_subject="长春汽开区")
    assert find(fs, 86)["subject"] == "长春汽开区"


def test_forecast_runs_on_to_the_bare_clauses_of_its_sentence():
    fs = facts("预计全年规上工业总产值将突破2100亿元,增长7%左右,连续两年保持两位数以上增长。", dt.date(2025, 7, 20))
    assert find(fs, 2100e8)["kind"] == "forecast"
    assert find(fs, 7)["kind"] == "forecast" and find(fs, 7)["qualifier"] == "about"


def test_a_heading_target_governs_its_list_of_indicators():
    fs = facts("下半年,力争固定资产投资增长9%,社会消费品零售总额增长6%。", dt.date(2025, 7, 20))
    assert find(fs, 9)["kind"] == "target" and find(fs, 6)["kind"] == "target"


def test_a_forecast_after_its_indicator_does_not_reach_other_indicators():
    fs = facts("前10个月,全区地区生产总值预计增长6.2%,软件业务收入达到88亿元,同比增长15.5%;"
               "实际利用外资下降3%。", dt.date(2024, 11, 25))
    assert find(fs, 6.2)["kind"] == "forecast"
    assert find(fs, 88e8)["kind"] == "actual" and find(fs, 15.5)["kind"] == "actual"
    assert find(fs, -3)["kind"] == "actual"


def test_a_forecast_bound_to_a_comparison_base_does_not_carry():
    fs = facts("去年,全区规上工业总产值增速由预计的3%提高到8.1%,高于全市4个百分点。", dt.date(2025, 2, 10))
    assert find(fs, 8.1)["kind"] == "actual" and find(fs, 4)["kind"] == "actual"


def test_an_explicit_leading_period_frames_a_running_total():
    fs = facts("今年1—9月,吉达客车累计实现销量3200台,同比增长11%。", dt.date(2025, 10, 15))
    assert find(fs, 3200)["period"] == "2025-01..2025-09"
    assert find(fs, 3200)["subject"] == "吉达客车"


def test_a_stock_after_the_period_figures_keeps_no_period():
    fs = facts("1—9月,全区新增市场主体2800户,累计达到4.6万户。", dt.date(2025, 10, 15))
    assert find(fs, 2800)["period"] == "2025-01..2025-09"
    assert find(fs, 4.6e4)["period"] is None


def test_a_headline_event_figure_takes_the_event_month():
    text = ("经开区冬季项目集中开工 28个项目总投资96亿元\n"
            "11月18日,长春经开区冬季重大项目集中开工仪式举行,此次集中开工项目28个,总投资96亿元。")
    fs = facts(text, dt.date(2024, 11, 19))
    assert {f["period"] for f in fs if f["norm_value"] in (28, 96e8)} == {"2024-11"}
    assert len([f for f in fs if f["norm_value"] == 28]) == 2
