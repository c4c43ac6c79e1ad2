"""actual vs target vs forecast.

target: 计划, 力争, 目标, 确保, 争取, 预期目标, 要实现 …; forecast: 预计, 有望, 将; otherwise
actual, except that a figure for a period that had mostly not yet elapsed when the text was
published (a 2022 figure in a January 2022 text) is a target.
"""
from __future__ import annotations

import datetime as dt
import re

from .periods import bounds

TARGET = re.compile(r"计划|力争|目标|确保|争取|预期|拟(?=[实新建投引完达开])|要实现|要达到|要完成|要确保|奋斗目标|"
                    r"将(?=推动|推进|实施|引进|新建|建设|建成|开工|打造|培育|举办|新增|组织|开展|谋划|落实|完成|力争|确保|争取)")
FORECAST = re.compile(r"预计|有望|将可|将会|将(?!近|其|以|着|在|与|和|对|被|把|于|“|推动|推进|实施|引进|新建|建设|建成|开工|打造|培育|举办|新增|组织|开展|谋划|落实|完成|力争|确保|争取)|可望")
# A marker after one of these is a comparison base (较年初计划提高12个百分点).
BASE = re.compile(r"(?:较|比|超|高于|低于|好于|完成|占)[^,，;；]{0,4}$")   # 完成年度计划的18.6%: progress, not a target
# After the number in the same clause: 的奋斗目标, 的“双一百”目标.
TARGET_AFTER = re.compile(r"^[^,，;；。]{0,20}?目标")


def _markers(before: str) -> list[tuple[int, str]]:
    out = []
    for kind, rx in (("target", TARGET), ("forecast", FORECAST)):
        for m in rx.finditer(before):
            if BASE.search(before[: m.start()]):
                continue
            # 由预计的2.5%提高到7.2%: a marker bound to the number right after it (…的N)
            tail = before[m.end():]
            if re.match(r"^的?\s*[\d一二三四五六七八九十百千万]", tail) and len(before) - m.end() > 4:
                continue
            out.append((m.start(), kind))
    return sorted(out)


def classify(before: str, after: str, period: str | None, published: dt.date | None) -> str:
    """Kind of a number given the sentence text `before` it and the clause text `after` it."""
    marks = _markers(before)
    if marks:
        return marks[-1][1]
    if TARGET_AFTER.match(after):
        return "target"
    if period and published:
        b = bounds(period)
        if b:
            start, end = b
            total = (end - start).days + 1
            elapsed = (published - start).days
            if elapsed < total / 2:
                return "target"
    return "actual"
