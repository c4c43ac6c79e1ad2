"""actual vs target vs forecast.

target: 计划, 力争, 目标, 确保, 争取, 预期目标, 要实现 …; forecast: 预计, 有望, 将; otherwise
actual, except that a figure for a period longer than a month that had mostly not yet elapsed
when the text was published (a 2022 figure in a January 2022 text) is a target. After 达产后 /
投产后 / 建成后 and 可实现 / 可带动 a project's figure is a forecast.
"""
from __future__ import annotations

import datetime as dt
import re

from .periods import bounds

TARGET = re.compile(r"计划|力争|目标|确保|争取|预期|拟(?=[实新建投引完达开])|要实现|要达到|要完成|要确保|奋斗目标|"
                    r"将(?=推动|推进|实施|引进|新建|建设|建成|开工|打造|培育|举办|新增|组织|开展|谋划|落实|完成|力争|确保|争取)")
# 达产后可实现年产值30亿元, 建成投产后可带动…: what a project will yield once it runs.
FORECAST = re.compile(r"预计|有望|将可|将会|(?:达产|达效|投产|建成|运营|满产)(?:达效)?(?:后|之后)|可望|"
                      r"可(?=实现|带动|新增|形成|贡献|提供|达到|创造|拉动|吸纳|解决)|将(?!近|其|以|着|在|与|和|对|被|把|于|“|推动|推进|实施|引进|新建|建设|建成|开工|打造|培育|举办|新增|组织|开展|谋划|落实|完成|力争|确保|争取)|可望")
# A marker after one of these is a comparison base (较年初计划提高12个百分点).
BASE = re.compile(r"(?:较|比|超|高于|低于|好于|占)[^,，;；]{0,4}$")
# 完成年度计划的18.6%, 完成全年目标任务的: progress against a plan, not a target - only for the
# plan words themselves; 项目完成之后将可带动… stays a forecast.
DONE_BASE = re.compile(r"完成[^,，;；]{0,4}$")
PLAN_WORDS = re.compile(r"计划|目标|任务|预期")
# After the number in the same clause: 的奋斗目标, 的“双一百”目标.
TARGET_AFTER = re.compile(r"^[^,，;；。]{0,20}?目标")


def _markers(before: str) -> list[tuple[int, str]]:
    out = []
    for kind, rx in (("target", TARGET), ("forecast", FORECAST)):
        for m in rx.finditer(before):
            if BASE.search(before[: m.start()]):
                continue
            if PLAN_WORDS.match(m.group(0)) and DONE_BASE.search(before[: m.start()]):
                continue
            # 由预计的2.5%提高到7.2%: a marker bound to the number right after it (…的N)
            tail = before[m.end():]
            if re.match(r"^的?\s*[\d一二三四五六七八九十百千万]", tail) and len(before) - m.end() > 4:
                continue
            out.append((m.start(), kind))
    return sorted(out)


def marker_kind(before: str) -> str | None:
    """The kind a marker in `before` gives (the last one), None if there is none."""
    marks = _markers(before)
    return marks[-1][1] if marks else None


def first_marker(text: str) -> int | None:
    """Offset of the first marker in `text`."""
    marks = _markers(text)
    return marks[0][0] if marks else None


# A clause that reports something done (已完成, 目前) does not inherit an earlier clause's 预计/力争.
ACTUAL_WORDS = re.compile(r"已|目前|现有|实现了|完成了|达到了|截至|截止")


def carries(prev_clause: str, clause: str) -> bool:
    """Does a 预计/力争 of an earlier clause of the sentence govern `clause` (预计全年…将突破1200亿元,
    增长6%左右)? Not across a semicolon, and not into a clause that states something done."""
    return not re.search(r"[;；]", prev_clause) and not ACTUAL_WORDS.search(clause)


def classify(before: str, after: str, period: str | None, published: dt.date | None) -> str:
    """Kind of a number given the sentence text `before` it and the clause text `after` it."""
    marks = _markers(before)
    if marks:
        return marks[-1][1]
    if TARGET_AFTER.match(after):
        return "target"
    if period and published and not re.fullmatch(r"\d{4}-\d{2}", period):
        # A single month (an event dated 3月11日 in a text of 3月12日) is reported, not planned:
        # plans name their words; only a year, half or quarter just begun is a target by default.
        b = bounds(period)
        if b:
            start, end = b
            total = (end - start).days + 1
            elapsed = (published - start).days
            if elapsed < total / 2:
                return "target"
    return "actual"
