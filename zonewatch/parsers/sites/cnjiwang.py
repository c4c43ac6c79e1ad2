"""吉网 政务在线 (zhengwu.cnjiwang.com): TRS; the page <title> carries column and editor, not the title."""
from __future__ import annotations

from ..generic import Fields
from . import SiteSpec, parse_with_spec

SPEC = SiteSpec(
    name="cnjiwang",
    hosts=("zhengwu.cnjiwang.com",),
    article_url=r"^https?://zhengwu\.cnjiwang\.com/[a-z0-9_]+/\d{6}/\d+\.html$",
    title=("h1.title", "div.content h1", "h1"),
    info=("div.zxdata",),
    column=("div.location",),
    editor=("div.bianji",),
    body=("div.content div.TRS_Editor", "div.TRS_Editor", "div.content"),
    drop="div.bianji, div.zxdata, div.location, h1",
    trust_page_title=False,
)


def parse(root, url: str) -> Fields:
    return parse_with_spec(SPEC, root, url)
