"""Numbers as Chinese texts write them: 1,142.4 / 两千亿 / 一百二十 / 三分之一 / 百分之九十 / 一半.

Chinese numerals are parsed with cn2an where it accepts them, with a small fallback parser
for the shorthand forms news texts use (千亿, 百户, 两千).
"""
from __future__ import annotations

import re
from functools import lru_cache

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九"
CN_CHARS = CN_DIGITS + "十百千万亿"
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}

ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = f"[{CN_CHARS}]+(?:点[{CN_DIGITS}]+)?"   # 六点五
FRACTION = rf"(?:[{CN_CHARS}]+|\d+)分之(?:[{CN_CHARS}]+(?:点[{CN_DIGITS}]+)?|\d+(?:\.\d+)?)"
# One number token: a fraction first (三分之一), then Arabic, then a Chinese numeral run.
NUMBER = re.compile(rf"(?P<frac>{FRACTION})|(?P<ar>{ARABIC})|(?P<cn>{CHINESE})")
# Multipliers a Chinese numeral may end with; they belong to the unit (两千亿 = 2000 亿).
MULTIPLIER_SUFFIXES = ("万亿", "亿", "万")


def parse_arabic(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _fallback_cn(s: str) -> float | None:
    """Parse 一百二十, 两千, 千, 十五, 三千五百六十三, 二〇二二 (digit by digit)."""
    if not s or any(c not in _DIGIT and c not in _SMALL and c not in _BIG for c in s):
        return None
    if all(c in _DIGIT for c in s):
        if len(s) == 1:
            return float(_DIGIT[s])
        if "〇" in s or "零" in s:  # 二〇二二 read digit by digit; 一一 (唯一一家) is not a number
            return float("".join(str(_DIGIT[c]) for c in s))
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGIT:
            digit = _DIGIT[c]
        elif c in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * _BIG[c] if c == "亿" else total + section * _BIG[c]
            section, digit = 0, None
    return float(total + section + (digit or 0))


@lru_cache(maxsize=4096)
def parse_chinese(s: str) -> float | None:
    """Value of a Chinese numeral; None when it is not one."""
    if not s:
        return None
    if "点" in s:  # 六点五 = 6.5: the integer part, then the decimals digit by digit
        whole, _, frac = s.partition("点")
        w = parse_chinese(whole) if whole else None
        if w is None or not frac or any(c not in _DIGIT for c in frac):
            return None
        return float(f"{int(w)}.{''.join(str(_DIGIT[c]) for c in frac)}")
    text = "一" + s if s[0] in "十百千万亿" and s[0] != "十" else s
    try:
        v = cn2an.cn2an(text, "strict")
        return float(v)
    except Exception:  # cn2an raises ValueError and friends on shorthand
        return _fallback_cn(s)


def split_multiplier(cn: str) -> tuple[str, str]:
    """两千亿 -> ('两千', '亿'); 万亿 -> ('万', '亿'); 一百二十 -> ('一百二十', '')."""
    for suf in MULTIPLIER_SUFFIXES:
        if cn.endswith(suf) and len(cn) > len(suf):
            return cn[: -len(suf)], suf
    return cn, ""


def parse_fraction(s: str) -> float | None:
    """三分之一 -> 33.333… (a percentage)."""
    den, _, num = s.partition("分之")
    d = parse_arabic(den) if den[:1].isdigit() else parse_chinese(den)
    n = parse_arabic(num) if num[:1].isdigit() else parse_chinese(num)
    if not d or n is None:
        return None
    if d == 100:
        return n
    return n / d * 100


def parse_number(s: str) -> float | None:
    """Value of any number token (multipliers included: 两千亿 -> 2e11)."""
    s = s.strip()
    if not s:
        return None
    if "分之" in s:
        return parse_fraction(s)
    if s[0].isdigit():
        return parse_arabic(s)
    return parse_chinese(s)
