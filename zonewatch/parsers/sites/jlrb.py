"""吉林日报数字报 (jlrbszb.dajilin.com): 引题/标题/副题, 版面 in the header, issue date from the URL."""
from __future__ import annotations

from ..generic import Fields
from . import SiteSpec, parse_with_spec

SPEC = SiteSpec(
    name="jlrb",
    hosts=("jlrbszb.dajilin.com",),
    article_url=r"^https?://jlrbszb\.dajilin\.com/pc/paper/c/\d{6}/\d{2}/content_\d+\.html$",
    title=("#Title", "h1"),
    kicker=("#PreTitle",),
    subtitle=("#SubTitle",),
    body=("founder-content", "#ozoom", "div.article-content"),
    # The paper's issue date (in the URL) is the publication date; there is no time of day.
    date_order=("url", "meta", "info", "near", "label"),
)


def parse(root, url: str) -> Fields:
    return parse_with_spec(SPEC, root, url)
