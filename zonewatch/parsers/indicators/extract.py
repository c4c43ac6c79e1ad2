"""The pipeline: paragraphs -> sentences -> clauses -> number+unit mentions -> Facts.

Each step is a small function; the state carried between sentences (the period in force, the
paragraph's subject, the last project named) lives in `_State`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import catalog, kinds, periods, qualifiers, regions
from .fact import Fact
from .numbers import NUMBER, parse_arabic, parse_chinese, parse_fraction, split_multiplier
from .units import Unit, match_unit, unit_table


def unit_for_multiplier(mult: str) -> Unit | None:
    """亿 / 万亿 alone: money in economic news."""
    return unit_table().get(mult) if mult in ("亿", "万亿") else None

SENTENCE_END = re.compile(r"[。！？!?]+")
CLAUSE_SEP = re.compile(r"[,，;；:：]")
QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "【": "】"}
# A small Chinese numeral with a counter is rhetoric (四个意识, 六个回归, 四个方面) unless a verb
# of counting comes right before it (新增三家, 建成两座).
COUNT_VERBS = re.compile(r"(?:新增|引进|建成|新建|签约|落地|开工|竣工|获批|达到|达|共|累计|完成|实施|培育|认定|入选|增加|举办|开展)$")
GENERIC_AFTER = ("方面", "层面", "环节", "维度", "阶段", "步骤", "领域")

# Words a clause may start with before its leading period (特别是去年, 其中2021年).
LEAD_WORDS = re.compile(r"^[“‘\"《(（\s]*(?:特别是|尤其是|其中|在|截至|截止|而|但|同时|自|从|仅|单|今|另外|此外|与此同时|据统计|初步核算|经初步核算|数据显示)?[“‘\"(（\s]*$")
# A short subject before a leading period (长光卫星今年上半年…, 全区2023年…) still lets it frame the clause.
LEAD_SUBJECT = re.compile(r"^[“‘\"]?[\u4e00-\u9fffA-Za-z]{1,8}$")
LEAD_VERBS = re.compile(r"计划|预计|力争|争取|拟|将|表彰|召开|举办|举行|实施|完成|实现|开展|总结|部署|印发|发布|出台|启动|编制|回顾|谋划|推进|达到|增长|下降|为|是|在|的")
# A figure stated as a present state or a running total has no period (累计, 目前, 现有).
PRESENT = re.compile(r"累计|目前|现有|现拥有|拥有|已经|已|截至目前|至今|最新|总数|总量达")
# Two-character words that start with a counter and are not a count (所有, 台阶, 名称 …).
NOT_UNIT_WORDS = ("所以", "所有", "所属", "台阶", "名称", "名单", "名义", "名列", "名牌", "场所", "场景", "场地",
                  "批准", "批复", "种类", "处理", "处置", "处于", "列入", "列为", "位于", "位置", "位列", "位居",
                  "人民", "人才", "项目", "件事", "家庭", "家乡", "个人", "条件", "条例", "户籍", "台湾", "套餐",
                  "款项", "座谈", "个月", "个工", "头部", "头雁", "只有", "只是", "只要", "只能")
# After a money/area amount: 以上/以下 + a noun makes it a class (5000万元以上项目), not a fact.
THRESHOLD_AFTER = re.compile(r"^(?:(?:以上|以下|及以上|规模以上)(?=[\u4e00-\u9fff])|(?:级|量级)?(?:企业|项目|工程|大项目|产业集群|园区))")
RANK_BEFORE = re.compile(r"(?:居|位列|列|排名|排|名列|位居|跃居|升至|跃升至|位于|保持|稳居)[^,，;；。]{0,12}$")
# 增产2.3%, 涨幅3%, 减产1.5%, 跌幅2%: rates of change too.
GROWTH_WORDS = re.compile(r"增长率|增长|增速|增幅|下降|下滑|回落|减少|降低|上涨|上升|增加|同比|环比|负增长|"
                          r"增产|减产|增收|减收|涨幅|跌幅|降幅|上扬|下跌")
SHARE_WORDS = re.compile(r"占比|比重|占到|占|份额|覆盖率|满意度|贡献率|率|比例")
NEGATIVE_WORDS = re.compile(r"(?:下降|下滑|回落|减少|降低|负增长|低于|收窄|降|减产|减收|跌幅|降幅|下跌)(?:了|为|达|是)?$")
RAISE_WORDS = re.compile(r"提高|提升|增加|扩大|高于|拉动")
PP_DOWN = ("低于", "慢于", "回落", "下降", "下滑", "降低", "减少", "放缓")
PP_DIRECTION = re.compile(r"高于|快于|提高|加快|上升|增加|提升|扩大|收窄|低于|慢于|回落|下降|下滑|降低|减少|放缓")
MULTIPLE_WORDS = re.compile(r"翻(一|两|二|三)?番")
RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)")
RATIO_CONTEXT = re.compile(r"结构|比例|之比|产业比")
# Words stripped off the end of the phrase before a number to get the indicator's name.
TAIL_WORDS = re.compile(
    r"(?:超过|超出|突破|逾|超|约为|约|大约|将近|接近|近|达到了|达到|达|完成了|完成|实现了|实现|为|是|共计|共|总计|合计|"
    r"分别|了|的|到|至|提高到|提高|提升到|提升|高于|低于|占到|稳占|占|贡献出|稳定在|保持在|增长|下降|回落|"
    r"增速|增幅|同比|环比|年均|平均|由|预计|有望|力争|计划|确保|争取|突破了|超过了|全年|今年|去年|当年|累计|达成|"
    r"已经|已|以|上|拉动|约合)$")
HEAD_CUT = re.compile(r"[、和及与对在把将向为让由从]|全区|我区|本区|特别是|其中|尤其是")
FOLLOW = re.compile(
    r"^([^\s,，;；。、:：()（）]{1,18}?)(?=[,，;；。、:：()（）]|和[\d一二三四五六七八九十]|全部|全面|加快|尽快|加速|陆续|相继|正式|实现|落实|授予|"
    r"依次|参加|出席|建设|开工|竣工|投产|落位|在|已|被|获|达到|完成|顺利|成功|入选|的|集中|同步|开展|$)")


@dataclass
class Mention:
    start: int            # offset of the number in the sentence
    end: int              # offset after the unit (and 以上/左右)
    value: float
    unit: Unit
    inner: str            # 余 / 多 between number and unit
    after: str            # text right after the unit
    rank: bool = False
    series: bool = False


@dataclass
class _State:
    published: dt.date | None
    zone: str | None
    doc_period: str | None = None
    title_period: str | None = None
    para_span: str | None = None
    para_period: str | None = None
    para_subject: str | None = None
    project: str | None = None
    sentence_project: str | None = None
    event_month: str | None = None        # the month of the last dated event (3月11日,…签约仪式举行)
    para_event_month: str | None = None   # set in a paragraph that refers back to it (此次签约项目…)
    facts: list[Fact] = field(default_factory=list)


# ---------------------------------------------------------------- splitting

def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


FURNITURE_HEAD = re.compile(r"^(?:相关阅读|相关新闻|相关链接|相关报道|热门排行|热点推荐|推荐阅读|延伸阅读|猜你喜欢|最新新闻|最新资讯|"
                            r"排行榜|热门文章|热门新闻|热点新闻|24小时热点|精彩推荐|图片新闻|往期回顾|更多新闻)\s*[:：]?$")
FURNITURE_LINE = re.compile(r"^(?:[【\[(（]?(?:责任编辑|责编|编辑|审核|校对|来源|作者|记者|通讯员|字号)[:：]|"
                            r"\d{1,2}[.、\s]\s*[^\d\s%]|分享到|分享让更多人看到|返回顶部|打印本页|关闭窗口|扫一扫|上一篇|下一篇)")


def is_chrome(par: str) -> bool:
    """Page furniture: list items of 'hot' links, numbered headline lists, editor lines,
    truncated titles."""
    if par.startswith(("- ", "-", "·", "•")) or par.endswith(("...", "…")) or len(par) < 4:
        return True
    return bool(FURNITURE_LINE.match(par)) and len(par) < 60 and not SENTENCE_END.search(par[:-1])


def is_heading(par: str) -> bool:
    """A question of an interview or a numbered section title: the period context resets."""
    return par.endswith(("?", "？")) or bool(re.match(r"^[一二三四五六七八九十]+、", par))


def sentences(par: str) -> list[str]:
    out, last = [], 0
    for m in SENTENCE_END.finditer(par):
        out.append(par[last: m.end()])
        last = m.end()
    if last < len(par):
        out.append(par[last:])
    return [s for s in out if s.strip()]


def clauses(sent: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence; separators outside quotes only."""
    quoted = quoted_mask(sent)
    out, last = [], 0
    for m in CLAUSE_SEP.finditer(sent):
        if quoted[m.start()]:
            continue
        out.append((last, m.start()))
        last = m.end()
    out.append((last, len(sent)))
    return out


SPEECH = re.compile(r"[,，;；。！？!?]")


def quoted_mask(s: str) -> list[bool]:
    """True for characters inside “…”, 《…》 and the like (names, slogans: 3转4强7新). A quote
    that holds a clause of speech (“下半年，我们将力争…”) is not a name: its numbers count."""
    mask, stack, starts = [False] * (len(s) + 1), [], []
    for i, c in enumerate(s):
        if stack and c == stack[-1]:
            stack.pop()
            a = starts.pop()
            mask[i] = True
            if c in "”’」』" and not stack and _is_speech(s[a + 1: i]):
                for k in range(a, i + 1):
                    mask[k] = False
            continue
        if c in QUOTES:
            stack.append(QUOTES[c])
            starts.append(i)
        mask[i] = bool(stack)
    if stack:  # an unclosed quote: a speech running to the end of the sentence
        a = starts[0]
        if _is_speech(s[a + 1:]):
            for k in range(a, len(s) + 1):
                mask[k] = False
    return mask


def _is_speech(inner: str) -> bool:
    return len(inner) > 16 or bool(SPEECH.search(inner)) and len(inner) > 6


def clause_of(cls: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in cls:
        if a <= pos <= b:
            return a, b
    return cls[-1]


# ---------------------------------------------------------------- numbers with units

def find_mentions(sent: str) -> list[Mention]:
    """Number+unit mentions in a sentence, with the not-facts (names, dates, phone numbers,
    thresholds, ordinals, quoted slogans) left out."""
    quoted = quoted_mask(sent)
    out: list[Mention] = []
    skip_until = -1
    for r in RATIO.finditer(sent):
        if _ratio_context(sent, r.start()):
            skip_until = max(skip_until, r.end())
    for m in NUMBER.finditer(sent):
        s, e = m.start(), m.end()
        if s < skip_until or quoted[s]:
            continue
        prev = sent[s - 1] if s else ""
        if prev.isascii() and (prev.isalnum() or prev in "-./+#_~"):
            continue  # J7, 0431-82902222, 1+3+N, v2.0
        if m.group("frac"):
            v = parse_fraction(m.group("frac"))
            if v is None:
                continue
            out.append(Mention(s, e, round(v, 2), Unit("%", "%", 1.0, "pct"), "", sent[e: e + 6]))
            continue
        prefix = ""
        if m.group("ar"):
            v = parse_arabic(m.group("ar"))
        else:
            core, prefix = split_multiplier(m.group("cn"))
            v = parse_chinese(core)
            if v is not None and v == 1 and not prefix and prev != "第":
                continue  # 一家, 一个: an article, not a count
        if v is None:
            continue
        if e < len(sent) and sent[e].isascii() and sent[e].isalpha():
            continue  # 5G, 3D
        if prev == "第":
            mention = _rank(sent, s, e, v)
            if mention:
                out.append(mention)
            continue
        pos, inner = e, ""
        if sent[pos: pos + 1] in ("多", "余"):
            inner, pos = sent[pos], pos + 1
        um = match_unit(sent, pos, prefix)
        if um is None:
            continue
        unit, uend = um
        word2 = sent[uend - 1: uend + 1] if unit.family == "count" else ""
        if word2 in NOT_UNIT_WORDS:
            if len(unit.text) == 1 or not prefix and unit.text[0] not in "万亿":
                continue
            # 千亿台阶, 万亿大关: the multiplier alone is the unit (money), the counter is a word
            um2 = (unit_for_multiplier(unit.text[:-1]), uend - 1)
            if um2[0] is None:
                continue
            unit, uend = um2
        if unit.family == "count" and sent[uend: uend + 2] in GENERIC_AFTER:
            continue  # 以下四个方面
        if (m.group("cn") and unit.family == "count" and v < 10
                and not COUNT_VERBS.search(sent[max(0, s - 3): s])):
            continue
        after = sent[uend: uend + 12]
        if after.startswith(("级", "强", "号", "届")):
            continue  # 万亿级, 500强
        if unit.family in ("money", "area", "weight", "power") and THRESHOLD_AFTER.match(after):
            continue  # 5000万元以上项目: a class
        if unit.family == "count" and unit.text == "个" and after.startswith(("月", "工作日", "小时", "季度", "年")):
            continue
        end = uend
        tail = re.match(r"^(?:以上|以下|左右|上下|以内|之多)", after)
        if tail:
            end += tail.end()
        out.append(Mention(s, end, v, unit, inner, after))
    return out


def _rank(sent: str, s: int, e: int, v: float) -> Mention | None:
    """第27位, 排名第2, 位居第一: a rank; any other 第N is an ordinal, not a fact."""
    after = sent[e: e + 1]
    before = sent[: s - 1]
    if after in ("位", "名") or (RANK_BEFORE.search(before) and not re.match(r"[个条家项批次届年季号]", after)):
        u = Unit("位", "rank", 1.0, "rank")
        end = e + (1 if after in ("位", "名") else 0)
        return Mention(s - 1, end, v, u, "", sent[end: end + 12], rank=True)
    return None


HALF = re.compile(r"占[^,，;；。]{0,8}?(?P<q>近|超过|约|不到)?(?P<h>一半|半数)")


def find_halves(sent: str) -> list[Mention]:
    """占全市近一半: a share of 50%."""
    return [Mention(m.start("h"), m.end("h"), 50.0, Unit("%", "%", 1.0, "pct"), "", sent[m.end(): m.end() + 6])
            for m in HALF.finditer(sent)]


TENTHS = re.compile(r"(?P<pre>占比?|占到|达到?|超过|超|逾|约|近|将近|接近|增长|下降|提高|提升|减少)(?:了|约|近|超过)?"
                    r"(?P<n>[一二两三四五六七八九])成(?P<post>以上|左右|多)?(?![为立员果功效本交熟长都了就])")


FIRST_PLACE = re.compile(r"(?:居|位居|位列|稳居|跃居|列|排名|排在|保持|名列|位于|处于)[^,，;；。]{0,14}?(?P<w>首位|榜首)")


def find_first_places(sent: str) -> list[Mention]:
    """位居全省开发区首位, 稳居榜首: rank 1."""
    return [Mention(m.start("w"), m.end("w"), 1.0, Unit("位", "rank", 1.0, "rank"), "", sent[m.end(): m.end() + 12], rank=True)
            for m in FIRST_PLACE.finditer(sent)]


def find_tenths(sent: str) -> list[Mention]:
    """占比达到四成, 增长约三成: N成 = N×10%."""
    out = []
    for m in TENTHS.finditer(sent):
        v = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}[m.group("n")]
        end = m.end()
        out.append(Mention(m.start("n"), end, float(v * 10), Unit("%", "%", 1.0, "pct"), "", sent[end: end + 6]))
    return out


def find_multiples(sent: str) -> list[Mention]:
    """翻番 / 翻一番 = 2x, 翻两番 = 4x, 翻三番 = 8x."""
    out = []
    for m in MULTIPLE_WORDS.finditer(sent):
        n = {"": 1, None: 1, "一": 1, "两": 2, "二": 2, "三": 3}[m.group(1)]
        out.append(Mention(m.start(), m.end(), float(2 ** n), Unit("倍", "x", 1.0, "multiple"), "", sent[m.end(): m.end() + 12]))
    return out


def find_ratios(sent: str) -> list[tuple[int, int, list[float]]]:
    """1.2:55.3:43.5 after 结构/比例: three shares."""
    out = []
    for r in RATIO.finditer(sent):
        if _ratio_context(sent, r.start()):
            out.append((r.start(), r.end(), [float(x) for x in r.groups()]))
    return out


def _ratio_context(sent: str, pos: int) -> bool:
    """结构/比例 earlier in the same clause (三次产业结构由上年的…调整为1:2:3) or just before."""
    start = max((x.end() for x in re.finditer(r"[,，;；]", sent[:pos])), default=0)  # the ratio's own colons do not count
    return bool(RATIO_CONTEXT.search(sent[max(start, pos - 40): pos]))


# ---------------------------------------------------------------- attributes

def measure_of(m: Mention, before: str) -> tuple[str, float]:
    """(measure, signed value) of a mention given the clause text before it."""
    fam = m.unit.family
    if m.rank:
        return "rank", m.value
    if fam == "multiple":
        return "multiple", m.value
    if fam == "pp":
        neg = bool(NEGATIVE_WORDS.search(before[-6:].rstrip("近约超逾")))
        cmp_words = list(PP_DIRECTION.finditer(before))
        if not neg and cmp_words and cmp_words[-1].group(0) in PP_DOWN:
            neg = True
        return "pp_diff", -m.value if neg else m.value
    if fam == "pct":
        g = [x.end() for x in GROWTH_WORDS.finditer(before)]
        sh = [x.end() for x in SHARE_WORDS.finditer(before)]
        growth = bool(g) and (not sh or g[-1] >= sh[-1])
        if not growth and RAISE_WORDS.search(before[-6:]) and re.search("增速|增幅|增长", before):
            growth = True
        if growth:
            neg = bool(NEGATIVE_WORDS.search(re.sub(r"(?:了|为|约|近|超过|超)$", "", before[-5:])))
            if before.rstrip().endswith("-"):
                neg = True
            return "growth_pct", -m.value if neg else m.value
        return "share_pct", m.value
    if fam == "count":
        return "count", m.value
    return "level", m.value


def indicator_of(before: str, m: Mention, previous: str | None) -> str:
    """The indicator's name: a noun phrase after a count (13个项目), else the phrase before the
    number with verbs and qualifiers stripped, mapped to the catalog's canonical name."""
    if m.unit.family in ("count", "area", "vehicle") and not m.rank:
        f = FOLLOW.match(m.after)
        if f and not re.match(r"^[的地得了]", m.after):
            name = _clean(f.group(1))
            if name and (not re.search(r"\d", name) or re.match(r"^[\d.]+[万亿]?元(?:以上|以下)", name)) and not re.fullmatch(r"以上|以下|左右|多|余", name):
                return name
    phrase = re.split(r"[\d.]+(?:%|[\u4e00-\u9fff]{0,2}?(?:元|个|项|家|户|人|辆|米))(?!以上|以下)", before)[-1]
    for _ in range(3):
        phrase = TAIL_WORDS.sub("", phrase.rstrip())
    cut = max((x.end() for x in HEAD_CUT.finditer(phrase)), default=0)
    phrase = phrase[cut:]
    for _ in range(4):
        phrase = TAIL_WORDS.sub("", phrase.rstrip())
    for p in periods.PATTERN.finditer(phrase):
        phrase = phrase.replace(p.group(0), "")
    for r in regions.find_mentions(phrase):
        phrase = phrase.replace(phrase[r.start: r.end], "", 1) if r.start == 0 else phrase
    phrase = _clean(re.sub(r"^(?:更|也|还|又|均|都|将|更是|仍|再)+", "", phrase))
    phrase = re.sub(r"^(?:力争|全力|努力|确保|计划|预计|主动|累计|共|实现|完成|达到|全年|今年|去年|谋划|实施|推进|"
                    r"开工|新建|建成|兑现|引进|签约|了)+", "", phrase) or phrase
    hit = catalog.find_indicator(phrase)
    if hit and (len(phrase) - len(hit[1]) <= 2 or phrase.endswith(hit[1])):
        if hit[2].generic and len(phrase) > len(hit[1]) and phrase.endswith(hit[1]):
            return phrase  # 玉米产量, 汽车零部件产值: the generic word keeps what it measures
        return hit[2].name
    if len(phrase) >= 3:
        return phrase
    hit = catalog.find_indicator(before)
    if hit:
        return hit[2].name
    return previous or phrase


def _clean(s: str) -> str:
    return re.sub(r"[“”\"《》「」\s]", "", s).strip("等、的")


def is_core(indicator: str, measure: str) -> bool:
    for alias, ind in catalog.alias_table():
        if alias in indicator:
            return ind.core
    if measure == "rank":
        return True
    return any(w in indicator for w in catalog.core_words())


def subject_of(sent: str, pos: int, ments: list[regions.Mention], selfs: list[int], st: _State,
               measure: str) -> str | None:
    """The nearest region/organisation named before the number in the sentence (comparison
    bases excluded; for a rank, the zone rather than the universe ranked), else the paragraph's
    subject, else the article's zone."""
    best_pos, best = -1, None
    for r in ments:
        if r.start >= pos or r.is_base:
            continue
        if measure == "rank" and not r.zone and not r.org:
            continue
        if r.start > best_pos:
            best_pos, best = r.start, r.name
    for p in selfs:
        if p < pos and p > best_pos and st.zone:
            best_pos, best = p, st.zone
    return best or st.para_subject or st.zone


# ---------------------------------------------------------------- periods in a sentence

def _as_of(sent: str, p: periods.Period) -> bool:
    return bool(re.search(r"(?:截至|截止|到)\s*$", sent[max(0, p.start - 3): p.start]))


def _so_far(p: periods.Period) -> str | None:
    """截至11月底 followed by 今年: the months of the year so far."""
    v = p.value
    if v and re.fullmatch(r"\d{4}-\d{2}", v) and v[5:] != "01":
        return f"{v[:4]}-01..{v}"
    return v


def _clause_initial(sent: str, cls: list[tuple[int, int]], p: periods.Period) -> bool:
    if p.text.startswith("连续"):
        return False  # 连续三年突破千亿: a predicate, not the frame of what follows
    a, _ = clause_of(cls, p.start)
    prefix = sent[a: p.start]
    if LEAD_WORDS.match(prefix):
        return True
    prefix = prefix.strip()
    # 长光卫星今年上半年…: a point period after a short subject; an embedded span (某企业近两年…) is not a frame
    return p.scope in ("point", "month") and bool(LEAD_SUBJECT.match(prefix)) and not LEAD_VERBS.search(prefix)


def _carries_in_sentence(sent: str, cls: list[tuple[int, int]], p: periods.Period) -> bool:
    """A leading period frames the rest of the sentence; so does a year named inside a clause
    (表彰2022年度先进集体, 向19个…); an embedded span (某企业近两年…) does not."""
    return _clause_initial(sent, cls, p) or p.scope == "point"


def _present(sent: str, a: int, pos: int, plist: list[periods.Period]) -> bool:
    """A present-state or running-total word in the clause, or in an earlier clause of the same
    statement (我们在全国拥有生产基地60多个,员工2.3万人) with no period named after it."""
    if PRESENT.search(sent[a:pos]):
        return True
    seg = max((x.end() for x in re.finditer(r"[;；]", sent[:pos])), default=0)
    hits = list(PRESENT.finditer(sent, seg, a))
    return bool(hits) and not any(seg <= p.start < pos for p in plist)


RUNNING_TOTAL = re.compile(r"累计(?!达到|达|超过|突破|已达|至今)")


def _framed_total(sent: str, a: int, pos: int, p: periods.Period, cls: list[tuple[int, int]]) -> bool:
    """An explicit period leading the sentence frames a running total (累计实现, 累计完成) of the
    first clause with figures after it: 今年1—8月,一汽-大众累计实现整车销量112.3万辆 is the sum over
    those months. A stock (累计达到5.8万户) or a total after figures of the period (新增3216户,
    累计…) stays without a period; so do 目前, 现有."""
    if p.scope not in ("point", "month") or not _clause_initial(sent, cls, p):
        return False
    if not RUNNING_TOTAL.search(sent[a:pos]) or re.search(r"目前|现有|拥有|至今", sent[a:pos]):
        return False
    return not re.search(r"\d|[一二两三四五六七八九十百千万亿]+(?:个|项|家|户|人|亿|万)", sent[p.end:a])


def period_at(sent: str, pos: int, cls: list[tuple[int, int]], plist: list[periods.Period],
              st: _State) -> tuple[str | None, str]:
    """(period, scope) in force at `pos`: one named earlier in the same clause, else a leading
    period of an earlier clause of the sentence, else the paragraph's, else the document's."""
    a, _ = clause_of(cls, pos)
    same = [p for p in plist if a <= p.start and p.end <= pos]
    if same:
        last = same[-1]
        earlier = [p for p in plist if p.end <= last.start and p.value and _carries_in_sentence(sent, cls, p) or p in same[:-1]]
        if last.value and re.fullmatch(r"\d{4}", last.value) and earlier and earlier[-1].value \
                and earlier[-1].value.startswith(last.value + "-") and _as_of(sent, earlier[-1]) \
                and not re.search(r"[;；]", sent[earlier[-1].end: last.start]):
            return _so_far(earlier[-1]), earlier[-1].scope  # 截至11月底,今年已…: the year so far
        return last.value, last.scope
    lead = [p for p in plist if p.end <= a and _carries_in_sentence(sent, cls, p)]
    if _present(sent, a, pos, plist):
        dated = [p for p in lead if re.search(r"(?:截至|截止|到)$", sent[max(0, p.start - 2): p.start])
                 or p.scope == "span" and _clause_initial(sent, cls, p)   # 五年来,…累计完成
                 or _framed_total(sent, a, pos, p, cls)]   # 今年1—8月,一汽-大众累计实现…
        return (dated[-1].value, dated[-1].scope) if dated else (None, "null")
    if lead:
        last = lead[-1]
        if last.value and re.fullmatch(r"\d{4}", last.value):
            specific = [p for p in lead[:-1] if p.value and p.value.startswith(last.value + "-") and _as_of(sent, p)]
            if specific:  # 截至11月底,经开区今年已开行…,比去年同期多开32列
                return _so_far(specific[-1]), specific[-1].scope
        return last.value, last.scope
    if st.para_period is not None:
        return st.para_period, "carry"
    return st.doc_period, "carry"


# ---------------------------------------------------------------- the pipeline

def title_period(pars: list[str], published: dt.date | None) -> str | None:
    """The year a report's title names (…2023年国民经济和社会发展统计公报): the default period
    of the whole text."""
    for par in pars[:2]:
        if SENTENCE_END.search(par) or len(par) > 60:
            return None
        for p in periods.scan(par, published):
            if p.value and re.fullmatch(r"\d{4}", p.value) and (not published or int(p.value) <= published.year):
                return p.value
    return None


def extract(text: str, published: dt.date | None, default_subject: str | None = None) -> list[Fact]:
    st = _State(published, regions.article_zone(text, default_subject))
    pars = paragraphs(text)
    st.title_period = st.doc_period = title_period(pars, published)
    tail = False
    headline_event = _headline_event_month(pars, published)
    for i, par in enumerate(pars):
        if FURNITURE_HEAD.match(par):
            tail = True  # a hot list: the rest is headlines, until a real paragraph
            continue
        if tail and len(par) < 50 and not SENTENCE_END.search(par[:-1]):
            continue
        tail = False
        if is_chrome(par):
            continue
        if is_heading(par):
            st.doc_period = st.title_period
        st.para_period, st.para_subject, st.para_span = None, None, None
        st.para_event_month = None
        if i == 0 and headline_event:
            st.para_event_month = headline_event  # 汽开区秋季重大项目集中签约 …12家企业落子: the event's figures
        speaker = regions.speaker(par)
        if speaker:
            st.para_subject = speaker  # 富晟集团董事长:去年我们实现营业收入…: "we" is the speaker's company
        for sent in sentences(par):
            _sentence(sent, st)
    return _dedup(st.facts)


HEADLINE_EVENT = re.compile(r"签约|开工|投产|竣工|落子|落户|落地|集中|仪式|大会|签署|揭牌|开业|举行|召开|启动|开幕|推介|招商")


def _headline_event_month(pars: list[str], published: dt.date | None) -> str | None:
    """A headline about an event (…集中签约 …12家企业落子) takes the month of the event the body dates
    (9月25日,…签约仪式举行): the first sentence of the first few paragraphs that opens with a day."""
    if not pars or SENTENCE_END.search(pars[0]) or len(pars[0]) > 60 or not HEADLINE_EVENT.search(pars[0]):
        return None
    for par in pars[1:4]:
        for sent in sentences(par):
            if DAY_DATE.match(sent) and HEADLINE_EVENT.search(sent):
                months = [p.value for p in periods.scan(sent, published) if p.scope == "month" and p.start < 8]
                return months[0] if months else None
    return None


def _sentence(sent: str, st: _State) -> None:
    st.sentence_project = None
    cls = clauses(sent)
    carry = st.para_period if st.para_period is not None else st.doc_period
    plist = periods.scan(sent, st.published, carry, month_context=st.title_period)
    ments = sorted(regions.find_mentions(sent) + regions.find_companies(sent), key=lambda r: r.start)
    selfs = regions.find_self(sent)
    mentions = sorted(find_mentions(sent) + find_multiples(sent) + find_halves(sent) + find_tenths(sent)
                      + find_first_places(sent),
                      key=lambda m: m.start)
    sentence_own = [p for p in plist if p.scope != "null"]
    event = DAY_DATE.match(sent)
    event_month = next((p.value for p in plist if p.scope == "month" and p.start < 8), None) if event else None
    if event_month:
        st.event_month = event_month
    elif st.event_month and EVENT_REF.search(sent):
        st.para_event_month = st.event_month  # 此次签约项目涵盖…: the paragraph is about that event
    if not event_month and st.para_event_month and not sentence_own:
        event_month = st.para_event_month
    previous_ind: str | None = None
    previous_kind: str | None = None
    carried_kind: tuple[int, str, bool] | None = None   # (clause start, kind, heads its clause) of the last marker
    series = _series(sent, cls, mentions)
    series_subjects = _series_subjects(sent, cls, mentions, ments)
    for m in mentions:
        a, b = clause_of(cls, m.start)
        before_clause = sent[a: m.start]
        measure, value = measure_of(m, before_clause)
        period, scope = period_at(sent, m.start, cls, _not_bases(sent, m.start, plist, measure), st)
        period = _from_to(sent, m, period, scope, plist)
        own = any(a <= p.start < m.start for p in plist)
        if id(m) in series:
            period = series_period(period, *series[id(m)])
        elif measure == "growth_pct" and AVERAGE.search(before_clause) and not is_year_span(period) and not own:
            period = _average_span(sent, m.start, plist, st) or period  # 年均增长: over a span of years
        if event_month and not own:
            period = event_month  # 8月29日,…集中开工项目28个: the event's month
        ind = indicator_of(before_clause, m, previous_ind)
        if not ind and m.unit.family == "multiple":
            ind = previous_ind or ""
        subject = subject_of(sent, m.start, ments, selfs, st, measure)
        if id(m) in series_subjects:
            subject = series_subjects[id(m)]
        proj = _project(sent, m, a, st)
        if proj:
            subject = proj
        kind = kinds.classify(before_clause, sent[m.end: b], period, st.published)
        marker = kinds.marker_kind(before_clause)
        if carried_kind and carried_kind[0] < a and marker is None:
            if (not kinds.TARGET_AFTER.match(sent[m.end: b])
                    and kinds.carries(sent[carried_kind[0]: a], sent[a: m.start])
                    and (carried_kind[2] or BARE_CONTINUATION.fullmatch(before_clause.strip()))
                    and not _new_frame(sent, a, m.start, plist, ments, cls)):
                kind = carried_kind[1]  # 预计全年…将突破1200亿元,增长6%左右: the forecast runs on
            else:
                carried_kind = None     # …预计增长7.5%,营业收入达到412亿元: a new statement, reported
        whole = kinds.marker_kind(sent[a:b])
        if marker and whole:
            # not 由预计的2.5%提高到7.2%: a marker bound to its own number. A marker heading its
            # clause (力争地区生产总值增长6%,固定资产投资增长8%) governs the list of indicators that
            # follows; one after the indicator (生产总值预计增长7.5%) only bare continuations.
            first = kinds.first_marker(sent[a:b]) or 0
            carried_kind = (a, whole, not _has_own_indicator(sent[a: a + first]))
        if m.unit.family == "multiple" and previous_kind and kind == "actual" and not _has_own_indicator(before_clause):
            kind = previous_kind
        rank_like = measure == "rank" or (m.unit.text in ("位", "名") and RANK_CHANGE.search(before_clause))
        if rank_like and not any(p.start < m.start for p in sentence_own) and (measure != "rank" or EVALUATION.search(sent)):
            period = None  # a place in an evaluation (考评, 综合实力排名) is dated only by its own sentence;
            # a place by an indicator of the period in force (上半年…增速居第二位) keeps that period
        if proj and not own and not event_month and not any(p.start < m.start and _clause_initial(sent, cls, p) for p in sentence_own):
            period = None  # a project's investment or floor area is dated only by its own sentence's frame
            # (or by the dated event it belongs to: 此次签约项目…其中XX项目总投资18亿元)
        if measure == "pp_diff" and DECLINE_NARROWED.search(before_clause):
            value = abs(value)  # 降幅收窄2.1个百分点: the rate rose
        if kind == "forecast" and OPEN_FUTURE.search(before_clause) and not own:
            period = None  # 项目完成之后将可带动…, 达产后可实现年产值…: an open-ended future
        if measure in ("share_pct", "rank") and is_year_span(period) and not own and (kind == "actual" or scope == "carry"):
            period = None  # a share or a rank is a state, not a sum over 十年来
        if re.match(r"^[^,，;；。]{0,8}(?:参加|出席|参会|与会)", sent[m.end: b]):
            months = [p for p in plist if p.scope == "month"]
            if months:
                period = months[0].value  # people attending the meeting of 2月20日
        if period and periods.start_year(period) and st.published and periods.start_year(period) > st.published.year + 15:
            period = None
        qual = qualifiers.qualifier(sent[max(0, m.start - 4): m.start], m.inner, m.after)
        if m.rank:
            qual = None
        unit_text = m.unit.text
        norm = value * m.unit.factor
        st.facts.append(Fact(
            subject=subject or "", indicator=ind, value=_round(value), unit=unit_text,
            norm_value=_round(norm), norm_unit=m.unit.norm_unit, measure=measure, period=period,
            kind=kind, qualifier=qual, evidence=sent[a:b].strip(), core=is_core(ind, measure),
            indicator_canonical=catalog.canonical(ind)))
        previous_ind, previous_kind = ind or previous_ind, kind
    for s, e, vals in find_ratios(sent):
        a, b = clause_of(cls, s)
        period, _ = period_at(sent, s, cls, _not_bases(sent, s, plist, "share_pct"), st)
        subject = subject_of(sent, s, ments, selfs, st, "share_pct")
        kind = kinds.classify(sent[a:s], sent[e:b], period, st.published)
        for name, v in zip(catalog.structure_names(), vals):
            st.facts.append(Fact(subject or "", name, v, "%", v, "%", "share_pct", period, kind, None,
                                 sent[a:b].strip(), True, catalog.canonical(name)))
    _update_carry(sent, cls, plist, ments, st)


# A clause that only continues the previous one's statement (增长6%左右, 同比增长19.6%, 占全市的30%).
BARE_CONTINUATION = re.compile(r"(?:同比|环比|比上年|较上年|比去年|较去年|比上年同期|年均|分别|其中|将|可|有望|再|还|也|均|"
                               r"约|近|超过|突破|超|逾|达到|达|为|实现|完成|增长|下降|回落|增加|减少|提高|提升|增速|增幅|"
                               r"占比|占全[市省区国](?:的)?|占|比重|左右|以上|了)*")


def _new_frame(sent: str, a: int, pos: int, plist: list[periods.Period], ments: list[regions.Mention],
               cls: list[tuple[int, int]]) -> bool:
    """A clause that opens with its own period or names its own subject starts a new statement."""
    if any(a <= p.start < pos and p.scope != "null" and _clause_initial(sent, cls, p) for p in plist):
        return True
    return any(a <= r.start < pos and not r.is_base for r in ments)


def _not_bases(sent: str, pos: int, plist: list[periods.Period], measure: str) -> list[periods.Period]:
    """Periods that frame the number at `pos`, without comparison bases: 是上年的2.1倍 (the base
    of a multiple), 由上年的A调整为B (上年 is A's period, not B's)."""
    out = []
    for p in plist:
        if p.end <= pos and sent[p.end: p.end + 1] == "的":
            pre = sent[max(0, p.start - 3): p.start]
            if measure == "multiple" and re.search(r"(?:是|为|相当于)\s*$", pre):
                continue
            if re.search(r"(?:由|从)\s*$", pre) and re.search(r"(?:调整|提高|提升|增加|增长|扩大|下降|减少|降低|上升)?(?:为|到|至)", sent[p.end: pos]):
                continue
        out.append(p)
    return out


def _average_span(sent: str, pos: int, plist: list[periods.Period], st: _State) -> str | None:
    """由2019年的512亿元增加到2024年的801亿元,年均增长7.3% -> 2020..2024; else the span in force."""
    ft = None
    for ft in FROM_TO_YEARS.finditer(sent[:pos]):
        pass
    if ft:
        y1, y2 = int(ft.group(1)), int(ft.group(2))
        if y1 < y2:
            return f"{y1 + 1}..{y2}"
    spans = [p.value for p in plist if p.start < pos and is_year_span(p.value)]
    return spans[-1] if spans else st.para_span


def _has_own_indicator(before: str) -> bool:
    return bool(catalog.find_indicator(before))


def _series(sent: str, cls: list[tuple[int, int]], mentions: list[Mention]) -> dict[int, tuple[int, int, list[int]]]:
    """分别 + a list of values: id(mention) -> (index, group size, explicit years named before)."""
    out: dict[int, tuple[int, int, list[int]]] = {}
    for a, b in cls:
        k = sent.find("分别", a, b)
        if k < 0:
            continue
        group = [m for m in mentions if k < m.start < b]
        if len(group) < 2:
            continue
        years = [int(y) for y in re.findall(r"((?:19|20)\d{2})(?=年|、|和|至|—|-)", sent[:k])]
        for i, m in enumerate(group):
            out[id(m)] = (i, len(group), years)
    return out


def _series_subjects(sent: str, cls: list[tuple[int, int]], mentions: list[Mention],
                     ments: list[regions.Mention]) -> dict[int, str]:
    """汽开区、经开区、高新区规上工业总产值分别完成A、B和C: the i-th value is the i-th region's."""
    out: dict[int, str] = {}
    for a, b in cls:
        k = sent.find("分别", a, b)
        if k < 0:
            continue
        group = [m for m in mentions if k < m.start < b]
        listed: list[regions.Mention] = []
        for r in (r for r in ments if a <= r.start < k and not r.is_base):
            if listed and not re.fullmatch(r"\s*[、和及与,，]\s*", sent[listed[-1].end: r.start]):
                listed = []
            listed.append(r)
        if len(group) >= 2 and len(listed) == len(group) and len({r.name for r in listed}) == len(listed):
            for m, r in zip(group, listed):
                out[id(m)] = r.name
    return out


def series_period(period: str | None, index: int, size: int, years: list[int]) -> str | None:
    """The year of the index-th value of a 分别 series over `period` (or over named years)."""
    if len(years) >= size and len(set(years[-size:])) == size:
        return str(years[-size:][index])
    if period and ".." in period and len(period) == 10:
        a, b = int(period[:4]), int(period[-4:])
        if b - a + 1 == size:
            return str(a + index)
    return period


def _from_to(sent: str, m: Mention, period: str | None, scope: str, plist: list[periods.Period]) -> str | None:
    """Over a span (十年来), 由A…至B: A is the span's first year, B the present state."""
    if not period or ".." not in period or scope not in ("span", "carry"):
        return period
    before = sent[max(0, m.start - 3): m.start]
    if re.search(r"由\s*$", before):
        return period.split("..")[0][:4]
    if re.search(r"(?:至|到)\s*$", before) and re.search(r"由\s*[\d一二三四五六七八九十]", sent[: m.start]):
        return None
    return period


PROJECT_HEAD = re.compile(r"^\s*(?:其中)?[,，]?\s*(?P<name>[\u4e00-\u9fffA-Za-z0-9（）()\-·]{4,28}?项目)"
                          r"(?=计划总投资|总投资|投资|占地|总建筑面积|建筑面积|设计产能|年产值|达产后|投产后|建成后)")
GENERIC_PROJECT = re.compile(r"^(?:重点|新开工|开工|签约|续建|在建|新建|储备|谋划|实施|全部|所有|各类|这些|上述|全区|全市|全省|"
                             r"本次|此次|集中|产业|招商|亿元|千万元)|以上|\d|[一二三四五六七八九十百千]+个|等|力争|确保|计划|"
                             r"争取|全年|今年|去年|累计|新增|签约项目|开工项目|重点项目|在建项目|续建项目|储备项目")


def _project(sent: str, m: Mention, clause_start: int, st: _State) -> str | None:
    """总投资358亿元的XX项目 -> the project is the subject; 该项目 later refers to it."""
    pm = re.match(r"^的([\u4e00-\u9fffA-Za-z0-9\-]{2,20}?项目)", sent[m.end:])
    if pm:
        st.project = st.sentence_project = pm.group(1)
        return st.project
    head = PROJECT_HEAD.match(sent[clause_start: m.start])
    if head and not GENERIC_PROJECT.search(head.group("name")):
        st.project = st.sentence_project = head.group("name")
        return st.project
    if st.project and re.match(r"^\s*(?:该|此|这个|这一)?项目", sent[clause_start: m.start]):
        st.sentence_project = st.project
        return st.project
    if st.sentence_project and not regions.find_mentions(sent[clause_start: m.start]):
        return st.sentence_project  # 该项目占地…,设计产能15万辆
    return None


def _update_carry(sent: str, cls: list[tuple[int, int]], plist: list[periods.Period],
                  ments: list[regions.Mention], st: _State) -> None:
    spans = [p for p in plist if is_year_span(p.value) and _clause_initial(sent, cls, p)]
    if spans:
        st.para_span = spans[-1].value
    lead = [p for p in plist if _clause_initial(sent, cls, p)]
    if lead:
        st.para_period = lead[-1].value
        first = lead[0]
        if (first.start <= cls[0][1] and first.scope == "point" and st.published
                and st.published.year - 1 <= (periods.end_year(first.value) or 0) <= st.published.year):
            st.doc_period = first.value
    regs = [r for r in ments if not r.is_base and not r.org]
    if regs:
        st.para_subject = regs[-1].name
    elif regions.find_self(sent) and st.zone:
        st.para_subject = st.zone


def is_year_span(period: str | None) -> bool:
    return bool(period) and bool(re.fullmatch(r"\d{4}\.\.\d{4}", period))


FROM_TO_YEARS = re.compile(r"由\s*((?:19|20)\d{2})年[^,，;；。]{0,20}?(?:增加|提高|提升|增长|扩大|上升|下降|减少)?(?:到|至)\s*((?:19|20)\d{2})年")
AVERAGE = re.compile(r"年均|年平均|平均每年|平均")
# A later paragraph about the dated event: 此次签约项目, 本次开工的项目, 当天, 仪式上.
EVENT_REF = re.compile(r"(?:此次|本次|这次|这批|此批|本批)(?:集中)?(?:签约|开工|投产|竣工|签署|落地|招商|推介|活动|会议|大会|仪式)|"
                       r"当天|当日|仪式上|会上|活动现场|签约现场")
OPEN_FUTURE = re.compile(r"将|(?:达产|达效|投产|建成|运营|满产)(?:达效)?(?:后|之后)")
DAY_DATE = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})日")
EVALUATION = re.compile(r"考评|评价|评估|综合实力|排行|榜单|评比|考核|评选|百强|榜")
RANK_CHANGE = re.compile(r"(?:提升|上升|前移|跃升|攀升|提高|进位|下降|后退|下滑)了?$")
DECLINE_NARROWED = re.compile(r"(?:降幅|跌幅|亏损|缺口)[^,，;；。]{0,8}(?:收窄|缩小|减少)[^,，;；。]{0,2}$")


def _round(x: float) -> float:
    r = round(x, 4)
    return int(r) if r == int(r) and abs(r) < 1e15 else r


def _dedup(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        key = (f.subject, f.indicator, f.measure, f.norm_value, f.period, f.evidence)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out
