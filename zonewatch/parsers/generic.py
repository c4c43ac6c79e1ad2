"""The generic parser: named, separately testable heuristics over an lxml tree.

Metadata comes first (from the untouched tree); then the body:

1. :func:`remove_chrome`   drop script/nav/footer/... and boxes whose class/id or first words
                            say share/hot/recommend/copyright/breadcrumb (never text-rich ones)
2. :func:`text_stats`      one bottom-up pass: text length, Chinese punctuation, link text
3. :func:`score_containers` readability-style: each paragraph scores its parent (and half its
                            grandparent) by length and punctuation; links discount the result
4. :func:`collect_runs`    the chosen container as runs of text split at blocks and <br>
5. :func:`filter_runs`     drop captions, boilerplate lines, link lines, editor/来源 trailers,
                            bylines (kept as metadata); keep everything else in order
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from . import metadata as md
from .dom import clean_inline, is_hidden, meta_map, text_lines
from .links import absolute, next_pages as find_next_pages
from .metadata import Dated
from .xpaths import (BLOCK_TAGS, BOILERPLATE_BOX_START, BOILERPLATE_LINE, BOLD_TAGS, CAPTION_CLASS,
                     CHROME_TAGS, SKIP_TAGS, has_boilerplate_hint)

NAME = "generic"
MAX_BODY_CHARS = 300_000        # a longer body is cut (with a warning): no article is that long
MAX_META_CHARS = 400_000        # metadata is looked for in the first this-many characters of text


@dataclass
class Fields:
    """What a parser read off one page (the Article minus derived fields)."""
    parser: str = NAME
    title: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    published: Dated | None = None
    source_name: str | None = None
    author: str | None = None
    editor: str | None = None
    column: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    canonical: str | None = None
    warnings: list[str] = field(default_factory=list)


HEAD_CHARS = 30_000             # "the top of the page": where breadcrumbs, dates and 来源 lines live


class Page:
    """The parsed page with the text views the heuristics share (each computed once, on demand)."""

    def __init__(self, root, url: str):
        self.root = root
        self.url = url
        self.metas = meta_map(root)
        self.title_el = None            # the element printing the title, once known
        body = root.find("body") if root.tag == "html" else root
        self._body = body if body is not None else root

    @classmethod
    def of(cls, root, url: str) -> "Page":
        return cls(root, url)

    @cached_property
    def lines(self) -> list[str]:
        """Visible lines of the whole page (up to MAX_META_CHARS of text)."""
        return text_lines(self._body, limit=MAX_META_CHARS)

    @cached_property
    def head(self) -> list[str]:
        """Visible lines of the top of the page."""
        if "lines" in self.__dict__:
            return self.lines
        return text_lines(self._body, limit=HEAD_CHARS)


# --- metadata heuristics ---------------------------------------------------------------------

def page_title(root) -> str | None:
    el = root.find(".//title")
    return md.clean_title(el.text_content()) if el is not None else None


def heading_elements(root, limit: int = 12) -> list[tuple[str, object]]:
    found = []
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = md.clean_title(" ".join(text_lines(el)))
            if text:
                found.append((text, el))
            if len(found) >= limit:
                return found
    return found


def headings(root, limit: int = 12) -> list[str]:
    return [text for text, _ in heading_elements(root, limit)]


def extract_title(page: Page, suffixes: tuple[str, ...] = (), trust_page_title: bool = True) -> str | None:
    found = heading_elements(page.root)
    title = md.pick_title([t for t, _ in found], page_title(page.root), page.metas, suffixes,
                          trust_page_title=trust_page_title)
    if title and page.title_el is None:
        page.title_el = next((el for t, el in found if t == title), None)
    return title


def title_index(lines: list[str], title: str | None) -> int | None:
    """Index of the line that prints the title (searching the first few thousand lines)."""
    if not title:
        return None
    for i, line in enumerate(lines[:5000]):
        if line == title or (len(title) >= 6 and title in line and len(line) <= len(title) + 20):
            return i
    return None


def title_region(page: Page) -> list[str]:
    """Lines of the smallest ancestor of the title element that also holds a few other lines."""
    el = page.title_el
    for _ in range(4):
        parent = el.getparent() if el is not None else None
        if parent is None or parent.tag in ("body", "html"):
            break
        el = parent
        lines = text_lines(el, limit=4000)
        if len(lines) >= 4:
            return lines
    return []


def near_title(page: Page, title: str | None, before: int = 3, after: int = 10) -> list[str]:
    """Lines around the title: within the title's own block when known, else in the page head."""
    for lines in ((title_region(page) if page.title_el is not None else []), page.head):
        i = title_index(lines, title)
        if i is not None:
            return lines[max(0, i - before): i + after]
    return []


def extract_date(page: Page, title: str | None, info: list[str] | None = None,
                 order: tuple[str, ...] = ("info", "meta", "near", "label", "url")) -> Dated | None:
    """Date candidates in priority order; a later same-day candidate may add the time of day."""
    sources = {
        "info": lambda: next(filter(None, (md.date_from_text(line) for line in info or [])), None),
        "meta": lambda: md.date_from_meta(page.metas),
        "near": lambda: next(filter(None, (md.date_from_text(line) for line in near_title(page, title)
                                            if len(line) <= 120)), None),
        "label": lambda: next(filter(None, (md.labelled_date(line) for line in page.head
                                             if len(line) <= 120)), None),
        "url": lambda: md.date_from_url(page.url),
    }
    found: list[Dated] = []
    for name in order:                       # lazily: stop at the first dated-to-the-minute answer
        value = sources[name]()
        if value:
            found.append(value)
            if found[0][1] == "minute" or (value[1] == "minute" and value[0].date() == found[0][0].date()):
                break
    return md.pick_date(found)


def _first(lines, fn):
    for line in lines:
        value = fn(line)
        if value:
            return value
    return None


def extract_source(page: Page, title: str | None, info: list[str] | None = None) -> str | None:
    return (_first(info or [], md.source_from_line)
            or _first(near_title(page, title), md.source_from_line)
            or page.metas.get("contentsource") or page.metas.get("source") or page.metas.get("copysource")
            or _first((line for line in page.head if md.is_source_line(line) or len(line) <= 80),
                      md.source_from_line))


def extract_author(page: Page, title: str | None, info: list[str] | None = None) -> str | None:
    """作者/记者 in the info line, else a labelled author line near the title (meta author is
    not trusted: sites put the outlet or the editor there)."""
    short = [line for line in near_title(page, title) if len(line) <= 80]
    return (_first(info or [], md.author_from_line)
            or _first(short, lambda line: md.author_from_line(line, colon_only=True)))


def extract_editor(page: Page, title: str | None, container=None) -> str | None:
    """An editor line (``(责编：甲、乙)``, ``责任编辑:某``) just around the body container."""
    el = container if container is not None else page.title_el
    for _ in range(3):
        if el is None or el.tag in ("body", "html"):
            break
        el = el.getparent()
        if el is None:
            break
        lines = text_lines(el, limit=50_000)
        found = _first((line for line in lines if md.is_editor_line(line)), md.editor_from_line)
        if found:
            return found
    return None


def extract_column(page: Page, title: str | None) -> str | None:
    """版面 (newspaper page) when printed, else the last breadcrumb item before the title."""
    head = page.head[:400]
    found = _first(head, md.banmian)
    if found:
        return found
    end = title_index(head, title)
    for line in head[:end] if end is not None else head[:80]:
        if md.looks_like_breadcrumb(line):
            last = md.breadcrumb_last(line, title)
            if last:
                return last
    return None


def canonical_link(page: Page) -> str | None:
    for link in page.root.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            return absolute(page.url, link.get("href"))
    return None


# --- body heuristics -----------------------------------------------------------------------

_WS_DEL = str.maketrans("", "", " \t\r\n\f\u3000\u00a0")
_PUNCT_CHARS = ("，", "。", "；", "、", "！", "？")
_PARA_TAGS = frozenset({"p", "pre", "blockquote"})
_TEXT_BOX_TAGS = frozenset({"div", "td", "section", "article", "founder-content", "span", "font", "center", "main"})


def _punct(text: str) -> int:
    return sum(text.count(c) for c in _PUNCT_CHARS)


@dataclass
class Stat:
    length: int = 0       # non-space characters in the subtree
    punct: int = 0        # Chinese sentence punctuation in the subtree
    link: int = 0         # characters inside <a>
    own_length: int = 0   # characters directly in the element (text and children's tails)
    own_punct: int = 0

    @property
    def link_density(self) -> float:
        return self.link / self.length if self.length else 0.0


def _is_boilerplate_box(el, st: Stat) -> bool:
    """Chrome by class/id words or leading words; never a box with real sentences in it."""
    if st.punct >= 8 and st.link_density < 0.3:
        return False
    if has_boilerplate_hint(el):
        return True
    if el.tag in ("div", "ul", "ol", "dl", "section", "table") and st.length < 600:
        first = (el.text or "").strip()
        if not first and len(el):
            child = el[0]
            first = ((child.text or "") if isinstance(child.tag, str) else "").strip()
        if first and BOILERPLATE_BOX_START.match(md.simplified_view(first.strip()[:12])):
            return st.link_density > 0.3 or st.length < 40
    return False


def text_stats(root, *, prune: bool = True) -> dict:
    """Bottom-up statistics per element; with ``prune`` chrome is dropped from the tree first.

    Elements are visited in reverse document order, so children are done before parents:
    one pass, linear in the page size.
    """
    nodes = [el for el in root.iter() if isinstance(el.tag, str)]
    stats: dict = {"_nodes": nodes}   # keeps the element proxies (dict keys) alive
    doomed = []
    for el in reversed(nodes):
        tag = el.tag
        if tag in SKIP_TAGS or (prune and (tag in CHROME_TAGS or (tag not in ("html", "body") and is_hidden(el)))):
            stats[el] = Stat()
            if prune and el is not root:
                doomed.append(el)
            continue
        own = (el.text or "") + "".join(c.tail or "" for c in el)
        own_len = len(own.translate(_WS_DEL))
        own_punct = _punct(own) if own_len else 0
        st = Stat(own_len, own_punct, 0, own_len, own_punct)
        for child in el:
            cs = stats.get(child)
            if cs is not None:
                st.length += cs.length
                st.punct += cs.punct
                st.link += cs.link
        if tag == "a":
            st.link = st.length
        if prune and el is not root and tag not in ("html", "body") and _is_boilerplate_box(el, st):
            stats[el] = Stat()
            doomed.append(el)
            continue
        stats[el] = st
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return stats


def score_containers(root, stats: dict) -> dict:
    scores: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        st = stats.get(el)
        if st is None:
            continue
        if el.tag in _PARA_TAGS:
            length, punct, density = st.length, st.punct, st.link_density
            target_self = False
        elif el.tag in _TEXT_BOX_TAGS and st.own_length >= 20:
            length, punct, density = st.own_length, st.own_punct, 0.0
            target_self = True
        else:
            continue
        if length < 10 or density > 0.5:
            continue
        score = 1 + punct + min(length / 100, 3)
        parent = el.getparent()
        if target_self:       # text straight in a box (<br>-separated): the box is the container
            scores[el] = scores.get(el, 0) + score
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + score / 2
            continue
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + score / 2
    return {el: s * (1 - stats[el].link_density) for el, s in scores.items() if el in stats}


def best_container(root):
    """The element holding the article text, or None when nothing looks like prose."""
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        body = root
    stats = text_stats(body)
    scores = score_containers(body, stats)
    if not scores:
        return None
    best = max(scores, key=scores.get)
    st = stats[best]
    if st.punct < 2 and st.length < 60:
        return None
    return best


@dataclass
class Run:
    """A stretch of text between block boundaries, with what is known of its look."""
    parts: list[str] = field(default_factory=list)
    link: int = 0
    bold: int = 0
    img: bool = False
    centred: bool = False
    caption: bool = False
    after_img: bool = False   # follows an image in the same block, after a <br>
    text: str = ""

    def add(self, text: str, ctx: tuple) -> None:
        centred, bold, link, caption = ctx
        if not self.parts or not "".join(self.parts).strip():
            self.centred = centred
        self.parts.append(text)
        n = len(text.translate(_WS_DEL))
        if link:
            self.link += n
        if bold:
            self.bold += n
        self.caption = self.caption or (caption and n > 0)


_CENTRE = re.compile(r"text-align\s*:\s*center", re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)


def _ctx_for(el, ctx: tuple) -> tuple:
    centred, bold, link, caption = ctx
    tag = el.tag
    style = el.get("style") or ""
    if tag == "center" or (el.get("align") or "").lower() == "center" or (style and _CENTRE.search(style)):
        centred = True
    if tag in BOLD_TAGS or (style and _BOLD.search(style)):
        bold = True
    if tag == "a":
        link = True
    if tag == "figcaption" or CAPTION_CLASS.search(el.get("class") or ""):
        caption = True
    return centred, bold, link, caption


def is_nested_chrome(el) -> bool:
    """A share/hot/related box nested in the body (by class/id words), unless it holds sentences."""
    return has_boilerplate_hint(el) and _punct(" ".join(text_lines(el, limit=5000))) < 8


def collect_runs(container, drop=frozenset(), *, limit: int = MAX_BODY_CHARS) -> list[Run]:
    """The container's text as runs split at block elements and <br> (iterative walk).

    Elements in ``drop`` and nested chrome are skipped; the walk stops after ``limit`` characters.
    """
    runs: list[Run] = []
    cur = Run()
    size = 0

    def flush() -> None:
        nonlocal cur, size
        text = clean_inline("".join(cur.parts))
        if text or cur.img:
            cur.text = text
            runs.append(cur)
            size += len(text)
        cur = Run()

    ctxs = [(False, False, False, False)]
    walker = etree.iterwalk(container, events=("start", "end", "comment"))
    for event, node in walker:
        if event == "comment":
            if node.tail:
                cur.add(node.tail, ctxs[-1])
            continue
        tag = node.tag
        if event == "end":
            ctxs.pop()
            if tag in BLOCK_TAGS:
                flush()
            if node is not container and node.tail:
                cur.add(node.tail, ctxs[-1])
            continue
        if size > limit:
            runs.append(Run(text="\x00truncated"))
            break
        ctxs.append(ctxs[-1])
        if (not isinstance(tag, str) or tag in SKIP_TAGS or node in drop
                or (node is not container and (is_hidden(node) or is_nested_chrome(node)))):
            walker.skip_subtree()
            continue
        if tag == "br":
            image_only = cur.img and not "".join(cur.parts).strip()
            flush()
            cur.after_img = image_only
        elif tag in BLOCK_TAGS:
            flush()
        if tag == "img":
            cur.img = True
        ctxs[-1] = _ctx_for(node, ctxs[-2])
        if node.text:
            cur.add(node.text, ctxs[-1])
    flush()
    return runs


_TERMINAL = re.compile(r"[。！？；!?;…]")


def is_caption_text(text: str) -> bool:
    """Short, at most one sentence (its full stop only at the end): how captions read."""
    return len(text) <= 60 and not _TERMINAL.search(text[:-1])


def mark_captions(runs: list[Run]) -> list[Run]:
    """Drop captions: caption-classed runs, text sharing a block with an image, or a short
    centred (not bold) line right after an image-only run; then the image runs themselves."""
    kept: list[Run] = []
    prev_image = False
    for run in runs:
        if not run.text:                       # an image-only run
            prev_image = prev_image or run.img
            continue
        is_bold = run.bold >= 0.8 * len(run.text.translate(_WS_DEL))
        if run.caption:
            prev_image = False
            continue
        if (run.img or run.after_img) and is_caption_text(run.text):
            prev_image = False
            continue
        if prev_image and run.centred and not is_bold and is_caption_text(run.text):
            prev_image = False
            continue
        prev_image = False
        kept.append(run)
    return kept


def is_boilerplate_line(text: str) -> bool:
    return len(text) <= 160 and bool(BOILERPLATE_LINE.match(md.simplified_view(text)))


def is_header_line(text: str, found: Fields) -> bool:
    """The title, kicker/subtitle or the date/来源 info line repeated inside the container."""
    if text in (found.title, found.kicker, found.subtitle):
        return True
    if len(text) > 120 or _TERMINAL.search(text):
        return False
    simple = md.simplified_view(text)
    dated = md.date_from_text(simple) is not None
    return dated and bool(re.search(r"来源|发布|时间|日期|作者|浏览|点击|[|｜]", simple))


def is_link_line(run: Run) -> bool:
    n = len(run.text.translate(_WS_DEL))
    return n > 0 and n <= 100 and run.link >= 0.7 * n


def filter_runs(runs: list[Run], found: Fields) -> list[str]:
    """Paragraph texts from runs; editor/来源/byline lines go to ``found`` instead."""
    paragraphs: list[str] = []
    if runs and runs[-1].text == "\x00truncated":
        runs = runs[:-1]
        found.warnings.append(f"body truncated at about {MAX_BODY_CHARS} characters")
    for run in mark_captions(runs):
        text = run.text
        if md.is_editor_line(text):
            found.editor = found.editor or md.editor_from_line(text)
            continue
        if md.is_source_line(text) and not _punct(text):
            found.source_name = found.source_name or md.source_from_line(text)
            continue
        if is_boilerplate_line(text) or is_link_line(run) or is_header_line(text, found):
            continue
        paragraphs.append(text)
    take_bylines(paragraphs, found)
    return paragraphs


def take_bylines(paragraphs: list[str], found: Fields) -> None:
    """A first/last paragraph that is only a byline becomes the author; a lead 「（记者 某）」 too."""
    if paragraphs:
        author = md.byline_author(paragraphs[0])
        if author:
            found.author = found.author or author
            del paragraphs[0]
    if paragraphs:
        author = md.byline_author(paragraphs[-1])
        if author:
            found.author = found.author or author
            del paragraphs[-1]
    if paragraphs and not found.author:
        found.author = md.lead_reporter(paragraphs[0])


def paragraphs_from(container, found: Fields, drop=frozenset()) -> list[str]:
    return filter_runs(collect_runs(container, drop), found)


# --- the generic parser ----------------------------------------------------------------------

def fill_metadata(page: Page, f: Fields, *, info: list[str] | None = None, suffixes: tuple[str, ...] = (),
                  trust_page_title: bool = True, date_order: tuple[str, ...] | None = None) -> None:
    """Fill whatever metadata ``f`` still lacks from the generic heuristics."""
    if not f.title:
        f.title = extract_title(page, suffixes, trust_page_title)
    if f.published is None:
        f.published = extract_date(page, f.title, info, date_order or ("info", "meta", "near", "label", "url"))
    if not f.source_name:
        f.source_name = extract_source(page, f.title, info)
    if not f.author:
        f.author = extract_author(page, f.title, info)
    if not f.column:
        f.column = extract_column(page, f.title)
    if not f.canonical:
        f.canonical = canonical_link(page)
    if not f.next_pages:
        f.next_pages = find_next_pages(page.root, page.url)


def generic_body(page: Page, f: Fields) -> list[str]:
    container = best_container(page.root)
    if container is None:
        return []
    paragraphs = paragraphs_from(container, f)
    if not f.editor:
        f.editor = extract_editor(page, f.title, container)
    return paragraphs


def parse(root, url: str) -> Fields:
    page = Page.of(root, url)
    f = Fields()
    fill_metadata(page, f)
    f.paragraphs = generic_body(page, f)
    if not f.paragraphs:
        f.warnings.append("no body found")
    return f
