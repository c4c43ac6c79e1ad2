"""zonewatch vs trafilatura vs GNE vs readability-lxml on the labelled extraction set.

    .venv/bin/python bench/extraction.py [--speed-pages N] [--no-speed]

Every tool gets the same decoded text of the same pages (decoded once, the way zonewatch's
fetch side decodes: declared GB2312/GBK as GB18030, BIG5 as big5hkscs, detection when a
declaration lies).  Multi-page articles: each page is extracted and the bodies concatenated
in order (zonewatch: ``join_pages``).  Values are compared after the same normalisation
(OpenCC t2s, pinyin stripped, NFKC keeping Chinese punctuation), so a traditional mirror
counts as right when it says the same thing.

Printed per tool, for all pages, the tuning pages and the held-out pages (written last,
never tuned on):

  title      title exact
  minute     published exact: same minute when the page prints one, same day (and no invented
             time of day) when it prints only a date
  来源       来源 value exact, over pages that print one (n/a: the tool has no such field)
  author     author exact (spaces and 、 ignored), over pages that print one
  no-editor  pages with an editor line where the author field does not hold the editor
  swapped    pages where the author holds the editor or the editor the author (goal: 0)
  ends       first AND last body paragraph both right
  F1         body character F1 (bag of characters, whitespace ignored), mean over pages
  p/s set    pages per second per core (CPU time) on the labelled pages
  p/s 100KB  pages per second per core on generated ~100 KB pages (bench/parse_speed.py)

Splits: all, tune, heldout, and each held-out round (heldout-r1: h_* pages, heldout-rN: hN_*
pages, marked ``"round": N`` in their truth; each round was written after the previous round's
misses were fixed and scored once with the code frozen).

zonewatch is timed on parse + normalise (``with_keywords=False``); jieba keywords are
timed separately in bench/parse_speed.py --keywords.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from zonewatch.fetch.encoding import decode_html  # noqa: E402
from zonewatch.parsers import join_pages, parse_page  # noqa: E402
from zonewatch.parsers.metadata import date_from_text, parse_meta_date  # noqa: E402
from zonewatch.parsers.normalize import normalize_text  # noqa: E402
from zonewatch.sources import source_for_url  # noqa: E402

DATA = ROOT / "tests" / "data" / "extraction"
TZ = ZoneInfo("Asia/Shanghai")
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")


@dataclass
class Case:
    name: str
    split: str
    kind: str
    truth: dict
    pages: list[tuple[str, str]]        # (decoded text, url)
    round: int = 0                      # held-out round (1: h_*, 2: h2_*, … 6: h6_*); 0 for tuning pages

    @property
    def splits(self) -> list[str]:
        return [self.split] + ([f"heldout-r{self.round}"] if self.split == "heldout" else [])


@dataclass
class Result:
    title: str | None = None
    published: str | datetime | None = None
    precision: str | None = None        # zonewatch only; others are parsed from their string
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    paragraphs: list[str] = field(default_factory=list)


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(DATA.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        files = truth.get("pages") or [[path.stem + ".html", truth["url"]]]
        pages = []
        for name, url in files:
            raw = (DATA / "pages" / name).read_bytes()
            source = source_for_url(url)
            text, _codec = decode_html(raw, http_charset=None, hint=source.encoding if source else None)
            pages.append((text, url))
        rnd = truth.get("round", 1) if truth["split"] == "heldout" else 0
        cases.append(Case(path.stem, truth["split"], truth["kind"], truth, pages, rnd))
    return cases


# --- the tools ----------------------------------------------------------------------------------

def run_zonewatch(pages: list[tuple[str, str]]) -> Result:
    articles = [parse_page(text, url, with_keywords=False) for text, url in pages]
    a = join_pages(articles[0], articles[1:], with_keywords=False) if len(articles) > 1 else articles[0]
    return Result(a.title, a.published, a.published_precision, a.source_name, a.author, a.editor,
                  a.body.split("\n") if a.body else [])


def run_trafilatura(pages: list[tuple[str, str]]) -> Result:
    import trafilatura

    result = Result()
    for i, (text, url) in enumerate(pages):
        doc = trafilatura.bare_extraction(
            text, url=url, with_metadata=True, include_comments=False, include_tables=True, as_dict=True,
            date_extraction_params={"extensive_search": True, "original_date": True,
                                    "outputformat": "%Y-%m-%d %H:%M"})
        if not doc:
            continue
        if i == 0:
            result.title, result.published, result.author = doc.get("title"), doc.get("date"), doc.get("author")
        result.paragraphs += [line for line in (doc.get("text") or "").split("\n") if line.strip()]
    return result


_GNE = None


def run_gne(pages: list[tuple[str, str]]) -> Result:
    global _GNE
    from gne import GeneralNewsExtractor

    _GNE = _GNE or GeneralNewsExtractor()
    result = Result()
    for i, (text, _url) in enumerate(pages):
        try:
            doc = _GNE.extract(text, noise_node_list=['//div[@class="comment-list"]'])
        except Exception:   # noqa: BLE001 - a tool failing on a page scores zero there
            continue
        if i == 0:
            result.title, result.published, result.author = doc.get("title"), doc.get("publish_time"), doc.get("author")
        result.paragraphs += [line for line in (doc.get("content") or "").split("\n") if line.strip()]
    return result


def run_readability(pages: list[tuple[str, str]]) -> Result:
    import lxml.html
    from readability import Document

    result = Result()
    for i, (text, _url) in enumerate(pages):
        try:
            doc = Document(text)
            summary = doc.summary(html_partial=True)
            if i == 0:
                result.title = doc.short_title()
        except Exception:   # noqa: BLE001
            continue
        tree = lxml.html.fromstring(summary) if summary.strip() else None
        if tree is None:
            continue
        lines = [ln.strip() for ln in _block_text(tree).split("\n")]
        result.paragraphs += [ln for ln in lines if ln]
    return result


def _block_text(tree) -> str:
    """Text of a readability summary with a line break at each block element."""
    from lxml import etree

    for el in tree.iter("p", "div", "li", "td", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "center"):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return etree.tostring(tree, method="text", encoding=str)


TOOLS = {
    "zonewatch": run_zonewatch,
    "trafilatura": run_trafilatura,
    "gne": run_gne,
    "readability": run_readability,
}
HAS_SOURCE = {"zonewatch"}
# Printed splits: every page, the tuning pages, all held-out pages, then each held-out round in
# order (round 1: the h_* pages; round N: the hN_* pages, written after round N-1's misses were
# fixed and scored once with the code frozen).  The rounds are read from the truth files.
BASE_SPLITS = ("all", "tune", "heldout")


def splits_of(cases) -> list[str]:
    return list(BASE_SPLITS) + [f"heldout-r{r}" for r in sorted({c.round for c in cases if c.round})]


HAS_EDITOR = {"zonewatch"}
HAS_AUTHOR = {"zonewatch", "trafilatura", "gne"}
HAS_DATE = {"zonewatch", "trafilatura", "gne"}


# --- scoring --------------------------------------------------------------------------------------

def norm(value) -> str:
    return normalize_text(str(value)).strip() if value else ""


def _names(value) -> str:
    return re.sub(r"[\s、,，;；/]+", "", norm(value))


def truth_published(value: str | None):
    if not value:
        return None
    dt = datetime.fromisoformat(value).replace(tzinfo=TZ)
    return dt, ("minute" if "T" in value else "day")


def tool_published(result: Result):
    value = result.published
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value, result.precision or "minute"
    text = str(value).strip()
    found = parse_meta_date(text) or date_from_text(text)
    if found is None:
        return None
    dt, precision = found
    if precision == "minute" and dt.hour == 0 and dt.minute == 0 and not re.search(r"\b00:00\b", text[10:]):
        precision = "day"
    if precision == "minute" and dt.hour == 0 and dt.minute == 0:
        precision = "day"            # a bare midnight is how these tools print a date
    return dt, precision


def published_right(truth, got) -> bool:
    if truth is None:
        return got is None
    if got is None:
        return False
    (t, tp), (g, gp) = truth, got
    if tp == "minute":
        return gp == "minute" and t == g
    return t.date() == g.date() and gp == "day"


def char_f1(got: str, want: str) -> float:
    g = Counter(got.replace("\n", "").replace(" ", ""))
    w = Counter(want.replace("\n", "").replace(" ", ""))
    if not g and not w:
        return 1.0
    overlap = sum((g & w).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(g.values()), overlap / sum(w.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    n: int = 0
    title: int = 0
    minute: int = 0
    source_n: int = 0
    source: int = 0
    author_n: int = 0
    author: int = 0
    editor_n: int = 0
    editor_out: int = 0
    swapped: int = 0
    ends: int = 0
    f1: float = 0.0
    misses: dict = field(default_factory=dict)

    def add(self, case: Case, r: Result) -> None:
        t = case.truth
        missed = []
        self.n += 1
        if norm(r.title) == norm(t["title"]):
            self.title += 1
        else:
            missed.append("title")
        if published_right(truth_published(t["published"]), tool_published(r)):
            self.minute += 1
        else:
            missed.append("published")
        if t["source"]:
            self.source_n += 1
            if norm(r.source) == norm(t["source"]):
                self.source += 1
            else:
                missed.append("source")
        if t["author"]:
            self.author_n += 1
            if _names(r.author) == _names(t["author"]):
                self.author += 1
            else:
                missed.append("author")
        if t["editor"]:
            self.editor_n += 1
            if not (r.author and _names(t["editor"]) in _names(r.author)):
                self.editor_out += 1
        if (t["editor"] and r.author and _names(r.author) == _names(t["editor"])) or \
                (t["author"] and r.editor and _names(r.editor) == _names(t["author"])):
            self.swapped += 1
            missed.append("swapped")
        want = [norm(p) for p in t["paragraphs"]]
        got = [norm(p) for p in r.paragraphs if norm(p)]
        if got and got[0] == want[0] and got[-1] == want[-1]:
            self.ends += 1
        else:
            missed.append("ends")
        f1 = char_f1("".join(got), "".join(want))
        self.f1 += f1
        if f1 < 0.999:
            missed.append(f"F1={f1:.3f}")
        if missed:
            self.misses[case.name] = missed


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def speed(fn, pages: list[list[tuple[str, str]]], min_seconds: float = 1.5) -> float:
    done, start = 0, time.process_time()
    while True:
        for p in pages:
            fn(p)
        done += len(pages)
        elapsed = time.process_time() - start
        if elapsed >= min_seconds:
            return done / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed-pages", type=int, default=40, help="generated ~100 KB pages to time on")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list the fields each tool missed, per page")
    args = ap.parse_args()

    cases = load_cases()
    print(f"{len(cases)} articles ({sum(c.split == 'heldout' for c in cases)} held out in "
          f"{len({c.round for c in cases if c.round})} rounds, "
          f"{sum(c.kind == 'generic' for c in cases)} on sites without a site parser), "
          f"{sum(len(c.pages) for c in cases)} pages")
    big = []
    if not args.no_speed:
        import random

        import parse_speed
        rng = random.Random(11)
        big = [[(parse_speed.make_page(rng, n), f"http://www.example.org/news/2024-05/08/content_{n + 10}.html")]
               for n in range(args.speed_pages)]

    scores: dict[str, dict[str, Score]] = {}
    speeds: dict[str, tuple[float, float]] = {}
    for tool, fn in TOOLS.items():
        fn(cases[0].pages)                              # warm-up (imports, models)
        by_split = {name: Score() for name in splits_of(cases)}
        for case in cases:
            r = fn(case.pages)
            by_split["all"].add(case, r)
            for split in case.splits:
                by_split[split].add(case, r)
        scores[tool] = by_split
        if not args.no_speed:
            speeds[tool] = (speed(fn, [c.pages for c in cases]), speed(fn, big))

    head = (f"{'tool':12s} {'split':10s} {'n':>3s} {'title':>6s} {'minute':>6s} {'来源':>5s} {'author':>6s} "
            f"{'no-editor':>9s} {'swapped':>7s} {'ends':>6s} {'F1':>6s} {'p/s set':>8s} {'p/s 100KB':>9s}")
    print(head)
    print("-" * len(head))
    for split in splits_of(cases):
        for tool in TOOLS:
            s = scores[tool][split]
            if not s.n:
                continue
            sp = speeds.get(tool)
            print(f"{tool:12s} {split:10s} {s.n:3d} {pct(s.title, s.n)} "
                  f"{pct(s.minute, s.n) if tool in HAS_DATE else '   n/a'} "
                  f"{pct(s.source, s.source_n) if tool in HAS_SOURCE else '   n/a'} "
                  f"{pct(s.author, s.author_n) if tool in HAS_AUTHOR else '   n/a'}    "
                  f"{pct(s.editor_out, s.editor_n) if tool in HAS_AUTHOR else '   n/a'} "
                  f"{s.swapped:7d} {pct(s.ends, s.n)} {s.f1 / s.n:6.3f} "
                  f"{(f'{sp[0]:8.1f}' if sp else '       -')} {(f'{sp[1]:9.1f}' if sp else '        -')}")
        print()
    if args.misses:
        for tool in TOOLS:
            print(f"{tool} misses:")
            for name, missed in scores[tool]["all"].misses.items():
                print(f"  {name:22s} {' '.join(missed)}")


if __name__ == "__main__":
    main()
