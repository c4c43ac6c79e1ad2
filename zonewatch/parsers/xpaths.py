"""Selectors as data: a tiny CSS-to-XPath compiler plus the generic hint tables.

Site modules write selectors in a small CSS subset (``div.rm_txt_con#rm_txt_zw``,
``div.content div.TRS_Editor``, ``div.artInfo > span``, ``meta[name=PubDate]``); they are
compiled once to lxml XPath objects.  Supported: tag or ``*``, ``.class`` (any number),
``#id``, ``[attr]``, ``[attr=value]``, descendant (space) and child (``>``) combinators,
and ``,`` groups (tried in the order written by :func:`select_first`).
"""
from __future__ import annotations

import re
from functools import cache

from lxml import etree

_TOKEN = re.compile(r"\s*(>)\s*|\s+|([A-Za-z*][\w-]*)|\.([\w-]+)|#([\w-]+)|\[([\w:-]+)(?:=[\"']?([^\"'\]]*)[\"']?)?\]")


def _compile_one(selector: str) -> str:
    steps: list[str] = []
    tag: str | None = None
    preds: list[str] = []
    path = "descendant-or-self::"   # the first step searches the context node's whole subtree

    def flush() -> None:
        nonlocal tag, preds
        if tag is None and not preds:
            return
        steps.append(path + (tag or "*") + "".join(f"[{p}]" for p in preds))
        tag, preds = None, []

    sel, pos = selector.strip(), 0
    while pos < len(sel):
        m = _TOKEN.match(sel, pos)
        if not m or m.end() == pos:
            raise ValueError(f"unsupported selector {selector!r} at {sel[pos:]!r}")
        pos = m.end()
        child, name, cls, ident, attr, value = m.groups()
        if child:
            flush()
            path = "/"
        elif name:
            tag = name.lower()
        elif cls:
            # the cheap substring test first: the exact token test runs only on the few survivors
            preds.append(f"contains(@class, '{cls}')")
            preds.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
        elif ident:
            preds.append(f"@id='{ident}'")
        elif attr:
            preds.append(f"@{attr.lower()}" if value is None else f"@{attr.lower()}='{value}'")
        else:  # whitespace: descendant combinator
            flush()
            path = "//"
    flush()
    return "".join(steps)


@cache
def css(selector: str) -> etree.XPath:
    """Compile a selector group to one XPath (union, document order)."""
    return etree.XPath(" | ".join(_compile_one(s) for s in selector.split(",")))


def select_all(root, selector: str | None) -> list:
    if not selector or root is None:
        return []
    return [el for el in css(selector)(root) if isinstance(el.tag, str)]


_CLASS_AND_ID = etree.XPath("descendant-or-self::*/@class | descendant-or-self::*/@id")


def page_tokens(root) -> frozenset[str]:
    """Every class word and id on the page: a selector naming one that is missing cannot match."""
    return frozenset(word for value in _CLASS_AND_ID(root) for word in value.split())


@cache
def _needs(selector: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[.#]([\w-]+)", selector))


def select_first(root, selectors: str | tuple[str, ...] | None, tokens: frozenset[str] | None = None):
    """The first element matched by the first selector (of a tuple, or a comma group) that matches.

    ``tokens`` (:func:`page_tokens` of the page) lets selectors whose classes or ids the page does
    not have be skipped without walking the tree."""
    if not selectors or root is None:
        return None
    groups = (selectors,) if isinstance(selectors, str) else selectors
    for group in groups:
        for one in group.split(","):
            if tokens is not None and not all(t in tokens for t in _needs(one)):
                continue
            found = select_all(root, one)
            if found:
                return found[0]
    return None


# --- generic hint tables (data the generic heuristics read) ---------------------------------

# Tags whose whole subtree is never article text.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "iframe", "select", "option", "button", "textarea", "input",
    "svg", "template", "object", "embed", "canvas", "audio", "video", "map", "head", "title", "link", "meta",
})
# Layout tags removed before looking for the body (generic parser only).
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})

# Block-level tags: a paragraph boundary in text extraction.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "dl", "dd", "dt", "center",
    "pre", "figure", "figcaption", "hr", "header", "footer", "nav", "aside", "form", "address",
    "founder-content", "body", "html", "caption", "fieldset", "legend",
})
BOLD_TAGS = frozenset({"b", "strong"})

# class/id words (one token part, split on - and _) that mark page chrome.
BOILERPLATE_CLASS_WORDS = frozenset({
    "share", "bshare", "jiathis", "fenxiang", "bdshare", "hot", "hotnews", "rank", "ranking", "paihang",
    "phb", "recommend", "tuijian", "related", "relate", "xgxw", "xgyd", "comment", "comments", "pinglun",
    "copyright", "banquan", "footer", "foot", "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb",
    "crumbs", "location", "position", "sidebar", "toolbar", "print", "ad", "ads", "advert", "banner",
    "gotop", "backtop", "totop", "qrcode", "erweima", "ewm", "login", "search", "weixin", "wechat",
    "disclaimer", "mianze", "shengming", "statement",
})


_HINT = re.compile(r"(?:^|[\s_\-])(?:" + "|".join(sorted(BOILERPLATE_CLASS_WORDS, key=len, reverse=True))
                   + r")(?=$|[\s_\-])")


def has_boilerplate_hint(el) -> bool:
    """A class/id word (split on spaces, - and _) names chrome: share, hot, footer, nav …"""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return False
    return bool(_HINT.search(f"{cls or ''} {ident or ''}".lower()))


# Leading words of a box that is not the article (traditional forms are simplified first).
BOILERPLATE_BOX_START = re.compile(r"^\s*(分享|热门|热点|相关|推荐|排行|版权|返回顶部|猜你喜欢|延伸阅读|更多)")

# Whole lines that are page chrome wherever they appear (matched on the simplified line).
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:"
    r"分享让更多人看到|分享到[:：]?.{0,30}|分享|热门排行|热点排行|热门推荐|热门文章|相关新闻|相关阅读|相关链接|相关文章|"
    r"延伸阅读|推荐阅读|猜你喜欢|返回顶部|back\s*to\s*top|top|[大中小]字号|字号[:：]?\s*[大中小 ]*|"
    r"点击进入专题|进入专题|打印本页|关闭窗口|【?\s*打印\s*】?|【?\s*关闭\s*】?|[【\[]?\s*字体[:：].{0,12}[】\]]?|"
    r"(?:标签|关键词|关键字|tags?)\s*[:：].{0,80}|【?\s*纠错\s*】?|我要纠错|收藏|"
    r"扫一扫.{0,20}|微信扫一扫.{0,20}|(?:上一篇|下一篇)[:：].{0,80}|上一页.{0,40}|下一页.{0,40}|"
    r".{0,60}版权所有.{0,60}|copyright.{0,100}|©.{0,100}|.{0,30}ICP备.{0,60}|"
    # WeChat public-account furniture
    r"往期推荐|往期回顾|往期精选|精彩推荐|推荐阅读|更多精彩|点击.{0,6}[“\"「『]?在看[”\"」』]?.{0,24}|"
    r".{0,12}点亮.{0,4}[“\"「『]?在看[”\"」』]?.{0,24}|.{0,10}长按.{0,12}(?:识别|关注|二维码).{0,30}|"
    r".{0,10}扫码关注.{0,30}|.{0,10}扫描二维码.{0,30}|关注我们.{0,20}|阅读原文|预览时标签不可点|"
    # the original headline of a repost, video players' placeholders and video captions
    r"[(（【\[]?\s*原标题\s*[:：].{0,80}|视频加载中.{0,20}|(?:您的)?浏览器(?:暂)?不支持.{0,30}|"
    r"[【\[]?视频[】\]]?\s*[:：|｜][^。！？!?]{0,60}|"
    # a picture credit standing alone: "封面图片来源：每日经济新闻 资料图", "（图片来源：视觉中国）"
    r"[(（]?\s*(?:(?:封面|题图|头图|配图)(?:图片)?|图片)来源\s*[:：][^。！？!?]{0,40}|"
    # a newspaper story's print-edition line: "《 人民日报 》（ 2024年06月18日 第 10 版）"
    r"《\s*[^》]{2,16}\s*》\s*[(（]\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*第?\s*\w{1,4}\s*版\s*[)）]|"
    # an app's advertisement line: "海量资讯、精准解读，尽在新浪财经APP", "下载某某客户端，阅读更多"
    r"[^。！？!?]{0,30}(?:尽在|下载|打开|安装)[^。！？!?]{0,16}(?:APP|App|app|客户端)[^。！？!?]{0,12}|"
    # a public account's end mark, a video's duration, a credit naming only pictures or layout
    r"[-—–\s]*(?:the\s+)?end[-—–\s]*|\d{1,2}:\d{2}(?::\d{2})?|"
    r"(?:图片|图|摄影|摄像|视频|设计|排版|美编|海报|剪辑)\s*[:：｜|/／]\s*[^。！？!?，,:：]{1,20}"
    r")\s*$",
    re.IGNORECASE,
)

# A header line after which a body lists other articles (titles, links) until prose resumes.
RECOMMEND_HEADER = re.compile(
    r"^\s*[【\[]?\s*(?:往期推荐|往期回顾|往期精选|精彩推荐|推荐阅读|相关阅读|相关新闻|相关链接|延伸阅读|猜你喜欢|更多精彩)\s*[】\]]?\s*$")

# 方正 (Founder) e-paper pages mark headline, 引题 and 副题 with elements of their own.
FOUNDER_TAGS = {"title": "founder-title", "kicker": "founder-introtitle", "subtitle": "founder-subtitle"}

# Classes of caption elements inside a body.
CAPTION_CLASS = re.compile(r"(^|[\s_-])(pictext|pic_?text|caption|img_?desc|imgtitle|img_?title|pic_?title|tupian|picdesc)($|[\s_-])", re.I)

# A disclaimer / 声明 / 免责 paragraph after the body (the platform's or the site's, not the
# article's): dropped only at the end of the body (matched on the simplified text).
DISCLAIMER = re.compile(
    r"^\s*[【\[（(]?\s*(?:(?:免责|版权|特别|郑重|转载)?声明|免责条款|disclaimer)\s*[】\]）)]?\s*[:：]"
    r"|^\s*(?:本文为.{0,30}(?:上传并发布|原创|授权)|本文(?:仅)?代表作者|(?:以上|本文|文章)(?:内容|观点)?(?:仅)?代表.{0,12}(?:观点|立场)|"
    r"凡本[网站]注明|本[网站]转载|转载请注明|本文系.{0,30}(?:授权|原创|作者|转载)|"
    r"(?:未经|非经).{0,20}(?:授权|许可|同意).{0,10}(?:不得|禁止|严禁)|.{0,40}仅代表(?:该|原)?作者.{0,12}(?:观点|立场)|"
    r".{0,30}不代表本[网站台报]?(?:观点|立场)|如(?:有|涉及)侵权.{0,20}(?:联系|删除))",
    re.IGNORECASE)
