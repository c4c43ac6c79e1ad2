"""长春市人民政府 (www.changchun.gov.cn): TRS/UCAP; metas ArticleTitle / PubDate / ContentSource."""
from __future__ import annotations

from ..generic import Fields
from ..links import TRS_PAGE_SUFFIX
from . import SiteSpec, parse_with_spec

SPEC = SiteSpec(
    name="changchun",
    hosts=("www.changchun.gov.cn",),
    article_url=r"^https?://www\.changchun\.gov\.cn/.+/\d{6}/t\d{8}_\d+\.html$",
    title=("div.xl_title h1", "div.xl_title", "h1"),
    info=("div.xl_info", "div.xl_title div.info"),
    column=("div.position", "div.location", "div.dqwz", "div.bread"),
    body=("#UCAP-CONTENT", "#Zoom", "div.TRS_Editor", "div.xl_con"),
    drop="div.xl_info, div.xl_title",
    title_suffixes=(r"\s*_\s*长春市人民政府\s*$",),
    pager=("#pagenav", "div.page", "div.pages"),
    first_page_suffix=TRS_PAGE_SUFFIX,     # TRS: t..._1.html is page 2, canonical is page 1
)


def parse(root, url: str) -> Fields:
    return parse_with_spec(SPEC, root, url)
