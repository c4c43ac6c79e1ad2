"""Syndication: copies of one story (BIG5 mirror, pinyin copy site) share a story_id;
different articles of the same template do not."""
from __future__ import annotations

from pathlib import Path

import opencc

from zonewatch.parsers import parse_page
from zonewatch.parsers.syndication import (MIN_CHARS, NUM_PERM, StoryIndex, signature, similarity,
                                           story_id_for)
from zonewatch.pipeline import parse_file

PAGES = Path(__file__).parent / "pages"
ORIGINAL = "http://jl.people.com.cn/n2/2022/1012/c349771-40119234.html"
GATEWAY = "http://big5.people.com.cn/gate/big5/jl.people.com.cn/n2/2022/1012/c349771-40119234.html"
COPY = "http://www.caijing-copy.example.com/a/2022-10-13/777.html"


def html(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def big5_mirror() -> bytes:
    """What the BIG5 gateway serves: the page machine-converted to traditional, in BIG5."""
    page = html("syn_original.html").replace('charset="utf-8"', 'charset="big5"')
    return opencc.OpenCC("s2tw").convert(page).encode("big5")


def test_signature_shape_and_stability():
    body = parse_page(html("syn_original.html"), ORIGINAL).body
    sig = signature(body)
    assert len(sig) == NUM_PERM and all(isinstance(v, int) and 0 <= v < 2**64 for v in sig)
    assert signature(body) == sig                       # fixed seed: same text, same signature
    assert signature("") == []


def test_mirror_and_copy_site_join_the_original_story():
    original = parse_page(html("syn_original.html"), ORIGINAL)
    mirror = parse_file(big5_mirror(), GATEWAY)
    copy = parse_page(html("syn_copy.html"), COPY)
    assert mirror.language_variant == "traditional" and copy.language_variant == "traditional"
    assert mirror.canonical_url == ORIGINAL                  # the gateway maps back to the original
    assert "(zhǎng)" in copy.body_raw and "(zhǎng)" not in copy.body

    index = StoryIndex()
    story, _ = index.assign(original.canonical_url, original.body)
    assert story == story_id_for(ORIGINAL)
    assert similarity(signature(original.body), signature(copy.body)) >= 0.7
    assert index.assign(copy.canonical_url, copy.body)[0] == story
    # the mirror has the original's canonical URL: it keeps the story it already has
    assert index.assign(mirror.canonical_url, mirror.body)[0] == story


def test_same_template_different_articles_stay_apart():
    a = parse_page(html("syn_interview_a.html"), "http://jl.people.com.cn/n2/2022/1011/c349771-40118000.html")
    b = parse_page(html("syn_interview_b.html"), "http://jl.people.com.cn/n2/2022/1012/c349771-40119000.html")
    shared = set(a.paragraphs) & set(b.paragraphs)
    assert len(shared) == 4                                 # the four interview questions
    index = StoryIndex()
    sa, _ = index.assign(a.canonical_url, a.body)
    sb, _ = index.assign(b.canonical_url, b.body)
    assert sa != sb
    assert similarity(signature(a.body), signature(b.body)) < 0.5


def test_index_rebuilt_from_stored_rows_gives_the_same_answer():
    original = parse_page(html("syn_original.html"), ORIGINAL)
    other = parse_page(html("syn_interview_a.html"), "http://jl.people.com.cn/n2/2022/1011/c349771-40118000.html")
    rows = [(ORIGINAL, signature(original.body), "story-one"),
            (other.canonical_url, signature(other.body), "story-two")]
    index = StoryIndex.from_rows(rows)
    assert len(index) == 2 and ORIGINAL in index
    copy = parse_page(html("syn_copy.html"), COPY)
    story, sig = index.assign(copy.canonical_url, copy.body)
    assert story == "story-one" and len(sig) == NUM_PERM
    # a stored article keeps its id on re-parse, whatever its text now looks like
    assert index.assign(other.canonical_url, other.body)[0] == "story-two"
    assert index.assign(ORIGINAL, "完全不同的正文，" * 40)[0] == "story-one"


def test_short_bodies_never_merge():
    index = StoryIndex()
    text = "长春新区召开会议。" * 3
    assert len(text) < MIN_CHARS
    first, _ = index.assign("http://a.example/1.html", text)
    second, _ = index.assign("http://b.example/2.html", text)
    assert first != second and second == story_id_for("http://b.example/2.html")


def test_story_ids_persist_in_the_warehouse_across_runs(tmp_path):
    """The load path: a repost loaded in a later run joins the story stored by an earlier run."""
    from zonewatch.flows.run import assign_stories
    from zonewatch.warehouse import Warehouse
    original = parse_page(html("syn_original.html"), ORIGINAL)
    other = parse_page(html("syn_interview_a.html"), "http://jl.people.com.cn/n2/2022/1011/c349771-40118000.html")
    copy = parse_page(html("syn_copy.html"), COPY)
    with Warehouse.open(tmp_path / "wh") as wh:
        with wh.run("r1", "test") as tx:
            assign_stories(tx, [original, other])
            tx.load("articles", [original, other])
            tx.commit("first")
        with wh.run("r2", "test") as tx:
            assign_stories(tx, [copy])
            tx.load("articles", [copy])
            tx.commit("second")
        _, rows = wh.sql("SELECT canonical_url, story_id FROM articles ORDER BY 1")
    stories = dict(rows)
    assert stories[COPY] == stories[ORIGINAL] == story_id_for(ORIGINAL)
    assert stories[other.canonical_url] != stories[ORIGINAL]
