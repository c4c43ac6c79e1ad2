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
BASE_BEFORE = re.compile(r"(?:占|占到|占比|贡献出|高于|低于|超过|扣除|较|比|于|对|与|和|同|联手|支持|服务|围绕|瞄准)$")
# Organisations named as <name>+suffix (富维安道拓, 长光辰芯 are not in the catalog; those with
# a company suffix are recognised).
COMPANY = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,12}?(?:集团|公司|股份|有限公司))")


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
ORG_AFTER = re.compile(r"^(?:\d|[,，;；。、:：)）”]|$|今年|去年|全年|明年|实现|完成|力争|计划|预计|将|的|在|连续|累计|共(?!同)|已|新增|年|集团|与|和|产值|销量|营业收入|营收|利润|整车)")


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
        before = text[max(0, m.start() - 3): m.start()]
        out.append(Mention(m.start(), m.end(), name, zone, org, bool(BASE_BEFORE.search(before))))
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
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


def canonical(name: str) -> str | None:
    """Canonical name for an alias (汽开区 -> 长春汽开区), None if unknown."""
    hit = _lookup().get(name)
    if hit:
        return hit[0]
    ms = find_mentions(name)
    return ms[0].name if ms and ms[0].end - ms[0].start == len(name) else None
