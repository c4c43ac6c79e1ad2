"""Subjects: canonical region names (gold README) and organisations, found in text.

全区/我区/本区 refer to the article's own zone; a region right after 占/高于/贡献出/扣除 is the
comparison base (占全市51.7%), not the subject.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from . import catalog

SELF_WORDS = ("全区", "我区", "本区", "该区", "全区上下")
# A mention right after one of these is a comparison base, not who the number is about.
BASE_BEFORE = re.compile(r"(?:占|占到|占比|贡献出|高于|低于|超过|扣除|较|比|于|对|与|和|同|联手|支持|服务|围绕|瞄准|"
                         r"排名|排在|排|位列|位居|居|名列|跃居|跃升|升至|领跑|快于|慢于)$")
# Organisations named as <name>+suffix (富维安道拓, 长光辰芯 are not in the catalog; those with
# a company suffix are recognised).
COMPANY = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,12}?(?:集团|公司|股份|有限公司))")


# 在全国拥有生产基地60多个: the region is where, not who.
LOCATION_AFTER = re.compile(r"^(?:拥有|设有|建有|布局|开设|设立|共有|有)")
BARE_XINQU_NOT_BEFORE = set("创城级园市省郊老片该本此两各个大新区")
# An interview answer: "富晟集团董事长:…" or "汽开区管委会负责人:…" - the speaker's organisation is
# who "we" are in the answer.
SPEAKER = re.compile(r"^(?P<who>[\u4e00-\u9fffA-Za-z()（）]{2,24}?)(?:党工委|管委会|有关|相关)?"
                     r"(?:常务)?(?:副)?(?:董事长|总经理|总裁|负责人|主任|局长|书记|区长|厂长|经理|部长|院长|秘书长)"
                     r"[\u4e00-\u9fff]{0,3}\s*[:：]")
NOT_SPEAKER_ORG = re.compile(r"记者|主持人|问|答|政府|局|委|办|厅|中心|统计")


def speaker(par: str) -> str | None:
    """The organisation (canonical region, or a company as named) of an interview answer's speaker."""
    m = SPEAKER.match(par)
    if not m:
        return None
    who = m.group("who")
    regs = [r for r in find_mentions(who + "实现") if not r.is_base]
    if regs:
        return regs[0].name
    if NOT_SPEAKER_ORG.search(who) or len(who) > 14:
        return None
    return who


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str        # canonical
    zone: bool       # a development zone (can be the article's zone)
    org: bool        # an organisation rather than a region
    is_base: bool    # a comparison base (占全市…)


@cache
def _aliases() -> tuple[tuple[str, str, bool, bool], ...]:
    rows = [(a, r["name"], bool(r.get("zone")), False) for r in catalog.raw()["region"] for a in r["aliases"]]
    rows += [(a, o["name"], False, True) for o in catalog.raw()["organisation"] for a in o["aliases"]]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(a) for a, *_ in _aliases()))


@cache
def _lookup() -> dict[str, tuple[str, bool, bool]]:
    return {a: (n, z, o) for a, n, z, o in _aliases()}


# After a region: a person's title (长春市副市长李炜姝) or a superlative (我省第一个) - the
# region describes something else and is not who the number is about.
DESCRIPTOR_AFTER = re.compile(r"^(?:副?市长|副?省长|市委|省委|市政府|省政府|党工委|管委会|副?书记|副?主任|副秘书长|第一|首|唯一|最)")
# An organisation is the subject when a figure of its own follows (中国一汽今年力争实现…),
# not when its name starts a brand or subsidiary (一汽模具公司, 奥迪一汽新能源).
ORG_AFTER = re.compile(r"^(?:\d|[,，;；。、:：)）”]|$|今年|去年|全年|明年|实现|完成|力争|计划|预计|将|的|在|连续|累计|共(?!同)|已|新增|年|集团|与|和|产值|销量|营业收入|营收|利润|整车|"
                       r"前[三两二一\d]|上半年|下半年|[一二三四]季度|第[一二三四]季度|截至|近[\d一二三四五六七八九十两]|销售|交付|生产|出口|纳税)")


def _quoted(text: str) -> list[bool]:
    mask, depth = [False] * (len(text) + 1), 0
    for i, c in enumerate(text):
        if c in "“‘《「『":
            depth += 1
        elif c in "”’》」』":
            depth = max(0, depth - 1)
        mask[i] = depth > 0
    return mask


def find_mentions(text: str) -> list[Mention]:
    """Region/organisation mentions, longest alias first, left to right (quoted names,
    titles and brand names left out)."""
    out = []
    lk = _lookup()
    quoted = None
    for m in _pattern().finditer(text):
        name, zone, org = lk[m.group(0)]
        if quoted is None:
            quoted = _quoted(text)
        if quoted[m.start()]:
            continue
        after = text[m.end(): m.end() + 4]
        if DESCRIPTOR_AFTER.match(after):
            continue
        if org and not ORG_AFTER.match(after):
            continue
        if org and (after[:1] == "、" or text[m.start() - 1: m.start()] == "、"):
            continue  # 一汽红旗、一汽-大众、一汽丰越6家主机厂: a member of a list, not who the count is about
        before = text[max(0, m.start() - 3): m.start()]
        if m.group(0) == "新区" and (before[-1:] and before[-1] in BARE_XINQU_NOT_BEFORE or after[:1] in ("域", "位")):
            continue  # 创新区域, 国家级新区, 城市新区: not 长春新区
        base = bool(BASE_BEFORE.search(before)) or (before.endswith("在") and bool(LOCATION_AFTER.match(after)))
        out.append(Mention(m.start(), m.end(), name, zone, org, base))
    return out


# A company named at the head of a clause before its own figure (长光卫星今年上半年营业收入…,
# 百克生物上半年实现营收…, 长光卫星全年实现营业收入…): companies the catalog does not know. The
# name must look like a company (see `_company_like`); a product or a crop before 产量/产值
# (玉米产量, 蔬菜产量) never is one.
_HEAD_PERIOD = (r"(?:今年|去年|全年|本年|当年|年内|上半年|下半年|前三季度|[一二三四]季度|第[一二三四]季度|(?:19|20)\d{2}年|"
                r"\d{1,2}[—\-至]\d{1,2}月|前\d{1,2}个?月|前[二三四五六七八九十]{1,2}个?月|"
                r"连续[\d一二三四五六七八九十]+年|近[\d一二三四五六七八九十两]+年)")
COMPANY_HEAD = re.compile(
    r"(?:^|(?<=[,，;；。:：]))\s*(?:其中|特别是|尤其是|另外|此外|同时|而)?[,，]?\s*"
    r"(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·]{1,9}?"
    r"(?:[-–—](?=[\u4e00-\u9fffA-Za-z])[\u4e00-\u9fffA-Za-z0-9·]{1,8}?)?)"   # 一汽-大众, 华晨-宝马: hyphenated names
    r"(?=(?P<per>" + _HEAD_PERIOD + r"{0,2})(?:累计|共|已|再次|首次)?(?P<plan>计划|力争|预计|有望|将)?(?:实现|完成)?"
    r"(?P<what>营业收入|营收|主营业务收入|销售收入|净利润|利润总额|利润|纳税|交付|销售(?!额)|"
    r"销量|销售额|产值|产量|出口额|整车销量|整车产量|" + _HEAD_PERIOD + r"))")
# Figures only a company reports: any clause-head name before them is a company.
COMPANY_ONLY_FIGURE = re.compile(r"营业收入|营收|主营业务收入|销售收入|净利润|利润总额|利润|纳税|交付|销售")
NOT_COMPANY = re.compile(r"工业|产业|高端|先进|战略|新兴|传统|现代|特色|重点|主导|支柱|企业|行业|经济|项目|投资|消费|外贸|财政|税收|居民|城镇|农村|规上|规模以上|限上|社会|"
                         r"园区|服务业|制造业|品牌|地区|全区|全市|全省|全国|我区|我市|本区|开发区|新区|高新区|经开区|汽开区|"
                         r"统计|部门|政府|局|委|办|厅|院|所|中心|会|站|总|额|率|值|年|月|季|我们|记者|同比|环比|增加值|平均|人均|"
                         r"实现|完成|其中|累计|新增|全年|农业|商品|货物|进出口|零售|批发|住宿|餐饮|交通|房地产|建筑|金融|软件|"
                         r"能源|汽车|整车|零部件|新能源|数字|科技|文化|旅游|医药|医疗|电子|信息|较|比|幅|速|确保|力争|计划|预计|"
                         r"争取|全力|努力|推动|带动|拉动|占|达|将|要|在|是|为|和|与|及|的")
# The last word of a company's name (长光卫星, 百克生物, 富奥股份, 华阳光电): evidence of a company.
COMPANY_SUFFIX = re.compile(r"(?:集团|公司|股份|科技|汽车|电子|卫星|生物|光电|光学|医药|药业|制药|机械|装备|材料|智能|"
                            r"信息|软件|通信|网络|能源|电气|电器|动力|精工|实业|控股|重工|化工|新材|芯|微电子|"
                            r"半导体|航天|航空|机器人|食品|乳业|农牧|物流|传媒|数码|技术|工业|轨道|客车|交通)$")
# Company words inside a name that NOT_COMPANY would otherwise refuse (长光科技, 华润医药).
_SUFFIX_OK = re.compile(r"科技|汽车|电子|医药|能源|信息|软件|工业|交通")


def _product_nouns() -> tuple[str, ...]:
    return tuple(catalog.raw().get("product_nouns", {}).get("words", ()))


def _suffixed(name: str) -> bool:
    suffix = COMPANY_SUFFIX.search(name)
    return bool(suffix and len(name) > len(suffix.group(0))) or bool(re.search(r"[-–—]", name))


def _company_like(m: re.Match[str]) -> bool:
    """Evidence that a clause-head name is a company: a company suffix, a hyphenated name
    (一汽-大众), a figure only a company reports (营业收入, 净利润, 纳税), a sale it plans or dates
    (一汽解放今年计划销售…), or its own dated output (富维安道拓连续5年产值…) - never a product or crop
    (玉米, 蔬菜, 生猪, 钢材) before 产量/产值."""
    name, what = m.group("name"), m.group("what")
    if any(name == w or len(w) > 1 and name.endswith(w) for w in _product_nouns()):
        return False
    suffix = COMPANY_SUFFIX.search(name)
    if suffix and len(name) > len(suffix.group(0)):
        return True
    if re.search(r"[-–—]", name):
        return True
    if len(name) > 6:
        return False  # 服务重点车型上市销售: a phrase, not a name
    if what == "销售":
        return bool(m.group("per") or m.group("plan"))
    if COMPANY_ONLY_FIGURE.fullmatch(what):
        return True
    return bool(m.group("per")) and what in ("产值", "产量", "销量", "销售额", "出口额", "整车销量", "整车产量")


GENERIC_COMPANY = re.compile(r"(?:本|该|我们|我|这家)?(?:集团|公司|企业|厂)")


def find_companies(text: str) -> list[Mention]:
    """Companies the catalog does not know, named at a clause head before their own figure."""
    out = []
    regs = None
    for m in COMPANY_HEAD.finditer(text):
        name = m.group("name")
        if len(name) < 2 or GENERIC_COMPANY.fullmatch(name):
            continue
        stem = name[:-2] if _SUFFIX_OK.fullmatch(name[-2:]) else name   # 长光科技: 科技 is the suffix
        if len(stem) < 2:
            continue
        # a name with a company suffix may hold single characters such as 达, 为 (吉达客车); a bare
        # name may not (…增速达, 全区为)
        words = [w.group(0) for w in NOT_COMPANY.finditer(stem)]
        if words and (not _suffixed(name) or any(len(w) > 1 for w in words)):
            continue
        if not _company_like(m):
            continue
        if regs is None:
            regs = find_mentions(text)
        if any(r.start < m.end("name") and m.start("name") < r.end for r in regs):
            continue  # a region or a known organisation
        out.append(Mention(m.start("name"), m.end("name"), name, False, True, False))
    return out


def find_self(text: str) -> list[int]:
    """Offsets of 全区/我区 … (the article's own zone)."""
    return [m.start() for m in re.finditer("|".join(SELF_WORDS), text)]


def article_zone(text: str, default_subject: str | None = None) -> str | None:
    """The zone an article is about: the caller's default, else the zone named most often
    (ties: the one named first)."""
    if default_subject:
        return canonical(default_subject) or default_subject
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in find_mentions(text):
        if m.zone:
            counts[m.name] += 1
            first.setdefault(m.name, m.start)
    if not counts:
        # no zone named: the region named most often (a city's or a province's report)
        for m in find_mentions(text):
            if not m.org and not m.is_base and m.name != "中国":
                counts[m.name] += 1
                first.setdefault(m.name, m.start)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


def canonical(name: str) -> str | None:
    """Canonical name for an alias (汽开区 -> 长春汽开区), None if unknown."""
    hit = _lookup().get(name)
    if hit:
        return hit[0]
    ms = find_mentions(name)
    return ms[0].name if ms and ms[0].end - ms[0].start == len(name) else None
