"""人民网吉林频道 (jl.people.com.cn): current ``rm_txt_con`` template and the older ``box_con`` one."""
from __future__ import annotations

from ..generic import Fields
from . import SiteSpec, parse_with_spec

SPEC = SiteSpec(
    name="people",
    hosts=("jl.people.com.cn",),
    article_url=r"^https?://jl\.people\.com\.cn/n2/\d{4}/\d{4}/c\d+-\d+(?:-\d+)?\.html$",
    title=("div.col-1-1 h1", "div.text_title h1", "div.box01 h1", "div.clearfix h1", "h1"),
    kicker=("h3.pre", "div.box01 h3", "div.text_title h3"),
    subtitle=("h4.sub", "div.box01 h4", "div.text_title h4"),
    info=("div.col-1-1.fl", "div.channel", "div.box01 div.fl", "div.text_title div.box01"),
    editor=("div.edit", "div.rm_txt_con div.edit", "div.box_con div.edit"),
    body=("div.rm_txt_con#rm_txt_zw", "div.rm_txt_con", "#rm_txt_zw", "div.box_con#rwb_zw", "div.box_con", "#rwb_zw"),
    drop="div.zdfy, div.edit, div.share, div.box_pic, div.otitle, div.page_n",
    pager=("div.zdfy", "div.page_n"),
    title_suffixes=(r"\s*-{2}[^-]{0,20}-{2}\s*人民[网網]\s*$", r"\s*-{2}\s*人民[网網]\s*$"),
    first_page_suffix=r"-\d{1,3}(?=\.html$)",
)


def parse(root, url: str) -> Fields:
    return parse_with_spec(SPEC, root, url)
