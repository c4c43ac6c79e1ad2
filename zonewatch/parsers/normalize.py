"""Text normalisation for the body column: one function, several named steps.

normalize_text(raw) = whitespace(nfkc(to_simplified(strip_pinyin(raw))))
The raw text is kept elsewhere; this is what indicators and search read.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc
from pypinyin import Style, pinyin

# A CJK character followed by a parenthesised romanisation: 點(diǎn), 区（qu）.
_ANNOTATION = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])[ \t]?[(（]([a-zA-ZüÜāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,7}[1-5]?)[)）]")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")
_TONE_STRIP = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvnnnm")

# Full-width punctuation that NFKC would turn into ASCII; Chinese text keeps it full-width.
_KEEP_FULLWIDTH = set("，：；！？（）")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{2,}")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _readings(char: str) -> frozenset[str]:
    """Toneless pinyin readings of one character ('ü' spelled 'v')."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, v_to_u=False, errors=lambda _: [[]])
    return frozenset(r.lower() for r in (readings[0] if readings else []))


def _is_annotation(char: str, token: str) -> bool:
    toneless = token.lower().rstrip("12345").translate(_TONE_STRIP).replace("ü", "v")
    readings = _readings(char)
    if readings:
        return toneless in readings
    # A character pypinyin does not know: accept only tone-marked tokens.
    return bool(_TONED.search(token))


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations such as 點(diǎn) or 区(qu), keeping ordinary brackets."""
    def repl(m: re.Match[str]) -> str:
        return m.group(1) if _is_annotation(m.group(1), m.group(2)) else m.group(0)
    return _ANNOTATION.sub(repl, text)


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def is_traditional(text: str, sample: int = 2000) -> bool:
    """True when converting to simplified changes a noticeable share of the characters."""
    head = text[:sample]
    if not head:
        return False
    simple = to_simplified(head)
    if simple == head:
        return False
    changed = sum(a != b for a, b in zip(head, simple))
    hanzi = sum(1 for c in head if "\u4e00" <= c <= "\u9fff") or 1
    return changed / hanzi > 0.05


# NFKC runs on the stretches between the kept punctuation (each of which is a starter that NFKC
# would only turn into ASCII, so no composition or reordering crosses it): the same result as
# normalising the whole text with the kept characters parked, several times faster than two
# dict-based str.translate passes over Chinese text.
_KEEP_SPLIT = re.compile("([" + re.escape("".join(sorted(_KEEP_FULLWIDTH))) + "])")


def nfkc(text: str) -> str:
    """NFKC (full-width digits and Latin to ASCII) but keep Chinese full-width punctuation."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts = _KEEP_SPLIT.split(text)
    parts[::2] = [p if unicodedata.is_normalized("NFKC", p) else unicodedata.normalize("NFKC", p) for p in parts[::2]]
    return "".join(parts)


def whitespace(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def normalize_text(raw: str) -> str:
    return whitespace(nfkc(to_simplified(strip_pinyin(raw))))
