"""The bundled offline demo mirror: every registry source rendered as static files.

``build_mirror(out_dir, seeds_dir)`` writes ``out_dir/<host>/<path>`` for each page of the
mirror (article pages, list/layout pages, ``robots.txt``) plus ``out_dir/manifest.json``, the
hand-made truth about every article (title, dates, names, first and last paragraph …) that the
parser tests compare their output with.

The content is data in this package: ``content/<source_id>/*.toml`` (one article each, plus
``_site.toml`` for the site), ``content/seeds.toml`` (where the seed text dumps go) and
``templates/`` (page templates and robots files). Seed pages are rendered only when a seeds
directory is given; their text is read from the dumps at build time.

Body items in an article TOML are strings; a prefix marks what is not a plain paragraph:
``@sub`` bold sub-head, ``@img`` image (src), ``@cap`` caption of the image before it,
``@box`` a paragraph in a nested box, ``@page`` a page break (people_jl multi-page articles).
"""
from __future__ import annotations

import html
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from protego import Protego

from zonewatch.sources import Source, get_source

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "content"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
SOURCE_IDS = ("people_jl", "zgyq", "jlrb", "cnjiwang_zw", "changchun_gov")
ROBOTS_AGENT = "zonewatch"
_WEEKDAYS = "一二三四五六日"


# --------------------------------------------------------------------------- records

@dataclass
class Block:
    kind: str          # p | sub | img | cap | box | page
    text: str = ""


@dataclass
class Doc:
    """One article of the mirror (a content TOML or a placed seed)."""
    source_id: str
    url: str
    title: str
    published: str                 # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (Asia/Shanghai)
    blocks: list[Block] = field(default_factory=list)
    kicker: str | None = None
    subtitle: str | None = None
    source_name: str | None = None
    source_href: str | None = None
    author: str | None = None
    editor: str | None = None
    list: str | None = None        # list page path (jlrb: the layout node, e.g. "node_01")
    keywords: str = ""
    indent: str | None = None
    info_style: str = "spaced"
    traditional: bool = False
    topic: bool = False
    robots_disallowed: bool = False
    missing: bool = False
    seed: str | None = None
    hot_titles: list[str] | None = None
    column: str | None = None      # jlrb: 版面, filled in from the node

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def docid(self) -> str:
        ids = re.findall(r"\d+", self.path.rsplit("/", 1)[-1])
        return ids[-1] if ids else ""

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def has_time(self) -> bool:
        return "T" in self.published

    @property
    def paragraphs(self) -> list[str]:
        """Body paragraphs as the manifest counts them: text, sub-heads and box paragraphs;
        not captions, images, bylines or pagers."""
        return [b.text for b in self.blocks if b.kind in ("p", "sub", "box")]

    @property
    def page_blocks(self) -> list[list[Block]]:
        pages: list[list[Block]] = [[]]
        for b in self.blocks:
            if b.kind == "page":
                pages.append([])
            else:
                pages[-1].append(b)
        return pages

    def page_url(self, n: int) -> str:
        if n == 1:
            return self.url
        return re.sub(r"\.html$", f"-{n}.html", self.url)

    @property
    def expected(self) -> bool:
        return not (self.robots_disallowed or self.missing)


@dataclass
class Page:
    url: str
    kind: str          # article | article_page | list | robots
    source_id: str
    data: bytes
    encoding: str | None
    meta: dict | None = None


# --------------------------------------------------------------------------- loading

def _load_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _parse_body(items: list[str]) -> list[Block]:
    blocks = []
    for item in items:
        if item == "@page":
            blocks.append(Block("page"))
            continue
        m = re.match(r"@(sub|img|cap|box) (.*)$", item, re.S)
        blocks.append(Block(m.group(1), m.group(2).strip()) if m else Block("p", item.strip()))
    return blocks


_DOC_KEYS = {"url", "title", "published", "kicker", "subtitle", "source_name", "source_href", "author",
             "editor", "list", "node", "keywords", "indent", "info_style", "traditional", "topic",
             "robots_disallowed", "missing", "body"}


def _doc_from_toml(source_id: str, data: dict, origin: str) -> Doc:
    unknown = set(data) - _DOC_KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown keys {sorted(unknown)}")
    kw = {k: v for k, v in data.items() if k not in ("body", "node")}
    if "node" in data:
        kw["list"] = data["node"]
    for k in ("kicker", "subtitle", "source_name", "source_href", "author", "editor"):
        if kw.get(k) == "":
            kw[k] = None
    return Doc(source_id=source_id, blocks=_parse_body(data.get("body", [])), **kw)


def load_site(source_id: str) -> dict:
    return _load_toml(CONTENT_DIR / source_id / "_site.toml")


def load_articles(source_id: str) -> list[Doc]:
    docs = []
    for path in sorted((CONTENT_DIR / source_id).glob("*.toml")):
        if path.name.startswith("_"):
            continue
        docs.append(_doc_from_toml(source_id, _load_toml(path), str(path)))
    return docs


# --------------------------------------------------------------------------- seeds

_SOURCE_IN_LINE = re.compile(r"来源\s*[:：]\s*(.+?)\s*(?:作者\s*[:：]\s*(.+?))?\s*$")
_EDITOR_IN_LINE = re.compile(r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯)\s*[:：]\s*([^)）\s]+)")


def _line_set(ranges: list) -> list[int]:
    out: list[int] = []
    for r in ranges:
        if isinstance(r, int):
            out.append(r)
        else:
            out.extend(range(r[0], r[1] + 1))
    return out


def load_seed_docs(seeds_dir: Path) -> list[Doc]:
    """Place each seed dump found in ``seeds_dir`` according to content/seeds.toml."""
    placements = _load_toml(CONTENT_DIR / "seeds.toml")
    docs = []
    for stem, pl in placements.items():
        dump = seeds_dir / f"{stem}.txt"
        if not dump.is_file():
            continue
        lines = dump.read_text(encoding="utf-8").split("\n")
        line = lambda n: lines[n - 1].strip()  # noqa: E731  (1-based, as in the placement file)

        body_lines = _line_set(pl.get("body", []))
        roles: dict[int, str] = {}
        singles = {k: pl[k] for k in ("title_line", "info_line", "editor_line", "source_line") if k in pl}
        for name, n in list(singles.items()) + [("body", n) for n in body_lines] \
                + [("hot", n) for n in _line_set(pl.get("hot", []))] \
                + [("furniture", n) for n in pl.get("furniture", [])]:
            if n in roles:
                raise ValueError(f"seed {stem}: line {n} has two roles ({roles[n]}, {name})")
            roles[n] = name
        unplaced = [i for i, text in enumerate(lines, 1) if text.strip() and i not in roles]
        if unplaced:
            raise ValueError(f"seed {stem}: lines without a role: {unplaced}")

        captions, subheads = set(pl.get("captions", [])), set(pl.get("subheads", []))
        blocks: list[Block] = []
        n_img = 0
        for n in body_lines:
            text = line(n)
            if not text:
                continue
            if n in captions:
                n_img += 1
                blocks.append(Block("img", f"__seedimg{n_img}"))
                blocks.append(Block("cap", text))
            elif n in subheads:
                blocks.append(Block("sub", text))
            else:
                blocks.append(Block("p", text))

        source_name, author = pl.get("source_name"), pl.get("author")
        if source_name is None and "info_line" in pl:
            m = _SOURCE_IN_LINE.search(line(pl["info_line"]))
            if m:
                source_name, author = m.group(1), author or m.group(2)
        editor = None
        if "editor_line" in pl:
            m = _EDITOR_IN_LINE.search(line(pl["editor_line"]))
            if not m:
                raise ValueError(f"seed {stem}: no editor in line {pl['editor_line']}")
            editor = m.group(1)
        hot = [re.sub(rf"^-\s*{i}", "", line(n)).strip()
               for i, n in enumerate(_line_set(pl.get("hot", [])), 1)] or None

        doc = Doc(
            source_id=pl["source_id"], url=pl["url"],
            title=pl.get("title") or line(pl["title_line"]),
            published=pl["published"], blocks=blocks,
            kicker=pl.get("kicker"), subtitle=pl.get("subtitle"),
            source_name=source_name, source_href=pl.get("source_href"),
            author=author, editor=editor, list=pl.get("list") or pl.get("node"),
            info_style=pl.get("info_style", "spaced"), traditional=pl.get("traditional", False),
            topic=pl.get("topic", False), seed=stem, hot_titles=hot,
        )
        for i, b in enumerate(b for b in doc.blocks if b.kind == "img"):
            b.text = f"/images/{doc.when:%Y-%m/%d}/{doc.docid}_{i + 1:02d}.jpg"
        docs.append(doc)
    return docs


# --------------------------------------------------------------------------- helpers

def esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def attr(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _template(name: str) -> Template:
    return Template((TEMPLATE_DIR / name).read_text(encoding="utf-8"))


def _indent_p(text: str, indent: str) -> str:
    if indent == "em":
        return f'<p style="text-indent: 2em;">{esc(text)}</p>'
    if indent == "nbsp":
        return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{esc(text)}</p>"
    if indent == "ideo":
        return f"<p>\u3000\u3000{esc(text)}</p>"
    return f"<p>{esc(text)}</p>"


def _description(doc: Doc) -> str:
    first = doc.paragraphs[0] if doc.paragraphs else doc.title
    return attr(first[:80])


def _short(title: str, n: int = 18) -> str:
    return title if len(title) <= n else title[:n] + "…"


def _others(doc: Doc, docs: list[Doc]) -> list[Doc]:
    others = [d for d in docs if d is not doc and not d.missing]
    return sorted(others, key=lambda d: d.published, reverse=True)


def _cycle(items: list, n: int) -> list:
    if not items:
        return []
    return [items[i % len(items)] for i in range(n)]


# --------------------------------------------------------------------------- site renderers

class SiteRenderer:
    source_id = ""
    caption_p = '<p style="text-align: center;">{text}</p>'
    image_p = '<p style="text-align: center;"><img src="{src}" alt="" /></p>'
    sub_p = "<p><strong>{text}</strong></p>"
    box_open, box_close = '<div class="bza">', "</div>"

    def __init__(self, site: dict, source: Source):
        self.site = site
        self.source = source
        self.encoding = site.get("encoding", "utf-8")

    # bodies
    def render_blocks(self, doc: Doc, blocks: list[Block]) -> str:
        indent = doc.indent or self.site.get("indent", "none")
        out: list[str] = []
        for is_box, group in groupby(blocks, key=lambda b: b.kind == "box"):
            group = list(group)
            if is_box:
                out.append(self.box_open)
                out.extend(f"<p>{esc(b.text)}</p>" for b in group)
                out.append(self.box_close)
                continue
            for b in group:
                if b.kind == "p":
                    out.append(_indent_p(b.text, indent))
                elif b.kind == "sub":
                    out.append(self.sub_p.format(text=esc(b.text)))
                elif b.kind == "img":
                    out.append(self.image_p.format(src=attr(b.text)))
                elif b.kind == "cap":
                    out.append(self.caption_p.format(text=esc(b.text)))
        return "\n".join(out)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)

    def page(self, url: str, kind: str, text: str) -> Page:
        meta = None
        if self.site.get("content_type"):
            meta = {"status": 200, "headers": {"Content-Type": self.site["content_type"]}}
        return Page(url, kind, self.source_id, self.encode(text), self.encoding, meta)

    def hot_items(self, doc: Doc, docs: list[Doc]) -> list[tuple[str, str]]:
        size = self.site.get("hot_size", 10)
        return [(d.url, d.title) for d in _cycle(_others(doc, docs), size)]

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        raise NotImplementedError

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        raise NotImplementedError

    def list_url(self, path: str) -> str:
        return f"http://{self.site['host']}{path}"

    def trs_lists(self, docs: list[Doc], template: str, depth: int) -> list[Page]:
        """TRS-style column lists (首页/上一页/下一页/尾页), article links relative to the column
        directory (``depth`` path parts above the article's month folder)."""
        tpl = _template(template)
        groups = self.list_groups(docs)
        names = [p.rsplit("/", 1)[-1] for p, _ in groups]
        out = []
        for i, (path, group) in enumerate(groups):
            items = []
            for d in group:
                rel = "./" + "/".join(d.path.split("/")[depth:])
                items.append(f'      <li><a href="{attr(rel)}" target="_blank" title="{attr(d.title)}">{esc(d.title)}</a>'
                             f'<span>{d.when:%Y-%m-%d}</span></li>')
            links = [f'<a href="{names[0]}">首页</a>']
            if i > 0:
                links.append(f'<a href="{names[i - 1]}">上一页</a>')
            if i < len(names) - 1:
                links.append(f'<a href="{names[i + 1]}">下一页</a>')
            links.append(f'<a href="{names[-1]}">尾页</a>')
            text = tpl.substitute(items="\n".join(items), pager=" ".join(links),
                                  page_count=len(names), page_no=i)
            out.append(self.page(self.list_url(path), "list", text))
        return out

    def list_groups(self, docs: list[Doc]) -> list[tuple[str, list[Doc]]]:
        paths = [entry["path"] for entry in self.site["list"]]
        for d in docs:
            if d.list not in paths:
                raise ValueError(f"{d.url}: list page {d.list!r} is not one of {paths}")
        return [(p, sorted((d for d in docs if d.list == p), key=lambda d: d.published, reverse=True))
                for p in paths]


class PeopleRenderer(SiteRenderer):
    source_id = "people_jl"
    caption_p = '<p class="pictext" style="text-align: center;">{text}</p>'
    image_p = '<p style="text-align: center;"><img src="{src}" alt="" /></p>'
    sub_p = '<p style="text-indent: 2em;"><strong>{text}</strong></p>'

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        tpl = _template("people_jl_article.html")
        pages = doc.page_blocks
        n_pages = len(pages)
        hot_src = [(self.list_url(self.site["list"][0]["path"]), t) for t in doc.hot_titles] \
            if doc.hot_titles else [(u, _short(t)) for u, t in self.hot_items(doc, docs)]
        hot = "\n".join(f'      <li><span>{i}</span><a href="{attr(u)}" target="_blank">{esc(t)}</a></li>'
                        for i, (u, t) in enumerate(hot_src, 1))
        recommend = "\n".join(f'      <li><a href="{attr(d.url)}" target="_blank">{esc(d.title)}</a></li>'
                              for d in _others(doc, docs)[:4])
        when = doc.when
        out = []
        for no, blocks in enumerate(pages, 1):
            pager = ""
            if n_pages > 1:
                name = lambda k: doc.page_url(k).rsplit("/", 1)[-1]  # noqa: E731
                links = []
                if no > 1:
                    links.append(f'<a href="{name(no - 1)}">上一页</a>')
                links += [f'<a href="{name(k)}">{k}</a>' for k in range(1, n_pages + 1)]
                if no < n_pages:
                    links.append(f'<a href="{name(no + 1)}">下一页</a>')
                pager = f'<div class="zdfy clearfix">{"".join(links)}</div>'
            topic = ('  <div class="zt_link"><a href="http://jl.people.com.cn/GB/351105/446521/index.html" '
                     'target="_blank">点击进入专题</a></div>') if doc.topic else ""
            edit = f'  <div class="edit clearfix">(责编：{esc(doc.editor)})</div>' if doc.editor else ""
            text = tpl.substitute(
                title_text=esc(doc.title), keywords=attr(doc.keywords), description=_description(doc),
                docid=doc.docid, pubdate=f"{when:%Y-%m-%d}", source_name=esc(doc.source_name),
                source_href=attr(doc.source_href or self.site["default_source_href"]),
                kicker=esc(doc.kicker), title=esc(doc.title), subtitle=esc(doc.subtitle),
                dateline=f"{when:%Y年%m月%d日%H:%M}", body=self.render_blocks(doc, blocks), pager=pager,
                topic=topic, edit=edit, hot=hot, recommend=recommend, year=when.year, page_no=no,
            )
            out.append(self.page(doc.page_url(no), "article" if no == 1 else "article_page", text))
        return out

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        tpl = _template("people_jl_list.html")
        groups = self.list_groups(docs)
        names = [p.rsplit("/", 1)[-1] for p, _ in groups]
        side = "\n".join(f'        <li><a href="{attr(s["url"])}" target="_blank">{esc(s["title"])}</a></li>'
                         for s in self.site.get("side", []))
        out = []
        for i, (path, group) in enumerate(groups):
            items = []
            for j, d in enumerate(group):
                href = d.url if j % 2 else d.path        # mix absolute and root-relative links
                items.append(f'        <li><a href="{attr(href)}" target="_blank">{esc(d.title)}</a>'
                             f'<em>{d.when:%Y年%m月%d日}</em></li>')
            links = []
            if i > 0:
                links.append(f'<a href="{names[i - 1]}">上一页</a>')
            current = ' class="common_current"'
            links += [f'<a href="{n}"{current if k == i else ""}>{k + 1}</a>' for k, n in enumerate(names)]
            if i < len(names) - 1:
                links.append(f'<a href="{names[i + 1]}">下一页</a>')
            text = tpl.substitute(items="\n".join(items), pager="".join(links), side=side,
                                  year=max(d.when.year for d in docs), page_no=i + 1)
            out.append(self.page(self.list_url(path), "list", text))
        return out


class ZgyqRenderer(SiteRenderer):
    source_id = "zgyq"
    caption_p = '<p style="text-align: center">{text}</p>'
    image_p = '<p style="text-align: center"><img src="{src}" border="0" /></p>'
    sub_p = '<p style="text-align: center"><strong>{text}</strong></p>'

    def info_line(self, doc: Doc) -> str:
        stamp = f"{doc.when:%Y-%m-%d %H:%M}" if doc.has_time else f"{doc.when:%Y-%m-%d}"
        src = ""
        if doc.source_name:
            src = (f'<a href="{attr(doc.source_href)}" target="_blank">{esc(doc.source_name)}</a>'
                   if doc.source_href else esc(doc.source_name))
        t = f'<span id="pubtime_baidu">{stamp}</span>'
        s = f'<span id="source_baidu">{src}</span>'
        a = f'<span id="author_baidu">{esc(doc.author)}</span>'
        if doc.info_style == "compact":            # as in the seed: no blanks between the parts
            parts = [f"时间:{t}"] + ([f"来源 : {s}"] if src else []) + ([f"作者 : {a}"] if doc.author else [])
            line = "".join(parts)
        elif doc.info_style == "fullwidth":
            parts = [f"时间：{t}"] + ([f"来源：{s}"] if src else []) + ([f"作者：{a}"] if doc.author else [])
            line = "\u3000".join(parts)
        elif doc.info_style == "dateonly":
            line = f"时间:{t}"
        else:
            parts = [f"时间:{t}"] + ([f"来源 : {s}"] if src else []) + ([f"作者 : {a}"] if doc.author else [])
            line = " ".join(parts)
        return f'<div class="artInfo">{line}</div>'

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        hot = "\n".join(f'        <li><em>{i}</em><a href="{attr(u)}" target="_blank">{esc(t)}</a></li>'
                        for i, (u, t) in enumerate(self.hot_items(doc, docs), 1))
        text = _template("zgyq_article.html").substitute(
            title_text=esc(doc.title), keywords=attr(doc.keywords), description=_description(doc),
            docid=doc.docid, title=esc(doc.title), info=self.info_line(doc),
            body=self.render_blocks(doc, doc.blocks), editor=esc(doc.editor), hot=hot,
        )
        return [self.page(doc.url, "article", text)]

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        tpl = _template("zgyq_list.html")
        groups = self.list_groups(docs)
        names = [p.rsplit("/", 1)[-1] for p, _ in groups]
        side = "\n".join(f'        <li><a href="{attr(s["url"])}" target="_blank">{esc(s["title"])}</a></li>'
                         for s in self.site.get("side", []))
        out = []
        for i, (path, group) in enumerate(groups):
            items = []
            for j, d in enumerate(group):
                href = d.url if j % 2 == 0 else "." + d.path
                items.append(f'        <li><a href="{attr(href)}" target="_blank">{esc(d.title)}</a>'
                             f'<span>{d.when:%Y-%m-%d}</span></li>')
            links = [f'<a href="{names[0]}">首页</a>']
            if i > 0:
                links.append(f'<a href="{names[i - 1]}">上一页</a>')
            if i < len(names) - 1:
                links.append(f'<a href="{names[i + 1]}">下一页</a>')
            text = tpl.substitute(items="\n".join(items), pager=" ".join(links), side=side)
            out.append(self.page(self.list_url(path), "list", text))
        return out


class JlrbRenderer(SiteRenderer):
    source_id = "jlrb"
    sub_p = "<p><strong>{text}</strong></p>"

    def nodes(self) -> list[dict]:
        return self.site["node"]

    def node_of(self, doc: Doc) -> dict:
        for n in self.nodes():
            if n["node"] == doc.list and date.fromisoformat(n["date"]) == doc.when.date():
                return n
        raise ValueError(f"{doc.url}: no layout {doc.list} on {doc.published}")

    def issue_fields(self, day: date, node: str, banmian: str) -> dict:
        return dict(issue_date=f"{day:%Y年%m月%d日}", weekday="星期" + _WEEKDAYS[day.weekday()],
                    issue_ym=f"{day:%Y%m}", issue_d=f"{day:%d}", issue_key=f"{day:%Y-%m-%d}",
                    node=node, banmian=banmian, banmian_name=banmian.split("：")[-1])

    def node_links(self, day: date, rel: str, current: str) -> str:
        out = []
        for n in self.nodes():
            if date.fromisoformat(n["date"]) != day:
                continue
            cls = ' class="on"' if n["node"] == current else ""
            out.append(f'        <li{cls}><a href="{rel}{n["node"]}.html">{esc(n["banmian"])}</a></li>')
        return "\n".join(out)

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        node = self.node_of(doc)
        doc.column = node["banmian"]
        day = doc.when.date()
        same_node = [d for d in _others(doc, docs) if d.when.date() == day and d.list == doc.list]
        same_day = [d for d in _others(doc, docs) if d.when.date() == day and d.list != doc.list]
        hot = "\n".join(f'        <li><a href="{attr(d.url)}">{esc(d.title)}</a></li>'
                        for d in (same_node + same_day)[:8])
        body = self.render_blocks(doc, doc.blocks)
        if doc.author:
            body = f"<p>本报记者 {esc(doc.author)}</p>\n{body}"
        text = _template("jlrb_article.html").substitute(
            title_text=esc(doc.title), description=_description(doc), docid=doc.docid,
            kicker=esc(doc.kicker), title=esc(doc.title), subtitle=esc(doc.subtitle),
            body=body, hot=hot,
            nodes=self.node_links(day, f"../../../layout/{day:%Y%m}/{day:%d}/", doc.list),
            **self.issue_fields(day, node["node"], node["banmian"]),
        )
        return [self.page(doc.url, "article", text)]

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        tpl = _template("jlrb_list.html")
        for d in docs:
            self.node_of(d)
        out = []
        for n in self.nodes():
            day = date.fromisoformat(n["date"])
            group = [d for d in docs if d.list == n["node"] and d.when.date() == day]
            items, areas = [], []
            for j, d in enumerate(group):
                href = f"../../../c/{day:%Y%m}/{day:%d}/{d.path.rsplit('/', 1)[-1]}"
                items.append(f'        <li><a href="{href}">{esc(d.title)}</a></li>')
                y0 = 40 + j * 260
                areas.append(f'        <area shape="polygon" coords="30,{y0},700,{y0},700,{y0 + 240},30,{y0 + 240}" '
                             f'href="{href}">')
            text = tpl.substitute(items="\n".join(items), areas="\n".join(areas),
                                  nodes=self.node_links(day, "", n["node"]),
                                  **self.issue_fields(day, n["node"], n["banmian"]))
            url = self.list_url(f"/pc/paper/layout/{day:%Y%m}/{day:%d}/{n['node']}.html")
            out.append(self.page(url, "list", text))
        return out


class CnjiwangRenderer(SiteRenderer):
    source_id = "cnjiwang_zw"
    sub_p = "<p>\u3000\u3000<strong>{text}</strong></p>"

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        hot = "\n".join(f'        <li><span>{i}</span><a href="{attr(u)}" target="_blank">{esc(t)}</a></li>'
                        for i, (u, t) in enumerate(self.hot_items(doc, docs), 1))
        page_title = f"{doc.title} 政务访谈-政务在线 {doc.editor} {doc.docid}"
        text = _template("cnjiwang_zw_article.html").substitute(
            page_title=esc(page_title), keywords=attr(doc.keywords), description=_description(doc),
            title=esc(doc.title), datetime=f"{doc.when:%Y-%m-%d %H:%M}", source_name=esc(doc.source_name),
            body=self.render_blocks(doc, doc.blocks), editor=esc(doc.editor), hot=hot, docid=doc.docid,
        )
        return [self.page(doc.url, "article", text)]

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        return self.trs_lists(docs, "cnjiwang_zw_list.html", 2)       # ./202201/3515263.html


class ChangchunRenderer(SiteRenderer):
    source_id = "changchun_gov"
    sub_p = '<p style="text-indent: 2em;"><strong>{text}</strong></p>'

    def render_article(self, doc: Doc, docs: list[Doc]) -> list[Page]:
        hot = "\n".join(f'      <li><a href="{attr(u)}" target="_blank">{esc(t)}</a></li>'
                        for u, t in self.hot_items(doc, docs))
        stamp = f"{doc.when:%Y-%m-%d %H:%M}"
        text = _template("changchun_gov_article.html").substitute(
            title_text=esc(doc.title), pubdate=stamp, source_name=esc(doc.source_name),
            keywords=attr(doc.keywords), description=_description(doc), title=esc(doc.title),
            datetime=stamp, body=self.render_blocks(doc, doc.blocks), hot=hot,
        )
        return [self.page(doc.url, "article", text)]

    def hot_items(self, doc: Doc, docs: list[Doc]) -> list[tuple[str, str]]:
        return [(d.url, d.title) for d in _others(doc, docs)[: self.site.get("hot_size", 5)]]

    def render_lists(self, docs: list[Doc]) -> list[Page]:
        return self.trs_lists(docs, "changchun_gov_list.html", 4)     # ./202507/t20250701_….html


RENDERERS: dict[str, type[SiteRenderer]] = {
    r.source_id: r for r in (PeopleRenderer, ZgyqRenderer, JlrbRenderer, CnjiwangRenderer, ChangchunRenderer)
}


# --------------------------------------------------------------------------- build

def find_seeds_dir() -> Path | None:
    """$ZONEWATCH_SEEDS, else the first existing of <repo>/../shared/seeds and <cwd>/../shared/seeds."""
    env = os.environ.get("ZONEWATCH_SEEDS")
    if env:
        return Path(env)
    repo_root = PACKAGE_DIR.parents[1]
    for candidate in (repo_root.parent / "shared" / "seeds", Path.cwd().parent / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def _manifest_entry(doc: Doc) -> dict:
    paras = doc.paragraphs
    published = doc.published + "+08:00" if doc.has_time else doc.published
    return {
        "url": doc.url,
        "source_id": doc.source_id,
        "title": doc.title,
        "kicker": doc.kicker,
        "subtitle": doc.subtitle,
        "published": published,
        "source_name": doc.source_name,
        "author": doc.author,
        "editor": doc.editor,
        "column": doc.column,
        "first_paragraph": paras[0] if paras else None,
        "last_paragraph": paras[-1] if paras else None,
        "paragraph_count": len(paras),
        "page_count": 0 if doc.missing else len(doc.page_blocks),
        "page_urls": [] if doc.missing else [doc.page_url(n) for n in range(1, len(doc.page_blocks) + 1)],
        "seed": doc.seed,
        "expected": doc.expected,
        "reason": "robots" if doc.robots_disallowed else "404" if doc.missing else None,
        "traditional": doc.traditional,
    }


def _rel_path(url: str) -> Path:
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/"):
        path += "index.html"
    return Path(parts.hostname or "") / path.lstrip("/")


def _check(source: Source, robots: Protego, docs: list[Doc]) -> None:
    for d in docs:
        if not source.is_article(d.url):
            raise ValueError(f"{d.url} does not match the article pattern of {source.id}")
        if robots.can_fetch(d.url, ROBOTS_AGENT) == d.robots_disallowed:
            raise ValueError(f"{d.url}: robots.txt and robots_disallowed={d.robots_disallowed} disagree")
        if not d.missing and not d.paragraphs:
            raise ValueError(f"{d.url}: no body")


def _forget_previous(out_dir: Path) -> None:
    """Remove the files a previous build listed in its manifest (and nothing else)."""
    manifest = out_dir / "manifest.json"
    if not manifest.is_file():
        return
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError:
        return
    root = out_dir.resolve()
    for page in old.get("pages", []):
        for rel in (page.get("path"), page.get("meta_path")):
            if not rel:
                continue
            target = (out_dir / rel).resolve()
            if root in target.parents and target.is_file():
                target.unlink()


def build_mirror(out_dir: Path, seeds_dir: Path | None = None) -> dict:
    """Render the whole demo mirror into ``out_dir`` and return (and write) its manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _forget_previous(out_dir)

    seed_docs = load_seed_docs(Path(seeds_dir)) if seeds_dir and Path(seeds_dir).is_dir() else []
    pages: list[Page] = []
    all_docs: list[Doc] = []
    for source_id in SOURCE_IDS:
        source = get_source(source_id)
        site = load_site(source_id)
        renderer = RENDERERS[source_id](site, source)
        docs = load_articles(source_id) + [d for d in seed_docs if d.source_id == source_id]
        robots_text = (TEMPLATE_DIR / "robots" / f"{source_id}.txt").read_text(encoding="utf-8")
        _check(source, Protego.parse(robots_text), docs)
        pages.append(Page(f"http://{site['host']}/robots.txt", "robots", source_id,
                          robots_text.encode("utf-8"), "utf-8"))
        for doc in docs:
            if not doc.missing:
                pages.extend(renderer.render_article(doc, docs))
        pages.extend(renderer.render_lists(docs))
        all_docs.extend(docs)

    page_rows = []
    for page in pages:
        rel = _rel_path(page.url)
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.data)
        row = {"url": page.url, "path": rel.as_posix(), "kind": page.kind, "source_id": page.source_id,
               "encoding": page.encoding, "status": 200, "meta_path": None}
        if page.meta:
            meta_rel = rel.with_name(rel.name + ".meta.json")
            (out_dir / meta_rel).write_text(json.dumps(page.meta, ensure_ascii=False), encoding="utf-8")
            row["meta_path"] = meta_rel.as_posix()
        page_rows.append(row)

    newest = max(d.when.date() for d in all_docs)
    manifest = {
        "as_of": newest.isoformat(),
        "articles": [_manifest_entry(d) for d in sorted(all_docs, key=lambda d: (d.source_id, d.published, d.url))],
        "pages": page_rows,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    return manifest
