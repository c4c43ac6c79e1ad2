"""中国网园区 (zgyq.china.com.cn): Founder CMS, body between ``<!--enpcontent-->`` markers."""
from __future__ import annotations

from ..generic import Fields
from . import SiteSpec, parse_with_spec

SPEC = SiteSpec(
    name="chinacom",
    hosts=("zgyq.china.com.cn",),
    article_url=r"^https?://zgyq\.china\.com\.cn/\d{4}-\d{2}/\d{2}/content_\d+\.html$",
    title=("h1.articleTitle", "h1"),
    info=("div.artInfo", "div.articleInfo", "div.info"),
    date=("#pubtime_baidu",),
    source=("#source_baidu",),
    author=("#author_baidu",),
    editor=("div.editor",),
    body=("div.artCon#articleBody", "#articleBody", "div.artCon"),
    body_markers=("enpcontent", "/enpcontent"),
    drop="div.editor, div.backTop, div.share",
    title_suffixes=(r"\s*_\s*中国网园区\s*$", r"\s*_\s*中国网\s*$"),
)


def parse(root, url: str) -> Fields:
    return parse_with_spec(SPEC, root, url)
