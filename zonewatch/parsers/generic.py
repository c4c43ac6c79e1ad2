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
from .dom import clean_inline, drop, is_hidden, meta_map, raw_text, text_lines
from .links import absolute, next_pages as find_next_pages
from .metadata import Dated
from .xpaths import (BLOCK_TAGS, BOILERPLATE_BOX_START, BOILERPLATE_LINE, BOLD_TAGS, CAPTION_CLASS, FOUNDER_TAGS,
                     CHROME_TAGS, DISCLAIMER, RECOMMEND_HEADER, SKIP_TAGS, has_boilerplate_hint, page_tokens)

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
    editor_anywhere: str | None = None   # an editor line found anywhere on the page (fallback)
    meta_author: str | None = None       # <meta name="author"> when it names a person: used only if the
                                         # page's own bylines (info line, lead, credit lines) name nobody


HEAD_CHARS = 30_000             # "the top of the page": where breadcrumbs, dates and 来源 lines live


class Page:
    """The parsed page with the text views the heuristics share (each computed once, on demand)."""

    def __init__(self, root, url: str):
        self.root = root
        self.url = url
        self.metas = meta_map(root)
        self.title_el = None            # the element printing the title, once known
        self.near_cache: dict = {}      # near_title's answers
        body = root.find("body") if root.tag == "html" else root
        self._body = body if body is not None else root

    @classmethod
    def of(cls, root, url: str) -> "Page":
        return cls(root, url)

    @cached_property
    def tokens(self) -> frozenset[str]:
        """The page's class words and ids, read once (see :func:`xpaths.page_tokens`)."""
        return page_tokens(self.root)

    @cached_property
    def lines(self) -> list[str]:
        """Visible lines of the whole page (up to MAX_META_CHARS of text), from the tree as
        loaded (before the body search prunes it)."""
        return text_lines(self._body, limit=MAX_META_CHARS)

    @cached_property
    def head(self) -> list[str]:
        """Visible lines of the top of the page (a prefix of :attr:`lines`: one serialisation)."""
        from bisect import bisect_right
        from itertools import accumulate

        lines = self.lines
        ends = list(accumulate(map(len, lines)))
        return lines[:bisect_right(ends, HEAD_CHARS) + 1]


# --- metadata heuristics ---------------------------------------------------------------------

def page_title(root) -> str | None:
    el = root.find(".//title")
    return md.clean_title("".join(el.itertext())) if el is not None else None


def heading_elements(root, limit: int = 12) -> list[tuple[str, object]]:
    found = []
    for tag in (FOUNDER_TAGS["title"], "h1", "h2"):
        for el in root.iter(tag):
            text = md.clean_title(" ".join(text_lines(el)))
            if text:
                found.append((text, el))
            if len(found) >= limit:
                return found
    return found


def headings(root, limit: int = 12) -> list[str]:
    return [text for text, _ in heading_elements(root, limit)]


_LOGO = etree.XPath("descendant::*[@class or @id][contains(@class, 'logo') or contains(@id, 'logo') or "
                    "contains(@class, 'Logo') or contains(@id, 'Logo') or contains(@class, 'LOGO')]")
_COPYRIGHT_NAME = re.compile(r"(?:版权所有|主办单位|主办|承办|copyright)\s*[:：©]?\s*", re.I)


# The app, mini-program or public account a share page comes from names the site: "下载农安融媒APP",
# "打开长春发布客户端", "分享自「长春发布」小程序", "打开长春发布小程序", "关注“长春发布”公众号".
_APP_NAME = re.compile(r"(?:下载|打开|安装|分享自|来自|关注|进入|搜索)\s*[“\"「『]?([\u4e00-\u9fffA-Za-z]{2,12}?)[”\"」』]?\s*"
                       r"(?:APP|App|app|客户端|微信小程序|小程序|微信公众号|公众号|服务号|订阅号)")


def site_names(page: Page) -> list[str]:
    """Names the page gives its own site: og:site_name / SiteName metas, a logo's text, and the
    owner in a footer's 版权所有/主办 line (``长春经济技术开发区管理委员会 版权所有``)."""
    names = [page.metas.get(k) for k in ("og:site_name", "sitename", "site_name", "application-name", "sitedomain")]
    for el in _LOGO(page._body)[:3]:           # (a logo's own children come after it: three are enough)
        names.append(md.clean_title(raw_text(el)) or el.get("alt") or "")
        names += [img.get("alt") for img in el.iter("img")]
    for line in page.lines[:40] + page.lines[-30:]:
        if len(line) > 80:
            continue
        app = _APP_NAME.search(line)             # "下载农安融媒APP", "打开长春发布客户端": the app is the site
        if app:
            names.append(app.group(1))
        m = md._search(_COPYRIGHT_NAME, line)
        if m:
            for part in (line[:m.start()], line[m.end():]):
                part = re.split(r"\s{1,}|[|｜,，;；]|(?:19|20)\d{2}|ICP|地址|电话", part.strip(" \u3000©:："))
                names.append(part[0] if part else "")
    out = []
    for name in names:
        name = md.clean_title(name)
        if name and 2 <= len(name) <= 30 and name not in out:
            out.append(name)
    return out


# A heading that is not an <h1>/<h2>: old TRS table pages print the title as <td><font><b>,
# others as <h3 class="tit">.  Taken only when a date/来源 info line follows right below it.
_STYLED_TITLE = etree.XPath(
    "descendant::*[self::h3 or self::b or self::strong or self::font or "
    "((self::td or self::div or self::p or self::span) and (contains(@class, 'title') or contains(@class, 'bt') "
    "or contains(@class, 'tit') or contains(@class, 'biaoti') or contains(@style, 'bold') "
    "or contains(@style, 'font-weight:6') or contains(@style, 'font-weight:7') or contains(@style, 'font-weight: 7') "
    "or contains(@style, 'font-size')))]")


# Newspaper (e-paper) pages print the headline in a table cell of its own, often with kicker and
# subtitle cells around it (方正 templates: ``<td class="font02">`` kicker, ``<td class="font01">``
# headline), and no date line under it: there a centred or styled cell counts when the very next
# line opens the article (a byline or a sentence).
_PAPER_TITLE_CELL = etree.XPath(
    "descendant::*[(self::td or self::div or self::p or self::span or self::h3 or self::h4 or self::font or self::b"
    " or self::strong) and (@align='center' or @align='CENTER' or contains(@style, 'center') or contains(@class, 'font')"
    " or contains(@class, 'title') or contains(@class, 'tit') or contains(@class, 'bt') or contains(@class, 'head'))]")


def opens_article(line: str) -> bool:
    """A byline (``本报记者 周洋``) or a sentence of prose: where an article's text starts."""
    return bool(md.byline_author(line)) or (len(line) >= 20 and _punct(line) >= 2 and bool(_TERMINAL.search(line)))


def _title_candidate(el) -> str | None:
    text = md.clean_title(" ".join(text_lines(el)))
    if not text or not 6 <= len(text) <= 80 or _TERMINAL.search(text) or md.looks_like_site_name(text):
        return None
    if md.date_from_text(text) or md.looks_like_breadcrumb(text):
        return None
    return text


def visual_title(page: Page, paper: bool = False) -> tuple[str, object] | None:
    head = page.head[:400]
    for el in _STYLED_TITLE(page._body):
        text = _title_candidate(el)
        if not text:
            continue
        for i, line in enumerate(head):
            if line == text:
                if any(is_info_line(nxt) for nxt in head[i + 1:i + 3]):
                    return text, el
                break
    if not paper:
        return None
    for el in _PAPER_TITLE_CELL(page._body):
        text = _title_candidate(el)
        if not text:
            continue
        for i, line in enumerate(head):
            if line == text:
                if i + 1 < len(head) and opens_article(head[i + 1]):
                    return text, el
                break
    return None


def extract_title(page: Page, suffixes: tuple[str, ...] = (), trust_page_title: bool = True) -> str | None:
    found = heading_elements(page.root)
    in_title = page_title(page.root)
    if not found:
        visual = visual_title(page, paper=md.is_paper_page(page.url, in_title))
        if visual:
            found = [visual]
    # Learned names are only needed when <title> still ends in a separated part after the usual
    # suffix rules (looking for them costs a tree scan, so most pages skip it).
    plain = md.strip_site_suffix(in_title, suffixes) if in_title else None
    names = site_names(page) if plain and (md._LEARNED_SEP.search(plain) or md._ORG_SHAPED.match(plain)
                                           or (found and len(plain) <= 12)) else []
    title = md.pick_title([t for t, _ in found], in_title, page.metas, suffixes,
                          trust_page_title=trust_page_title, paper=md.is_paper_page(page.url, in_title),
                          site_names=names)
    if title and page.title_el is None:
        page.title_el = next((el for t, el in found if t == title), None)
    return md.strip_column_prefix(title)


# 引题 above and 副题 below the headline: an adjacent heading, or an element whose class says so
# (``<h3 class="ep-yt">``, ``<h2 class="sub-title">``); a "——…" line below is always a 副题.
_KICKER_CLASS = re.compile(r"(?:^|[\s_-])(?:pre|pretitle|yt|yinti|kicker|jt|jianti|shoulder)(?:$|[\s_-])", re.I)
_SUBTITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:sub|subtitle|subtit|ft|futi|fbt)(?:$|[\s_-])", re.I)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．])")


def _neighbour(el, step: str):
    """The nearest element sibling with text (comments and empty headings skipped)."""
    node = getattr(el, step)()
    while node is not None and (not isinstance(node.tag, str) or not raw_text(node).strip()):
        if isinstance(node.tag, str) and len(node):
            return None                      # an element with children but no text: a box, not a heading
        node = getattr(node, step)()
    return node


def _head_line(el, title: str, class_words: re.Pattern[str]) -> str | None:
    if el is None or has_boilerplate_hint(el):
        return None
    text = md.clean_title(raw_text(el))
    if not text or text == title or not 4 <= len(text) <= 60:
        return None
    dash = text.startswith(("——", "—", "--"))
    if not (dash or el.tag in _HEADINGS or class_words.search(f"{el.get('class', '')} {el.get('id', '')}")):
        return None
    if (md.date_from_text(text) or re.search(r"[:：|｜]", text) or _NUMBERED.match(text) or text.endswith("。")
            or md.looks_like_site_name(text) or md.looks_like_breadcrumb(text) or is_info_line(text)):
        return None
    return text


def heading_neighbours(page: Page, title: str | None) -> tuple[str | None, str | None]:
    """(kicker, subtitle) printed right above and below the title element."""
    el = page.title_el
    if el is None or not title:
        return None, None
    if el.tag == FOUNDER_TAGS["title"]:          # 方正 e-paper markup names all three
        kicker, subtitle = (next(page.root.iter(FOUNDER_TAGS[k]), None) for k in ("kicker", "subtitle"))
        return (md.clean_title(raw_text(kicker)) if kicker is not None else None,
                md.clean_title(raw_text(subtitle)) if subtitle is not None else None)
    kicker = _head_line(_neighbour(el, "getprevious"), title, _KICKER_CLASS)
    below = _neighbour(el, "getnext")
    subtitle = _head_line(below, title, _SUBTITLE_CLASS)
    return kicker, subtitle


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
    """Lines around the title: within the title's own block when known, else in the page head
    (kept on the page: date, 来源 and author all look there)."""
    key = (title, page.title_el, before, after)
    found = page.near_cache.get(key)
    if found is None:
        found = page.near_cache[key] = _near_title(page, title, before, after)
    return found


def _near_title(page: Page, title: str | None, before: int, after: int) -> list[str]:
    for lines in ((title_region(page) if page.title_el is not None else []), page.head):
        i = title_index(lines, title)
        if i is not None:
            return lines[max(0, i - before): i + after]
    return []


def near_repeated_title(page: Page, title: str | None, before: int = 3, after: int = 10) -> Dated | None:
    """Responsive templates print the header twice (a PC and a mobile copy): a date under a later
    copy of the title counts when the first copy has none near it."""
    if not title:
        return None
    head = page.head
    seen = 0
    for i, line in enumerate(head):
        if line == title:
            seen += 1
            if seen > 1:
                found = md.publication_date(head[max(0, i - before): i + after])
                if found:
                    return found
            if seen >= 3:
                break
    return None


_TIME_ELEMENTS = etree.XPath("descendant::time[@datetime] | descendant::*[@itemprop='datePublished'][@datetime or @content]")


def time_element_date(page: Page) -> Dated | None:
    """``<time datetime="2024-06-18T09:20:00+08:00">6月18日 09:20</time>`` (or an element with
    itemprop=datePublished): the machine-readable date of the first such element, read like a
    meta tag.  Only the first one counts (later ones date comments and teasers)."""
    for el in _TIME_ELEMENTS(page._body)[:1]:
        value = (el.get("datetime") or el.get("content") or "").strip()
        if value:
            return md.parse_meta_date(value)
    return None


def near_published_label(page: Page, title: str | None) -> Dated | None:
    """A date the page labels 发布时间/发布日期 (…) right around the title: what readers see wins
    over meta tags, which CMSs fill with the time a draft was created."""
    lines = near_title(page, title)
    for i, line in enumerate(lines):
        found = md.published_label_date(line, lines[i + 1] if i + 1 < len(lines) else None)
        if found:
            return found
    return None


# Short table cells: a 信息公开 table prints each label in a cell of its own and the value in the
# next one (<td>成文日期：</td><td>2024-06-03</td><td>发布日期：</td><td>2024-06-05</td>).
def _short_cells(root, limit: int = 400, most: int = 14):
    n = 0
    for cell in root.iter("td", "th"):
        size = 0
        for piece in cell.itertext():          # stops early: layout cells can hold the whole page
            size += len(piece.strip())
            if size > most:
                break
        else:
            yield cell
            n += 1
            if n >= limit:
                return


def table_published_date(page: Page) -> Dated | None:
    """A date a table labels 发布日期/发布时间 in one cell and prints in the next: label and value
    are paired across cells, so a 成文日期/印发日期 pair in the same table never dates the page."""
    for cell in _short_cells(page._body):
        label = md.clean_title(raw_text(cell))
        if not label or not md.is_publish_label_cell(label):
            continue
        nxt = cell.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is None or nxt.tag not in ("td", "th"):
            continue
        value = md.clean_title(raw_text(nxt))
        if value and len(value) <= 60:
            found = md.date_from_text(value)
            if found:
                return found
    return None


def extract_date(page: Page, title: str | None, info: list[str] | None = None,
                 order: tuple[str, ...] = ("info", "labelled", "table", "meta", "near", "label", "url")) -> Dated | None:
    """Date candidates in priority order; a later same-day candidate may add the time of day."""
    sources = {
        "info": lambda: md.publication_date(info or [], max_len=10_000),
        "labelled": lambda: near_published_label(page, title),
        "table": lambda: table_published_date(page),
        "meta": lambda: md.date_from_meta(page.metas) or time_element_date(page),
        "near": lambda: md.publication_date(near_title(page, title)) or near_repeated_title(page, title),
        "label": lambda: (next(filter(None, (md.published_label_date(line) for line in page.head
                                             if len(line) <= 120)), None)
                          or next(filter(None, (md.labelled_date(line) for line in page.head
                                                if len(line) <= 120 and not md.is_other_date_label(line))), None)),
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


# Templates printing the 来源 value without a label, in its own element of the info line
# (``<span class="from">新区融媒体中心</span>``).  Read only when the text is a plausible outlet.
SOURCE_SELECTORS = ("span.from", "span.source", "span.ly", "span.laiyuan", "em.source", "div.source",
                    "span.article-source", "span.origin", "a.source", "span.share-source", "span.share-from",
                    "span.app-source", "span.media-name")


def template_source(page: Page, title: str | None) -> str | None:
    from .xpaths import select_first
    el = select_first(page.root, SOURCE_SELECTORS, page.tokens)
    if el is None:
        return None
    text = md.clean_title(raw_text(el))
    if not text:
        return None
    labelled = md.source_from_line(text)
    if labelled or md.is_source_line(text) or md.is_from_line(text):
        return labelled                       # "来自 微博 weibo.com": a client, so no 来源 at all
    if (2 <= len(text) <= 30 and not re.search(r"\d", text) and not re.search(r"[:：|｜。，！？]", text)
            and not md.is_placeholder_author(text) and (not title or text not in title)):
        return text
    return None


def extract_source(page: Page, title: str | None, info: list[str] | None = None) -> str | None:
    return (_first(info or [], md.source_from_line)
            or _first(near_title(page, title), md.source_from_line)
            or template_source(page, title)
            or page.metas.get("contentsource") or page.metas.get("source") or page.metas.get("copysource")
            or _first((line for line in page.head if md.is_source_line(line) or len(line) <= 80),
                      md.source_from_line))


def is_info_line(line: str) -> bool:
    """The date/来源 line under a title (where 文/… and 记者 … bylines are trusted)."""
    if len(line) > 120:
        return False
    return md.date_from_text(line) is not None or bool(md._search(md._SOURCE_LABEL, line))


# Known article templates outside the registry that print the author in their own element
# (WeChat public-account articles).  Read only when the text is a plausible name.
AUTHOR_SELECTORS = ("#js_author_name", "span.rich_media_meta_text")


def template_author(page: Page) -> str | None:
    from .xpaths import select_first
    el = select_first(page.root, AUTHOR_SELECTORS, page.tokens)
    if el is None:
        return None
    text = md.clean_title(raw_text(el))
    if (text and 2 <= len(text) <= 20 and md.date_from_text(text) is None and not re.search(r"\d{3}", text)
            and not md.is_placeholder_author(text)):
        return md.split_roles(text)
    return None


def extract_author(page: Page, title: str | None, info: list[str] | None = None) -> str | None:
    """作者/记者 in the info line, else a labelled author line near the title (any label on a
    date/来源 info line, 作者：-style labels elsewhere), else a template's author element.
    Meta author is not trusted: sites put the outlet or the editor there."""
    short = [line for line in near_title(page, title) if len(line) <= 80]
    return (_first(info or [], _credited_author) or _first(info or [], md.author_from_line)
            or _first(short, _credited_author)
            or _first(short, lambda line: md.author_from_line(line, colon_only=not is_info_line(line)))
            or template_author(page))


def _credited_author(line: str) -> str | None:
    """The writers of a credit line or of an info line's credit segment, all of them."""
    credits = md.credits_in_line(line)
    return " ".join(credits[0]) if credits and credits[0] else None


def meta_author(page: Page, *others: str | None) -> str | None:
    """``<meta name="author">`` when it names a person (see :func:`metadata.looks_like_person`) and
    not the site, the organisation, the 来源 or the editor: sites often put those there."""
    value = md.clean_title(page.metas.get("author") or page.metas.get("article:author") or "")
    if not value or not md.looks_like_person(value):
        return None
    simple = md.simplified_view(value)
    names = site_names(page)
    taken = [md.simplified_view(o) for o in others if o]
    if any(simple in md.simplified_view(n) for n in names) or any(simple == o or simple in o.split() for o in taken):
        return None
    return value


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


def credits_around(container) -> str | None:
    """Writers on a credit line just outside the body (``<div class="credit">撰稿：张晨　摄影：李阳</div>``
    after the text): the lines of the container's parent and grandparent."""
    el = container
    for _ in range(2):
        el = el.getparent() if el is not None else None
        if el is None or el.tag in ("body", "html"):
            break
        for line in text_lines(el, limit=50_000):
            credits = md.credit_line(line) if len(line) <= 70 else None
            if credits and credits[0]:
                return " ".join(credits[0])
    return None


_EDITOR_WORDS = ("编辑", "责编", "編輯", "責編")


def editor_anywhere(page: Page, title: str | None) -> str | None:
    """The first editor line (責編/责任编辑/编辑：…) after the title, anywhere on the page: also
    in a <footer> or a trailer far from the body container.  Read from the page's lines as
    loaded, before the body search prunes the tree."""
    lines = page.lines
    start = title_index(lines, title) or 0
    for line in lines[start:]:
        if len(line) <= 120 and any(w in line for w in _EDITOR_WORDS):   # the label may follow other chrome
            found = md.editor_from_line(line)
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

_WS_DEL_CHARS = (" ", "\t", "\r", "\n", "\f", "\u3000", "\u00a0")


def _visible(text: str) -> int:
    """Characters that are not whitespace (space, tab, CR, LF, FF, ideographic and no-break
    space): what ``len(text.translate(...))`` gave, counted without building a string (a
    dict-based translate walks Chinese text one character at a time)."""
    return len(text) - sum(text.count(c) for c in _WS_DEL_CHARS) if text else 0
_PUNCT_CHARS = ("，", "。", "；", "、", "！", "？")
_PARA_TAGS = frozenset({"p", "pre", "blockquote"})
_TEXT_BOX_TAGS = frozenset({"div", "td", "section", "article", "founder-content", "span", "font", "center", "main"})


def _punct(text: str) -> int:
    return sum(text.count(c) for c in _PUNCT_CHARS)


def _length(text: str) -> int:
    """Characters that are not whitespace (str.count is far cheaper than translate here)."""
    return len(text) - sum(text.count(c) for c in _WS_CHARS)


_WS_CHARS = (" ", "\n", "\t", "\r", "\u3000", "\u00a0")


def link_chars(el) -> int:
    """Characters of ``el``'s text inside links (0 without any <a>, found without a Python walk)."""
    if el.tag == "a":
        return _length(raw_text(el))
    if el.find(".//a") is None:
        return 0
    return _length("".join(_LINK_TEXT(el)))


_LINK_TEXT = etree.XPath("descendant::a//text()")


@dataclass
class Stat:
    length: int = 0       # non-space characters in the subtree
    punct: int = 0        # Chinese sentence punctuation in the subtree
    link: int = 0         # characters inside <a>

    @property
    def link_density(self) -> float:
        return self.link / self.length if self.length else 0.0


def stat(el) -> Stat:
    text = raw_text(el)
    return Stat(_length(text), _punct(text), link_chars(el))


def _is_boilerplate_box(el, st: Stat | None = None) -> bool:
    """Chrome by class/id words or leading words; never a box with real sentences in it."""
    hinted = has_boilerplate_hint(el)
    starts = False
    if not hinted and el.tag in _BOX_START_TAGS:
        first = (el.text or "").strip()
        if not first and len(el):
            child = el[0]
            first = ((child.text or "") if isinstance(child.tag, str) else "").strip()
        starts = bool(first) and bool(BOILERPLATE_BOX_START.match(md.simplified_view(first[:12])))
    if not hinted and not starts:
        return False
    if st is None:
        text = raw_text(el)
        punct = _punct(text)
        if hinted and punct < 8:
            return True
        st = Stat(_length(text), punct, link_chars(el))
    if st.punct >= 8 and st.link_density < 0.3:
        return False
    if hinted:
        return True
    return st.length < 600 and (st.link_density > 0.3 or st.length < 40)


_BOX_START_TAGS = ("div", "ul", "ol", "dl", "section", "table")
_WITH_CLASS_OR_ID = etree.XPath("descendant::*[@class or @id]")


def holds_article(el) -> bool:
    """A <form> wrapping the article (VSB/ASP.NET templates put the whole page in one): two or more
    paragraphs of prose and few links.  Never dropped as chrome."""
    if el.tag != "form":
        return False
    prose = 0
    for p in el.iter("p", "div"):
        text = _own_text(p) if p.tag == "div" else raw_text(p)
        if _length(text) >= 15 and _punct(text) >= 1:
            prose += 1
            if prose >= 2:
                st = stat(el)
                return st.link_density < 0.3
    return False


def remove_chrome(body) -> int:
    """Drop layout tags (nav/header/footer/aside/form/menu) and chrome boxes; returns how many.

    Only elements with a class/id, and boxes whose first words say 分享/热门/相关/…, are
    looked at one by one, so the cost does not grow with the number of plain elements.
    """
    doomed = [el for el in body.iter(*CHROME_TAGS) if el is not body and not holds_article(el)]
    seen = set()
    for el in _WITH_CLASS_OR_ID(body):
        if has_boilerplate_hint(el) and _is_boilerplate_box(el):
            doomed.append(el)
            seen.add(el)
    for el in body.iter(*_BOX_START_TAGS):
        if el not in seen and el is not body and _is_boilerplate_box(el):
            doomed.append(el)
    for el in doomed:
        drop(el)
    return len(doomed)


def text_stats(root, *, prune: bool = True) -> dict:
    """Statistics of the elements :func:`score_containers` needs (after removing chrome)."""
    if prune:
        remove_chrome(root)
    return {}


def _own_text(el) -> str:
    if not len(el):
        return el.text or ""
    return "".join(el.xpath("text()"))


def score_containers(root, stats: dict | None = None) -> dict:
    """Readability-style: each paragraph scores its parent (and half its grandparent) by length
    and punctuation; text straight in a box (``<br>``-separated) scores the box itself.
    Link-heavy paragraphs score nothing. Scores are raw (link density is applied by the caller)."""
    scores: dict = {}
    for el in root.iter(*_PARA_TAGS):
        text = raw_text(el)
        length = _length(text)
        if length < 10:
            continue
        if el.find(".//a") is not None and link_chars(el) > 0.5 * length:
            continue
        score = 1 + _punct(text) + min(length / 100, 3)
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + score / 2
    for el in root.iter(*_TEXT_BOX_TAGS):
        own = _own_text(el)
        if len(own) < 20:
            continue
        length = _length(own)
        if length < 20:
            continue
        score = 1 + _punct(own) + min(length / 100, 3)
        scores[el] = scores.get(el, 0) + score
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score / 2
    return scores


TOP_CANDIDATES = 8


def best_container(root):
    """The element holding the article text, or None when nothing looks like prose."""
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        body = root
    remove_chrome(body)
    scores = score_containers(body)
    if not scores:
        return None
    top = sorted(scores, key=scores.get, reverse=True)[:TOP_CANDIDATES]
    stats = {el: stat(el) for el in top}
    best = max(top, key=lambda el: scores[el] * (1 - stats[el].link_density))
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
        if not (link or bold or caption):
            return
        n = _visible(text)
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
        if tag == "table" and node is not container and is_data_table(node):
            flush()
            runs.append(Run(text=DATA_TABLE))
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
DATA_TABLE = "\x00table"


def is_data_table(table) -> bool:
    """A grid of short cells (指标 | 数值 | 增速): figures laid out for the eye, not prose.  Layout
    tables (the body in a cell, an info row above it) hold at least one long or sentence cell."""
    wide = 0
    for row in table.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        for cell in cells:
            text = "".join(cell.itertext()).strip()
            if len(text) > 40 or _TERMINAL.search(text) or cell.find(".//table") is not None:
                return False
        wide += len(cells) >= 2
    return wide >= 2


def is_caption_text(text: str) -> bool:
    """Short, at most one sentence (its full stop only at the end): how captions read."""
    return len(text) <= 60 and not _TERMINAL.search(text[:-1])


# A photo credit ends a caption: "…。新华社记者 许畅 摄", "（李四 摄）", "图为…", "▲…", "资料图".
# Agency credits close a caption too: "…（资料照片）。新华社发", "中新社发 张三 摄", "（图片由汽开区提供）".
_CREDIT = re.compile(
    r"(?:摄|摄影|供图|图源|资料图片?|资料照片|图片来源[:：].{1,20}|"
    r"(?:新华社|中新社|新华网|人民网|[\u4e00-\u9fff]{2,8}(?:社|网|报|中心))(?:记者)?\s*(?:[\u4e00-\u9fff·]{2,4}\s*)?发|"
    r"图片?由.{1,30}提供)\s*[)）]?\s*[。.]?\s*$"
    r"|[(（]\s*(?:摄影|摄|图|图片)\s*[:：/／]?\s*[\u4e00-\u9fff·][\u4e00-\u9fff·\s、]{1,16}[)）]\s*[。.]?\s*$"   # "（摄影 吴刚）"
    r"|^\s*(?:图为|图片|▲|△|↑)")
# A whole line that is only a picture credit, wherever it stands: "（图片由长春新区提供）", "（李四 摄）".
_CREDIT_LINE = re.compile(r"^\s*[(（]\s*(?:图片?由.{1,30}提供|[\u4e00-\u9fff·\s、]{2,20}摄|(?:图|摄影|图片)\s*[/／:：|｜].{1,20}|摄影\s+[\u4e00-\u9fff·\s、]{2,16})\s*[)）]\s*$")
# Unbracketed: "通讯员 张德明 摄", "本报记者 李铭摄", "王宇 摄" (the names must look like people).
_PHOTO_BYLINE = re.compile(r"^\s*(?:(?:本报|特约)?(?:记者|通讯员|实习生)\s*)?([\u4e00-\u9fff·、\s]{2,16}?)\s*摄影?\s*$")


def is_photo_byline(text: str) -> bool:
    m = _PHOTO_BYLINE.match(md.simplified_view(text)) if len(text) <= 30 else None
    return bool(m) and md.looks_like_person(m.group(1).strip())


def is_photo_credit(text: str) -> bool:
    return len(text) <= 120 and bool(_CREDIT.search(md.simplified_view(text)))


def is_bare_label(text: str) -> bool:
    """Short text without any sentence punctuation ("一汽生产车间"): a caption when under a picture."""
    return len(text) <= 40 and not _TERMINAL.search(text) and _punct(text) == 0


def mark_captions(runs: list[Run]) -> list[Run]:
    """Drop captions: caption-classed runs, text sharing a block with an image, a photo credit
    line, or a short line right after an image-only run that is centred (one sentence at most)
    or, uncentred, a bare label without punctuation; then the image runs themselves.
    Bold lines after an image are sub-heads, not captions."""
    kept: list[Run] = []
    prev_image = False
    for run in runs:
        if not run.text:                       # an image-only run
            prev_image = prev_image or run.img
            continue
        is_bold = run.bold >= 0.8 * _visible(run.text)
        after_image = prev_image
        prev_image = False
        if run.caption or _CREDIT_LINE.match(md.simplified_view(run.text)) or is_photo_byline(run.text):
            continue
        if (run.img or run.after_img) and (is_caption_text(run.text) or is_photo_credit(run.text)):
            continue
        if after_image and not is_bold:
            if run.centred and (is_caption_text(run.text) or is_photo_credit(run.text)):
                continue
            if is_bare_label(run.text) or (is_photo_credit(run.text) and len(run.text) <= 80):
                continue
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
    dated = md.date_from_text(simple) is not None or bool(_YEARLESS_TIME.search(simple))
    return dated and bool(re.search(r"来源|发布|时间|日期|作者|浏览|点击|[|｜]", simple))


# A date printed without its year, with a time of day: "6月18日 09:20", "05-13 10:05".
_YEARLESS_TIME = re.compile(r"(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}[:：]\d{2}|(?<![\d-])\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")


def is_leading_info_line(text: str) -> bool:
    """Before the first paragraph: a short line that is only an outlet and a date/time
    (``新华社 2024-05-13 10:05``, ``人民日报 05-13 10:05``): the info line, no sentence."""
    if len(text) > 50 or _punct(text) or _TERMINAL.search(text):
        return False
    simple = md.simplified_view(text)
    m = md._DATE.search(simple) or _YEARLESS_TIME.search(simple)
    if not m:
        return False
    rest = (simple[:m.start()] + " " + simple[m.end():]).strip(" \u3000\u00a0·•|｜:：-")
    return len(rest) <= 24 and not re.search(r"\d", rest)


def is_link_line(run: Run) -> bool:
    n = _visible(run.text)
    return n > 0 and n <= 100 and run.link >= 0.7 * n


def filter_runs(runs: list[Run], found: Fields) -> list[str]:
    """Paragraph texts from runs; editor/来源/byline lines go to ``found`` instead."""
    paragraphs: list[str] = []
    if runs and runs[-1].text == "\x00truncated":
        runs = runs[:-1]
        found.warnings.append(f"body truncated at about {MAX_BODY_CHARS} characters")
    recommending = False
    tables = sum(run.text == DATA_TABLE for run in runs)
    if tables:                    # their rows carry no period or subject of their own: kept out of the text
        found.warnings.append(f"{tables} data table{'s' if tables > 1 else ''} left out of the body")
        runs = [run for run in runs if run.text != DATA_TABLE]
    for run in mark_captions(runs):
        text = run.text
        if RECOMMEND_HEADER.match(md.simplified_view(text)):
            recommending = True            # a list of other articles follows: titles, links
            continue
        if recommending:
            if is_link_line(run) or (len(text) <= 60 and _punct(text) <= 1):
                continue
            recommending = False
        credits = md.credit_line(text)
        if credits:                        # "（撰稿：王彬　审核：刘强）", "界面新闻记者 | 冯思远"
            take_credits(credits, found)
            continue
        if md.is_editor_line(text):
            found.editor = found.editor or md.editor_from_line(text)
            continue
        if md.is_source_line(text) and not _punct(text):
            found.source_name = found.source_name or md.source_from_line(text)
            continue
        if is_boilerplate_line(text) or is_link_line(run) or is_header_line(text, found):
            continue
        if not paragraphs and is_leading_info_line(text):
            continue
        paragraphs.append(text)
    drop_trailing_disclaimers(paragraphs)
    take_bylines(paragraphs, found)
    return paragraphs


def is_disclaimer(text: str) -> bool:
    """本文为澎湃号作者…上传并发布…, 免责声明：…, 凡本网注明…, 仅代表作者观点…: site furniture."""
    return len(text) <= 400 and bool(DISCLAIMER.match(md.simplified_view(text)))


def drop_trailing_disclaimers(paragraphs: list[str]) -> None:
    """Disclaimer / 声明 / 免责 paragraphs closing the body are furniture (only at the end:
    an article may quote a statement)."""
    while paragraphs and is_disclaimer(paragraphs[-1]):
        del paragraphs[-1]


def take_credits(credits: tuple[list[str], list[str]], found: Fields) -> None:
    authors, editors = credits
    if authors and not found.author:
        found.author = " ".join(authors)
    if editors and not found.editor:
        found.editor = " ".join(editors)


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
    if f.kicker is None and f.subtitle is None:
        f.kicker, f.subtitle = heading_neighbours(page, f.title)
    if f.published is None:
        f.published = extract_date(page, f.title, info, date_order or ("info", "labelled", "table", "meta", "near", "label", "url"))
    if not f.source_name:
        f.source_name = extract_source(page, f.title, info)
    if not f.author:
        f.author = extract_author(page, f.title, info)
    if not f.column:
        f.column = extract_column(page, f.title)
    if not f.canonical:
        f.canonical = canonical_link(page)
    f.editor_anywhere = editor_anywhere(page, f.title)
    if not f.author:
        f.meta_author = meta_author(page, f.source_name, f.editor, f.editor_anywhere)
    if not f.next_pages:
        f.next_pages = find_next_pages(page.root, page.url)


def generic_body(page: Page, f: Fields) -> list[str]:
    container = best_container(page.root)
    if container is None:
        return []
    paragraphs = paragraphs_from(container, f)
    if not f.editor:
        f.editor = extract_editor(page, f.title, container) or f.editor_anywhere
    if paragraphs and not f.author:
        f.author = credits_around(container)
    return paragraphs


def parse(root, url: str) -> Fields:
    page = Page.of(root, url)
    f = Fields()
    fill_metadata(page, f)
    f.paragraphs = generic_body(page, f)
    if not f.paragraphs:
        f.warnings.append("no body found")
    return f
