"""How exact a number is: over (超, 超过, 以上, 突破, 逾), about (约, 左右, 近, 余, 多), under (不到, 以下)."""
from __future__ import annotations

import re

BEFORE = [
    ("over", re.compile(r"(?:超过|超出|突破|逾|超|高达|达到?了?超过|不少于|不低于|不下于|至少|迈上|站稳|跨上|迈入|跨入|迈过|跨过|站上)$")),  # 迈上千亿台阶: at least
    ("about", re.compile(r"(?:约|大约|近|将近|接近|近乎|约为|大概)$")),
    ("under", re.compile(r"(?:不到|不足|不超过|低于|少于)$")),
]
AFTER = [
    ("about", re.compile(r"^(?:余|多|来|左右|上下)")),
    ("over", re.compile(r"^(?:以上|之上|多)")),
    ("under", re.compile(r"^(?:以下|以内|之内)")),
]


def qualifier(before: str, inner: str, after: str) -> str | None:
    """`before`: text just before the number; `inner`: text between number and unit (余, 多);
    `after`: text just after the unit (以上, 左右)."""
    if inner and AFTER[0][1].match(inner):
        return "about"
    for q, rx in AFTER:
        if rx.match(after):
            return q
    for q, rx in BEFORE:
        if rx.search(before):
            return q
    return None
