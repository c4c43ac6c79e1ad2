"""The bundled demo mirror: complete, reachable from the registry's start URLs, truthful manifest."""
from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from protego import Protego

from zonewatch.demo import build_mirror, find_seeds_dir
from zonewatch.sources import load_sources

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not available")


@pytest.fixture(scope="module")
def with_seeds(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not available")
    out = tmp_path_factory.mktemp("mirror_seeds")
    return out, build_mirror(out, SEEDS)


@pytest.fixture(scope="module")
def without_seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("mirror_plain")
    return out, build_mirror(out, None)


def _file(root: Path, url: str) -> Path:
    parts = urlsplit(url)
    path = parts.path + ("index.html" if parts.path.endswith("/") else "")
    return root / parts.hostname / path.lstrip("/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "area"):
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _decode(source, data: bytes) -> str:
    return data.decode(source.encoding or "utf-8")


def _crawl_lists(root: Path, source, as_of: date) -> tuple[set[str], set[str]]:
    """Follow list pages from the entry URLs as a crawler would; return (list urls, article urls)."""
    queue = list(source.entry_urls(as_of))
    seen: set[str] = set()
    articles: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path = _file(root, url)
        assert path.is_file(), f"list page {url} missing"
        parser = _Links()
        parser.feed(_decode(source, path.read_bytes()))
        for href in parser.hrefs:
            absolute = urljoin(url, href).split("#")[0]
            if source.is_article(absolute):
                articles.add(absolute)
            elif source.is_list(absolute) and absolute not in seen:
                queue.append(absolute)
    return seen, articles


def _check_mirror(root: Path, manifest: dict) -> None:
    sources = {s.id: s for s in load_sources()}
    assert json.loads((root / "manifest.json").read_text(encoding="utf-8")) == manifest
    as_of = date.fromisoformat(manifest["as_of"])
    for art in manifest["articles"]:
        assert art["published"][:10] <= manifest["as_of"]
    by_source: dict[str, list[dict]] = {}
    for art in manifest["articles"]:
        by_source.setdefault(art["source_id"], []).append(art)
    assert set(by_source) == set(sources)
    for sid, arts in by_source.items():
        source = sources[sid]
        _, linked = _crawl_lists(root, source, as_of)
        robots = Protego.parse(_file(root, f"http://{source.hosts[0]}/robots.txt").read_text(encoding="utf-8"))
        for art in arts:
            url = art["url"]
            assert source.is_article(url), url
            assert source.owns(url)
            assert url in linked, f"{url} is not linked from a list page reachable from {source.entry_urls(as_of)}"
            page = _file(root, url)
            if art["reason"] == "404":
                assert not page.exists() and not art["expected"]
                continue
            assert page.is_file(), url
            assert art["page_count"] == len(art["page_urls"]) >= 1
            for extra in art["page_urls"][1:]:
                assert _file(root, extra).is_file()
                assert not source.is_article(extra)        # further pages are not separate articles
            text = _decode(source, page.read_bytes())
            assert art["title"] in text.replace("&amp;", "&")
            for para in (art["first_paragraph"], art["last_paragraph"]):
                assert para, url
                html = "".join(_decode(source, _file(root, u).read_bytes()) for u in art["page_urls"])
                assert para in html, (url, para[:20])
            allowed = robots.can_fetch(url, "zonewatch")
            assert allowed == (art["reason"] != "robots")
            assert art["expected"] == (art["reason"] is None)
            if art["published"][10:11] == "T":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+08:00", art["published"])
            else:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", art["published"])
    for row in manifest["pages"]:
        assert (root / row["path"]).is_file()
        if row["meta_path"]:
            meta = json.loads((root / row["meta_path"]).read_text(encoding="utf-8"))
            assert meta["status"] == 200


def test_mirror_with_seeds(with_seeds):
    root, manifest = with_seeds
    _check_mirror(root, manifest)
    counts: dict[str, int] = {}
    for art in manifest["articles"]:
        counts[art["source_id"]] = counts.get(art["source_id"], 0) + art["expected"]
    assert all(n >= 4 for n in counts.values()), counts
    assert {a["seed"] for a in manifest["articles"] if a["seed"]} == {p.stem for p in SEEDS.glob("*.txt")}
    reasons = [a["reason"] for a in manifest["articles"]]
    assert reasons.count("robots") == 1 and reasons.count("404") == 1


def test_mirror_without_seeds(without_seeds):
    root, manifest = without_seeds
    _check_mirror(root, manifest)
    assert not any(a["seed"] for a in manifest["articles"])
    assert len([a for a in manifest["articles"] if a["expected"]]) >= 15
    assert manifest["as_of"] == "2026-03-19"


def test_content_features(without_seeds):
    _, manifest = without_seeds
    arts = manifest["articles"]
    assert any(a["page_count"] == 2 and a["source_id"] == "people_jl" for a in arts)
    assert any(a["kicker"] and a["subtitle"] for a in arts if a["source_id"] == "people_jl")
    assert any(a["kicker"] and a["subtitle"] for a in arts if a["source_id"] == "jlrb")
    assert any(a["author"] and a["editor"] for a in arts)
    assert any(a["traditional"] for a in arts)
    years = {a["published"][:4] for a in arts}
    assert {"2022", "2023", "2024", "2025", "2026"} <= years
    jlrb_days = {a["published"] for a in arts if a["source_id"] == "jlrb"}
    assert jlrb_days == {"2026-03-17", "2026-03-18", "2026-03-19"}
    assert all(a["column"] for a in arts if a["source_id"] == "jlrb")


def test_people_pages_are_gb18030(with_seeds):
    root, manifest = with_seeds
    pages = [r for r in manifest["pages"] if r["source_id"] == "people_jl" and r["kind"] != "robots"]
    assert pages
    outside_gb2312 = 0
    for row in pages:
        data = (root / row["path"]).read_bytes()
        text = data.decode("gb18030")
        assert '<meta http-equiv="content-type" content="text/html;charset=GB2312"/>' in text
        try:
            data.decode("gb2312")
        except UnicodeDecodeError:
            outside_gb2312 += 1
    assert outside_gb2312, "expected characters outside GB2312 on some people pages"


def _seed_lines(stem: str, numbers: list[int]) -> list[str]:
    lines = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    return [lines[n - 1].strip() for n in numbers]


@needs_seeds
@pytest.mark.parametrize("stem, body_lines, furniture", [
    ("000_4d2e44bee781a951", [1, 7, 9, 21, 65], [68]),
    ("001_07ab2585d8c9ead6", [1, 2, 5, 13, 22], [23]),
    ("002_699eb03364696f07", [6, 10, 26, 48], []),
    ("003_1d125c83ded6b8a5", [3, 6, 15, 41], []),
    ("004_f7272f80a1d8ce85", [4, 9, 19, 39, 67], [73]),
])
def test_seed_text_in_page(with_seeds, stem, body_lines, furniture):
    root, manifest = with_seeds
    sources = {s.id: s for s in load_sources()}
    (art,) = [a for a in manifest["articles"] if a["seed"] == stem]
    text = _decode(sources[art["source_id"]], _file(root, art["url"]).read_bytes())
    body = text.split("<h1", 1)[1]
    for line in _seed_lines(stem, body_lines):
        assert line in body, line[:30]
    for line in _seed_lines(stem, furniture):          # page chrome is the template's, not the body's
        assert line not in body.split("</h1>", 1)[1].split("分享让更多人看到")[0].split("Back to Top")[0]


@needs_seeds
def test_seed_manifest_fields(with_seeds):
    _, manifest = with_seeds
    seeds = {a["seed"]: a for a in manifest["articles"] if a["seed"]}
    assert seeds["000_4d2e44bee781a951"]["published"] == "2023-02-23"
    assert seeds["000_4d2e44bee781a951"]["author"] == "孙海翔"
    assert seeds["000_4d2e44bee781a951"]["editor"] == "园区投稿01"
    assert seeds["001_07ab2585d8c9ead6"]["url"] == "http://jl.people.com.cn/n2/2022/1013/c349771-40159188.html"
    assert seeds["001_07ab2585d8c9ead6"]["traditional"]
    assert seeds["002_699eb03364696f07"]["url"] == "http://zhengwu.cnjiwang.com/zwzwft_1130/202201/3515263.html"
    assert seeds["002_699eb03364696f07"]["published"] == "2022-01-30T08:59+08:00"
    assert seeds["002_699eb03364696f07"]["source_name"] == "长春发布"
    assert seeds["002_699eb03364696f07"]["editor"] == "金作超"
    assert seeds["003_1d125c83ded6b8a5"]["published"] == "2026-03-18"
    assert seeds["003_1d125c83ded6b8a5"]["column"] == "第01版：要闻"
    assert seeds["004_f7272f80a1d8ce85"]["published"] == "2022-10-12T10:00+08:00"
    assert seeds["004_f7272f80a1d8ce85"]["editor"] == "馬俊華、謝龍"
    assert seeds["004_f7272f80a1d8ce85"]["source_name"] == "人民网－吉林频道"


def test_rebuild_drops_seed_pages(tmp_path):
    if SEEDS.is_dir():
        first = build_mirror(tmp_path, SEEDS)
        seed_urls = [a["url"] for a in first["articles"] if a["seed"]]
        build_mirror(tmp_path, None)
        assert not any(_file(tmp_path, u).exists() for u in seed_urls)
    else:
        build_mirror(tmp_path, None)
    assert (tmp_path / "manifest.json").is_file()


def test_find_seeds_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ZONEWATCH_SEEDS", str(tmp_path))
    assert find_seeds_dir() == tmp_path
    monkeypatch.delenv("ZONEWATCH_SEEDS")
    found = find_seeds_dir()
    assert found is None or found.is_dir()
    if SEEDS.is_dir():
        assert found == SEEDS
