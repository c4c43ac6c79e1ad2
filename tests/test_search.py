"""Full-text search on a real DuckLake warehouse and its real on-disk index; the scores are checked
against the DuckDB FTS extension's own ``match_bm25`` over the same tokens.

The articles are written here, some in traditional characters, and normalised as the parsers
do (``normalize_text``); every expected set below was worked out by reading these texts.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from zonewatch.cli import main
from zonewatch.parsers.normalize import normalize_text
from zonewatch.warehouse import Warehouse
from zonewatch.warehouse.search import INDEX_FILE, STATE_FILE, _connect, doc_tokens, refresh_index, search

CST = timezone(timedelta(hours=8))

# key: (source_id, published, title as printed, body as printed, keywords)
RAW = {
    "A1": ("people_jl", datetime(2022, 10, 12, 10, 0, tzinfo=CST), "長春經開區發展紀實",
           "長春經濟技術開發區堅持發展新能源汽車零部件產業。\n經開區中歐班列開行48列。", ["经开区", "中欧班列"]),
    "A2": ("zgyq", datetime(2023, 2, 23, 0, 0, tzinfo=CST), "长春汽开区新能源汽车产量增长",
           "汽开区一季度地区生产总值完成263.5亿元，新能源汽车产量增长三成。", ["汽开区", "新能源汽车"]),
    "A3": ("jlrb", datetime(2025, 4, 28, 15, 6, tzinfo=CST), "长春新区项目集中开工",
           "长春新区31个重大项目集中开工，涵盖新能源、生物医药等领域。\nGDP增长6.8%。", ["长春新区", "项目"]),
    "A4": ("changchun_gov", datetime(2025, 7, 1, 9, 30, tzinfo=CST), "汽开区上半年经济运行",
           "长春汽车经济技术开发区上半年规上工业总产值完成1200亿元。", ["规上工业总产值"]),
    "A5": ("jlrb", datetime(2026, 3, 18, 0, 0, tzinfo=CST), "净月高新区冰雪季",
           "净月高新区接待游客同比增长27.6%，冰雪旅游持续升温。", ["冰雪"]),
}


def url(key: str) -> str:
    return f"http://example.gov.cn/{key}.html"


def article(key: str, body: str | None = None) -> dict:
    source_id, published, title, raw_body, keywords = RAW[key]
    raw_body = body if body is not None else raw_body
    text = normalize_text(raw_body)
    return {"canonical_url": url(key), "url": url(key), "source_id": source_id, "title": normalize_text(title),
            "title_raw": title, "published": published, "body": text, "body_raw": raw_body, "keywords": keywords,
            "content_hash": f"{key}:{hash(text)}"}


def load(path, rows, run_id):
    with Warehouse.open(path) as wh, wh.run(run_id, "test") as tx:
        tx.load("articles", rows)
        return tx.commit()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "warehouse"
    load(path, [article(k) for k in RAW], "run-1")
    status = refresh_index(path)
    assert status.segmented == 5 and status.rebuilt
    return path


def found(path, query, **kw) -> set[str]:
    return {h.canonical_url.rsplit("/", 1)[1].removesuffix(".html") for h in search(path, query, **kw)}


@pytest.mark.parametrize("query, expected", [
    ("新能源", {"A1", "A2", "A3"}),              # A1 in traditional characters (新能源汽車)
    ("新能源 汽开区", {"A2"}),                    # every term: A4 has 汽开区 only, A1/A3 新能源 only
    ("經開區", {"A1"}),                           # traditional query; A4's 经济技术开发区 is not 经开区
    ("经开区", {"A1"}),
    ("经济技术开发区", {"A1", "A4"}),             # inside 长春(汽车)经济技术开发区, one jieba word each
    ("中歐班列", {"A1"}),
    ("汽开区", {"A2", "A4"}),                     # A4: in the title only
    ("能源汽车", {"A1", "A2"}),                   # crosses jieba's words (新能源汽车)
    ("gdp", {"A3"}),                              # Latin letters: case-insensitive
    ("冰", {"A5"}),                               # one character: no indexed word, scanned
    ("净月高新区 冰雪", {"A5"}),
    ("量子", set()),
    ("汽开区 冰雪", set()),
])
def test_query_finds_exactly_the_articles_containing_the_words(warehouse, query, expected):
    assert found(warehouse, query) == expected


def test_filters_since_and_source(warehouse):
    # A2 is published at 2023-02-23 00:00 Asia/Shanghai: on the day, so included
    assert found(warehouse, "新能源", since="2023-02-23") == {"A2", "A3"}
    assert found(warehouse, "新能源", since="2023-02-24") == {"A3"}
    assert found(warehouse, "新能源", source="zgyq") == {"A2"}
    assert found(warehouse, "新能源", source=["people_jl", "jlrb"]) == {"A1", "A3"}
    assert found(warehouse, "新能源", source="jlrb", since="2026-01-01") == set()
    assert found(warehouse, "新能源", limit=2) <= {"A1", "A2", "A3"} and len(search(warehouse, "新能源", limit=2)) == 2


def test_hits_carry_metadata_snippet_and_keywords(warehouse):
    [hit] = search(warehouse, "中歐班列")
    assert hit.title == "长春经开区发展纪实"
    assert hit.source_id == "people_jl"
    assert hit.published == datetime(2022, 10, 12, 10, 0, tzinfo=CST)
    assert hit.keywords == ["经开区", "中欧班列"]
    assert "【中欧班列】开行48列" in hit.snippet
    [hit] = search(warehouse, "gdp")
    assert "【GDP】增长6.8%" in hit.snippet            # highlighted as the text writes it


def fts_bm25(term: str) -> dict[str, float]:
    """match_bm25 of the FTS extension over the five articles' tokens (an in-memory index built
    by the extension itself), for the indexed words that contain ``term`` or that it contains."""
    con = _connect(":memory:", fts=True)
    try:
        con.execute("CREATE TABLE d (url VARCHAR, tokens VARCHAR)")
        for key in RAW:
            a = article(key)
            con.execute("INSERT INTO d VALUES (?, ?)", [a["canonical_url"], doc_tokens(a["title"], a["body"])])
        con.execute(r"PRAGMA create_fts_index('d', 'url', 'tokens', stemmer = 'none', stopwords = 'none', "
                    r"ignore = '\s+', strip_accents = 0, lower = 1)")
        words = [w for (w,) in con.execute(
            "SELECT term FROM fts_main_d.dict WHERE contains(term, $1) OR (length(term) >= 2 AND contains($1, term))",
            [term]).fetchall()]
        return dict(con.execute(
            "SELECT url, score FROM (SELECT url, fts_main_d.match_bm25(url, ?) AS score FROM d) "
            "WHERE score IS NOT NULL", [" ".join(words)]).fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("query, keys", [("汽开区", ("A2", "A4")), ("新能源", ("A1", "A2", "A3")),
                                         ("冰雪", ("A5",)), ("经济技术开发区", ("A1", "A4"))])
def test_scores_are_the_fts_extensions_bm25(warehouse, query, keys):
    hits = search(warehouse, query)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    expected = fts_bm25(query)
    assert {h.canonical_url: pytest.approx(h.score) for h in hits} == {url(k): expected[url(k)] for k in keys}


def test_index_file_has_no_fts_schema_and_postings_by_key(warehouse):
    con = _connect(warehouse / INDEX_FILE, read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"docs", "texts", "dict", "postings", "doc_terms", "meta"} <= tables
        # every (word, article) pair once, with the word's df equal to its posting list's length
        assert con.execute("SELECT count(*) FROM dict AS d JOIN postings AS p USING (termid) "
                           "WHERE d.df <> len(p.entries)").fetchone()[0] == 0
        words = dict(con.execute("SELECT term, df FROM dict").fetchall())
        assert words["新能源"] == 3 and words["汽开区"] == 2
    finally:
        con.close()


def test_ties_and_filters_agree_with_a_full_scan(warehouse):
    # the same question asked of every article's text: the set, the order of equal scores
    # (newest first) and the since/source filters
    for kw in ({}, {"since": "2023-01-01"}, {"source": ["jlrb", "zgyq"]}, {"limit": 1}):
        hits = search(warehouse, "增长", **kw)
        urls = [h.canonical_url for h in hits]
        assert len(urls) == len(set(urls))
        keys = [(-h.score, -h.published.timestamp()) for h in hits]
        assert keys == sorted(keys)
    assert found(warehouse, "增长") == {"A2", "A3", "A5"}
    assert found(warehouse, "增长", since="2025-01-01", source="jlrb") == {"A3", "A5"}


def test_index_follows_new_snapshots(tmp_path):
    path = tmp_path / "warehouse"
    load(path, [article(k) for k in RAW], "run-1")
    assert found(path, "新能源") == {"A1", "A2", "A3"}            # built lazily by the first query
    state = json.loads((path / STATE_FILE).read_text())
    first = state["snapshot_id"]
    # a correction of A5 and a new article in the next snapshot
    snap = load(path, [article("A5", "净月高新区发展新能源冰雪装备。"), {
        **article("A1"), "canonical_url": url("A6"), "url": url("A6"), "content_hash": "A6"}], "run-2")
    assert snap == first + 1
    status = refresh_index(path)                                        # only what changed is segmented
    assert (status.snapshot_id, status.articles, status.segmented, status.removed, status.rebuilt) == \
        (snap, 6, 2, 0, True)
    assert found(path, "新能源") == {"A1", "A2", "A3", "A5", "A6"}
    assert found(path, "旅游") == set()                                # A5's old text is gone
    # the next snapshot is picked up by the next query, without an explicit refresh
    snap = load(path, [{**article("A2"), "canonical_url": url("A7"), "url": url("A7"), "content_hash": "A7"}],
                "run-3")
    assert found(path, "汽开区 新能源") == {"A2", "A7"}
    assert json.loads((path / STATE_FILE).read_text())["snapshot_id"] == snap
    con = _connect(path / INDEX_FILE, read_only=True)
    assert con.execute("SELECT snapshot_id FROM meta").fetchone()[0] == snap
    assert con.execute("SELECT count(*) FROM docs").fetchone()[0] == 7
    con.close()
    status = refresh_index(path)                                        # nothing changed since
    assert (status.snapshot_id, status.segmented, status.rebuilt) == (snap, 0, False)
    load(path, [article("A2")], "run-4")                                # same content hash: no change
    status = refresh_index(path)
    assert (status.segmented, status.rebuilt) == (0, False)


def test_cli_json_and_table(warehouse, capsys):
    assert main(["--warehouse", str(warehouse), "search", "新能源", "--source", "zgyq", "--source", "people_jl",
                 "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["canonical_url"] for r in lines} == {url("A1"), url("A2")}
    assert all("【新能源】" in r["snippet"] for r in lines)
    assert {r["published"] for r in lines} == {"2022-10-12T10:00:00+08:00", "2023-02-23T00:00:00+08:00"}
    assert main(["--warehouse", str(warehouse), "search", "汽開區", "--since", "2025-01-01"]) == 0
    out = capsys.readouterr().out
    assert "汽开区上半年经济运行" in out and "2025-07-01" in out and "changchun_gov" in out
    assert "(1 row)" in out
