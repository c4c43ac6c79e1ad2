"""Period expressions and their resolution against the text's date (gold README rules).

Values: '2025', '2025-H1', '2025-Q3', '2025-03', '2025-01..2025-11', '2021..2025', or None.
Each hit has a scope: 'point' (a year, half, quarter or cumulated months: may carry to later
paragraphs), 'month' (one month, an event date), 'span' (several years), 'null' (每年, 近年来:
explicitly no period).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .numbers import parse_number

_N = r"[\d一二两三四五六七八九十]{1,3}"
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
PLAN_START = {"一": 2006, "二": 2011, "三": 2016, "四": 2021, "五": 2026}

_CM = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"   # a month number, Arabic or Chinese
_SUB = (r"(?P<sub>上半年|下半年|前三季度|前两季度|第?[一二三四1-4]季度"
        r"|前(?P<fm>" + _CM + r"|两)个?月"
        r"|(?P<m1>" + _CM + r")\s*[—\-–~至到]\s*(?P<m2>" + _CM + r")月(?:份)?"
        r"|(?P<mo>" + _CM + r")月(?:份)?(?:(?P<day>\d{1,2})日)?|底|末|年底|年末|全年)?")
PATTERN = re.compile(
    r"(?P<span>(?P<y1>(?:19|20)\d{2})\s*年?\s*[—\-–~至到]\s*(?P<y2>(?:19|20)\d{2})年)"
    r"|(?P<plan>(?<![一二三四五六七八九])十(?P<pn>[一二三四五])五”?(?:(?P<since>以来)|(?P<pend>期末|末))?(?:期间|时期)?)"
    r"|(?P<cmp>(?:比|较|同比|与|高于|低于)(?:去年|上年|今年|上半年|前三季度|第?[一二三四]季度|上月|上季度|年初|(?:19|20)\d{2}年|"
    r"\d{1,2}\s*[—\-–~至到]\s*\d{1,2}月|\d{1,2}月(?:份)?|前\d{1,2}个?月)(?:同期|底|末)?"
    r"|(?:去年|上年)(?:同期|基础上|同比))"
    r"|(?P<yr>(?P<year>(?:19|20)\d{2})年度?|(?P<cyear>[一二][〇零九][〇零一二三四五六七八九]{2})年度?|今年|本年|当年|去年|上年|前年|明年)" + _SUB +
    r"|(?P<back>(?:过去|近|最近|这)(?P<n>" + _N + r")年(?:来|间|里|中)?|(?P<n2>" + _N + r")年来"
    r"|(?<![\d〇零一二两三四五六七八九十第续近这去])(?P<n3>" + _N + r")年(?=间|里|累计))"
    r"|(?P<consec>连续(?P<cn>" + _N + r")年)"
    r"|(?P<null>近几年|近年来|多年来|每年|历年|年年|截至目前|至今)"
    r"|(?P<bare>上半年|下半年|前三季度|第?[一二三四]季度|前(?P<bfm>" + _CM + r"|两)个?月"
    r"|(?<![\d年〇零一二三四五六七八九十])(?P<bm1>" + _CM + r")\s*[—\-–~至到]\s*(?P<bm2>" + _CM + r")月(?:份)?"
    r"|(?<![\d年〇零一二三四五六七八九十])(?P<bmo>" + _CM + r")月(?:份)?(?:(?P<bday>\d{1,2})日)?(?P<bend>底|末)?|全年|年末|年底)"
)


@dataclass(frozen=True)
class Period:
    start: int       # offsets in the scanned text
    end: int
    value: str | None
    scope: str       # point | month | span | null
    text: str


def end_year(value: str | None) -> int | None:
    if not value:
        return None
    return int(value.split("..")[-1][:4])


def start_year(value: str | None) -> int | None:
    if not value:
        return None
    return int(value[:4])


def bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period value."""
    if not value:
        return None
    a, _, b = value.partition("..")
    b = b or a

    def first(v: str) -> dt.date:
        y = int(v[:4])
        if "-H" in v:
            return dt.date(y, 1 if v.endswith("1") else 7, 1)
        if "-Q" in v:
            return dt.date(y, 3 * int(v[-1]) - 2, 1)
        if len(v) == 7:
            return dt.date(y, int(v[5:7]), 1)
        return dt.date(y, 1, 1)

    def last(v: str) -> dt.date:
        y = int(v[:4])
        if "-H" in v:
            m = 6 if v.endswith("1") else 12
        elif "-Q" in v:
            m = 3 * int(v[-1])
        elif len(v) == 7:
            m = int(v[5:7])
        else:
            m = 12
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    return first(a), last(b)


def _num(s: str) -> int | None:
    v = parse_number(s)
    return int(v) if v else None


def _month(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = parse_number(s)
    return int(v) if v else None


def _with_sub(year: int, m: re.Match[str], p: str = "") -> tuple[str, str]:
    """A year plus its sub-period (上半年, 三季度, 1-11月, 6月, 底)."""
    sub = m.group(p + "sub") if p == "" else m.group("bare")
    if not sub or sub in ("底", "末", "年底", "年末", "全年"):
        return str(year), "point"
    if sub == "上半年":
        return f"{year}-H1", "point"
    if sub == "下半年":
        return f"{year}-H2", "point"
    if sub in ("前三季度",):
        return f"{year}-01..{year}-09", "point"
    if sub in ("前两季度",):
        return f"{year}-H1", "point"
    if "季度" in sub:
        return f"{year}-Q{_Q[sub.replace('第', '')[0]]}", "point"
    fm = _month(m.group("fm") if p == "" else m.group("bfm"))
    if fm and 1 <= fm <= 12:
        return (f"{year}-01..{year}-{fm:02d}", "point") if fm > 1 else (f"{year}-01", "month")
    m1, m2 = (m.group("m1"), m.group("m2")) if p == "" else (m.group("bm1"), m.group("bm2"))
    a, b = _month(m1), _month(m2)
    if a and b and 1 <= a < b <= 12:
        return f"{year}-{a:02d}..{year}-{b:02d}", "point"
    mo = _month(m.group("mo") if p == "" else m.group("bmo"))
    if mo and 1 <= mo <= 12:
        if p and m.group("bend") and re.search(r"(?:截至|截止)$", m.string[max(0, m.start() - 2): m.start()]):
            return f"{year}-{mo:02d}", "point"   # 截至6月末: a state at the month's end (carries)
        return f"{year}-{mo:02d}", "month"
    return str(year), "point"


def _is_base(text: str, m: re.Match[str]) -> bool:
    """是2017年的5.5倍, 由上年的…: a comparison base, not the period that relative words after it read."""
    return text[m.end(): m.end() + 1] == "的" and bool(re.search(r"(?:是|为|相当于|由|从)\s*$", text[max(0, m.start() - 3): m.start()]))


def _bare_month(m: re.Match[str]) -> int | None:
    for g in ("bmo", "bm2", "bfm"):
        if m.group(g):
            return _month(m.group(g))
    return None


def scan(text: str, published: dt.date | None, context: str | None = None,
         month_context: str | None | bool = False) -> list[Period]:
    """All period expressions in `text`, resolved left to right: relative words (全年, 连续N年,
    上半年) read the period in force before them (`context` at the start)."""
    out: list[Period] = []
    pub_year = published.year if published else None
    ctx = context
    # A bare month, quarter or half (11月份, 一季度) reads `month_context` (default: `context`)
    # until the text itself names a year; None means "resolve against the publication date".
    mctx = context if month_context is False else month_context
    for m in PATTERN.finditer(text):
        value: str | None
        scope = "point"
        if m.group("cmp"):
            continue
        if m.group("span"):
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            if y1 >= y2:
                continue
            value, scope = f"{y1}..{y2}", "span"
        elif m.group("plan"):
            s = PLAN_START[m.group("pn")]
            if m.group("pend"):
                value, scope = str(s + 4), "point"   # 到“十四五”末: the plan's last year
                out.append(Period(m.start(), m.end(), value, scope, m.group(0)))
                ctx = mctx = value
                continue
            if m.group("since"):
                e = pub_year if pub_year and s <= pub_year <= s + 4 else s + 4
                value = f"{s}..{e}"
            else:
                value = f"{s}..{s + 4}"
            scope = "span"
        elif m.group("yr"):
            word = m.group("yr")
            if m.group("year"):
                year = int(m.group("year"))
            elif m.group("cyear"):
                year = int("".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else "0" for c in m.group("cyear")))
            elif pub_year is None:
                continue
            else:
                year = pub_year + {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}[word]
                if word == "当年" and end_year(ctx):
                    year = end_year(ctx)
                if word == "上年" and ctx and ".." not in ctx and (end_year(ctx) or 0) < pub_year:
                    year = end_year(ctx) - 1  # a bulletin of 2024 published in 2025: 上年 is 2023
            value, scope = _with_sub(year, m)
        elif m.group("back"):
            n = _num(m.group("n") or m.group("n2") or m.group("n3") or "")
            if not n or pub_year is None or n > 50:
                continue
            value, scope = f"{pub_year - n}..{pub_year - 1}", "span"
            if n == 1:
                value, scope = str(pub_year - 1), "point"   # 过去一年: last year
        elif m.group("consec"):
            n = _num(m.group("cn"))
            if not n or pub_year is None or n > 50:
                continue
            e = pub_year - 1
            if re.search(r"预计|有望|力争|将", text[max(0, m.start() - 30): m.start()]):
                e = pub_year  # 预计全年…将突破千亿元,连续三年…: this year included
            if end_year(ctx):
                e = min(end_year(ctx), e)
            value, scope = f"{e - n + 1}..{e}", "span"
        elif m.group("null"):
            value, scope = None, "null"
        elif m.group("bare"):
            full_year = m.group("bare") in ("全年", "年末", "年底")
            c = ctx if full_year else mctx
            base = end_year(c) if c and ".." not in c else None
            if base is None:
                if pub_year is None:
                    continue
                base = pub_year
                mo = _bare_month(m)
                if published and mo and mo > published.month and not m.group("bare").startswith(("全年", "年")):
                    base -= 1
            value, scope = _with_sub(base, m, "b")
        else:  # pragma: no cover
            continue
        out.append(Period(m.start(), m.end(), value, scope, m.group(0)))
        if scope != "null" and not _is_base(text, m):
            ctx = value
            if scope != "span":
                mctx = value
    return out
