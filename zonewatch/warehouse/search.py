"""Full-text search over the articles, and the reads behind ``zonewatch report``.

DuckDB's FTS tokeniser does not split Chinese, and ``create_fts_index`` cannot write into a
DuckLake catalog, so the index is a local DuckDB file beside the catalog. It no longer uses the
FTS extension: its own inverted index is smaller to query and can be updated in place::

    <warehouse>/search.duckdb   ``docs``      one row per article (doc_id primary key): URL, title,
                                              published, source, keywords, content hash, ``len``
                                              (number of tokens)
                                ``texts``     doc_id primary key → title + "\\n" + normalised body
                                              (snippets and substring checks read a few rows
                                              through the key instead of scanning the column)
                                ``dict``      termid → word, df (articles containing it)
                                ``postings``  termid primary key → BIGINT[] of doc_id << 32 | tf
                                ``doc_terms`` doc_id → its termids (what a refresh must remove)
                                ``meta``      snapshot, tokeniser fingerprint, format
    <warehouse>/search.json     which snapshot the index was built from, the catalog file's
                                stamp at that time, and the tokeniser's fingerprint
    <warehouse>/search.lock     held while the index is being refreshed

Segmentation: jieba's search mode (``cut_for_search``: words plus the dictionary words inside
long words) with the project's user dictionary (``parsers/userdict.txt``) and the indicator
catalog's regions, organisations and indicator names (``catalog.jieba_terms()``); one-character
tokens are dropped; the title is counted twice.

Querying. The query is normalised like the bodies (``normalize_text``: traditional to
simplified, NFKC …) and split on white space into terms; every term must occur in the
article's text (an AND of substrings, case-insensitive, checked on the candidates). Candidates
come from the inverted index: every indexed word that contains a term or that a term contains
(so the query needs no jieba and cannot disagree with the index's segmentation), scored by BM25
exactly as the FTS extension's ``match_bm25`` scores those words (k = 1.2, b = 0.75, log10 idf,
``len`` and ``avgdl`` in tokens). A term containing no indexed word (a single character, say) is
matched by a scan of the text instead (score 0 from that term). Each process keeps the word
dictionary and per-article length, date, source and rank in memory (loaded once per index
file); postings are read through the primary key, filters (``since``/``source``) are applied to
the candidate set before ranking, and candidates that need a look at their text are checked in
rank order only until the best ``limit`` are known.

Freshness. ``refresh_index`` (call it after each committed snapshot) reads the article URLs and
content hashes of the latest snapshot, segments only new or changed articles (content_hash),
and updates a copy of the index file in place (only the postings of the words of changed or
removed articles are rewritten), which then replaces the old file atomically (readers in other
processes keep the file they opened). ``search`` refreshes lazily when the catalog file changed
since the index was built (a cheap stat; the snapshot id decides).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time as dtime, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

from zonewatch.warehouse.lake import CATALOG_FILE, TIMEZONE, Warehouse, WarehouseLocked, extension_path

log = logging.getLogger(__name__)

INDEX_FILE = "search.duckdb"
STATE_FILE = "search.json"
LOCK_FILE = "search.lock"
FORMAT = 3                      # bump when the index tables or the token rules change
TITLE_WEIGHT = 2                # the title's tokens are indexed this many times
PARALLEL_MIN_DOCS = 4000        # segment in worker processes from this many changed articles
SNIPPET_CHARS = 100
HL_OPEN, HL_CLOSE = "【", "】"
CHUNK_CHARS = 4_000_000
BM25_K, BM25_B = 1.2, 0.75
SCAN_FROM = 20_000              # check the text of this many articles or more by a scan, not the key

_STAGE_SPEC = {"doc_id": "INTEGER", "canonical_url": "VARCHAR", "url": "VARCHAR", "title": "VARCHAR",
               "published": "TIMESTAMPTZ", "source_id": "VARCHAR", "keywords": "VARCHAR[]",
               "content_hash": "VARCHAR", "text": "VARCHAR", "len": "INTEGER", "terms": "VARCHAR[]",
               "tfs": "INTEGER[]"}
_DOC_COLS = "doc_id, canonical_url, url, title, published, source_id, keywords, content_hash, len"
_SCHEMA = """
CREATE TABLE docs (doc_id INTEGER PRIMARY KEY, canonical_url VARCHAR, url VARCHAR, title VARCHAR,
                   published TIMESTAMPTZ, source_id VARCHAR, keywords VARCHAR[], content_hash VARCHAR,
                   len INTEGER);
CREATE TABLE texts (doc_id INTEGER PRIMARY KEY, text VARCHAR);
CREATE TABLE doc_terms (doc_id INTEGER PRIMARY KEY, termids INTEGER[]);
CREATE TABLE dict (termid INTEGER, term VARCHAR, df INTEGER);
CREATE TABLE postings (termid INTEGER PRIMARY KEY, entries BIGINT[]);
CREATE TABLE meta (snapshot_id BIGINT, fingerprint VARCHAR, format INTEGER, built_at TIMESTAMPTZ);
"""
@dataclass(frozen=True)
class Hit:
    """One ranked article. ``snippet`` marks the matched words with 【】."""
    canonical_url: str
    url: str | None
    title: str | None
    published: datetime | None
    source_id: str | None
    score: float
    keywords: list[str] = field(default_factory=list)
    snippet: str = ""

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass
class IndexStatus:
    """What a refresh did."""
    snapshot_id: int | None
    articles: int = 0
    segmented: int = 0          # new or changed articles segmented by this refresh
    removed: int = 0
    rebuilt: bool = False       # a new index file was written
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------
# segmentation

_tok_lock = threading.Lock()
_tokenizer = None
_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s")


def _user_words() -> tuple[str, list[tuple[str, str]]]:
    from zonewatch.parsers.indicators.catalog import jieba_terms
    userdict = resources.files("zonewatch.parsers").joinpath("userdict.txt").read_text(encoding="utf-8")
    return userdict, jieba_terms()


def fingerprint() -> str:
    """Changes whenever the tokens of some text could change (dictionary, rules, jieba)."""
    import jieba
    userdict, terms = _user_words()
    h = hashlib.sha256(f"{FORMAT}|{TITLE_WEIGHT}|{jieba.__version__}|".encode())
    h.update(userdict.encode("utf-8"))
    h.update(json.dumps(terms, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:16]


def tokenizer():
    """A private jieba Tokenizer with the user dictionary and the catalog's terms."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _tok_lock:
        if _tokenizer is None:
            import jieba
            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            userdict, terms = _user_words()
            with resources.as_file(resources.files("zonewatch.parsers").joinpath("userdict.txt")) as p:
                tk.load_userdict(str(p))
            known = {line.split()[0] for line in userdict.splitlines() if line.strip() and not line.startswith("#")}
            for word, tag in terms:
                if word not in known:
                    tk.add_word(word, freq=None, tag=tag)
            _tokenizer = tk
    return _tokenizer


def segment(text: str) -> list[str]:
    """Index tokens of a normalised text: jieba search-mode words of two or more characters
    (with at least one letter, digit or hanzi), lower-cased."""
    if not text:
        return []
    out = []
    for t in tokenizer().cut_for_search(text):
        if len(t) >= 2 and _KEEP.search(t) and not _SPACE.search(t):
            out.append(t.lower())
    return out


def doc_tokens(title: str | None, body: str | None) -> str:
    title_tokens = segment(title or "")
    return " ".join(title_tokens * TITLE_WEIGHT + segment(body or ""))


def doc_counts(title: str | None, body: str | None) -> tuple[int, list[str], list[int]]:
    """(number of tokens, distinct tokens, their counts) of an article, as ``doc_tokens`` splits."""
    tokens = segment(title or "") * TITLE_WEIGHT + segment(body or "")
    counts = Counter(tokens)
    return len(tokens), list(counts), list(counts.values())


def _segment_batch(batch: list[tuple[str | None, str | None]]) -> list[tuple[int, list[str], list[int]]]:
    return [doc_counts(t, b) for t, b in batch]


def query_terms(query: str) -> list[str]:
    """The query as the index sees it: normalised like the bodies, split on white space,
    lower-cased, duplicates dropped."""
    from zonewatch.parsers.normalize import normalize_text
    seen: list[str] = []
    for term in normalize_text(query or "").split():
        term = term.lower()
        if term not in seen:
            seen.append(term)
    return seen


# ---------------------------------------------------------------------------------------
# the index file

def _paths(warehouse: Path) -> tuple[Path, Path, Path]:
    return warehouse / INDEX_FILE, warehouse / STATE_FILE, warehouse / LOCK_FILE


def _stamp(warehouse: Path) -> list[int]:
    """Changes whenever the catalog is written (its file or its WAL)."""
    out = []
    for name in (CATALOG_FILE, CATALOG_FILE + ".wal"):
        try:
            st = (warehouse / name).stat()
            out += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            out += [0, 0]
    return out


def _read_state(warehouse: Path) -> dict[str, Any]:
    try:
        return json.loads((warehouse / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(warehouse: Path, state: dict[str, Any]) -> None:
    tmp = warehouse / f"{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, warehouse / STATE_FILE)


def _connect(path: Path | str = ":memory:", read_only: bool = False, fts: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in the project's time zone (``fts``: with the FTS extension loaded;
    the index itself does not need it)."""
    con = duckdb.connect(str(path), read_only=read_only, config={"autoinstall_known_extensions": False})
    if fts:
        ext = str(extension_path("fts")).replace("'", "''")
        try:
            con.execute(f"LOAD '{ext}'")
        except duckdb.Error:
            con.execute(f"INSTALL '{ext}'")
            con.execute("LOAD fts")
    con.execute(f"SET GLOBAL TimeZone = '{TIMEZONE}'")
    return con


class _FileLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> "_FileLock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _insert_json(con: duckdb.DuckDBPyConnection, table: str, spec: dict[str, str],
                 rows: Iterable[dict[str, Any]]) -> None:
    js = json.dumps([spec]).replace("'", "''")
    select = ", ".join(f"r.{c}" for c in spec)
    sql = f"INSERT INTO {table} SELECT {select} FROM (SELECT unnest(from_json($1::VARCHAR, '{js}')) AS r)"
    chunk, size = [], 0
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, default=str)
        chunk.append(text)
        size += len(text)
        if size >= CHUNK_CHARS:
            con.execute(sql, ["[" + ",".join(chunk) + "]"])
            chunk, size = [], 0
    if chunk:
        con.execute(sql, ["[" + ",".join(chunk) + "]"])


def _old_hashes(index: Path, state: dict[str, Any], fp: str) -> dict[str, str]:
    if not index.exists() or state.get("fingerprint") != fp or state.get("format") != FORMAT:
        return {}
    _forget(index)
    try:
        con = _connect(index, read_only=True)
    except duckdb.Error:
        return {}
    try:
        if con.execute("SELECT format, fingerprint FROM meta").fetchone() != (FORMAT, fp):
            return {}
        return dict(con.execute("SELECT canonical_url, content_hash FROM docs").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _segment_all(pairs: list[tuple[str | None, str | None]],
                 workers: int | None) -> list[tuple[int, list[str], list[int]]]:
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(pairs) < PARALLEL_MIN_DOCS:
        return _segment_batch(pairs)
    import multiprocessing
    size = max(200, len(pairs) // (workers * 8))
    batches = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [t for out in pool.map(_segment_batch, batches) for t in out]


def _apply(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], dropped_urls: list[str],
           snap: int, fp: str) -> None:
    """Remove the articles ``dropped_urls`` from the index open on ``con`` and add ``rows``
    (staged articles with their token counts): the postings of every word they contain are
    rewritten, the others are left as they are."""
    con.execute("CREATE TEMP TABLE dropped AS SELECT doc_id FROM docs "
                "WHERE canonical_url IN (SELECT unnest($1::VARCHAR[]))", [dropped_urls])
    first = con.execute("SELECT coalesce(max(doc_id), 0) + 1 FROM docs").fetchone()[0]
    for i, r in enumerate(rows):
        r["doc_id"] = first + i
    cols = ", ".join(f"{c} {t}" for c, t in _STAGE_SPEC.items())
    con.execute(f"CREATE TEMP TABLE staged ({cols})")
    _insert_json(con, "staged", _STAGE_SPEC, rows)
    con.execute("CREATE TEMP TABLE flat AS SELECT doc_id, unnest(terms) AS term, unnest(tfs) AS tf FROM staged")
    con.execute("INSERT INTO dict SELECT (SELECT coalesce(max(termid), -1) FROM dict) "
                "+ row_number() OVER (ORDER BY term), term, 0 "
                "FROM (SELECT DISTINCT term FROM flat) AS n ANTI JOIN dict USING (term)")
    con.execute("CREATE TEMP TABLE ft AS SELECT d.termid, f.doc_id, f.tf FROM flat AS f JOIN dict AS d USING (term)")
    con.execute("CREATE TEMP TABLE touched AS SELECT DISTINCT termid FROM ("
                "SELECT unnest(termids) AS termid FROM doc_terms WHERE doc_id IN (SELECT doc_id FROM dropped) "
                "UNION ALL SELECT termid FROM ft)")
    con.execute("""
        CREATE TEMP TABLE fresh AS
        SELECT termid, list(v) AS entries FROM (
            SELECT termid, v FROM (
                SELECT termid, unnest(entries) AS v FROM postings WHERE termid IN (SELECT termid FROM touched))
            WHERE (v >> 32)::INTEGER NOT IN (SELECT doc_id FROM dropped)
            UNION ALL
            SELECT termid, (doc_id::BIGINT << 32) | tf::BIGINT FROM ft)
        GROUP BY termid""")
    con.execute("DELETE FROM postings WHERE termid IN (SELECT termid FROM touched)")
    con.execute("INSERT INTO postings SELECT termid, entries FROM fresh ORDER BY termid")
    con.execute("UPDATE dict SET df = n.df FROM (SELECT t.termid, coalesce(len(f.entries), 0)::INTEGER AS df "
                "FROM touched AS t LEFT JOIN fresh AS f USING (termid)) AS n WHERE dict.termid = n.termid")
    for table in ("docs", "texts", "doc_terms"):
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM dropped)")
    con.execute(f"INSERT INTO docs SELECT {_DOC_COLS} FROM staged ORDER BY doc_id")
    con.execute("INSERT INTO texts SELECT doc_id, text FROM staged ORDER BY doc_id")
    con.execute("INSERT INTO doc_terms SELECT doc_id, list(termid ORDER BY termid) FROM ft "
                "GROUP BY doc_id ORDER BY doc_id")
    con.execute("DELETE FROM meta")
    con.execute("INSERT INTO meta SELECT ?::BIGINT, ?::VARCHAR, ?::INTEGER, now()", [snap, fp, FORMAT])
    for table in ("dropped", "staged", "flat", "ft", "touched", "fresh"):
        con.execute(f"DROP TABLE {table}")


def refresh_index(warehouse_path: Path | str, *, full: bool = False, workers: int | None = None,
                  wait: float = 60.0) -> IndexStatus:
    """Bring ``<warehouse>/search.duckdb`` up to the latest snapshot.

    Only articles whose content_hash is new or changed are segmented (``full``: all of them,
    into a new file); nothing is written when the articles did not change. Safe to call from
    several processes (they take turns); a query running meanwhile keeps reading the previous
    index file.
    """
    started = time.monotonic()
    warehouse = Path(warehouse_path).resolve()
    if not (warehouse / CATALOG_FILE).exists():
        raise FileNotFoundError(f"no warehouse at {warehouse} (no {CATALOG_FILE})")
    index, _, lock = _paths(warehouse)
    with _FileLock(lock):
        stamp = _stamp(warehouse)
        fp = fingerprint()
        state = _read_state(warehouse)
        old = {} if full else _old_hashes(index, state, fp)
        with Warehouse.open_for_read(warehouse, wait=wait) as wh:
            con = wh.connection
            snap = int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])
            current = dict(con.execute(
                f"SELECT canonical_url, content_hash FROM lake.articles AT (VERSION => {snap})").fetchall())
            changed = sorted(u for u, h in current.items() if old.get(u) != h)
            removed = sorted(u for u in old if u not in current)
            rows: list[dict[str, Any]] = []
            if changed:
                cur = con.execute(
                    f"SELECT canonical_url, url, title, published, source_id, keywords, content_hash, body "
                    f"FROM lake.articles AT (VERSION => {snap}) "
                    f"WHERE canonical_url IN (SELECT unnest($1::VARCHAR[])) ORDER BY canonical_url", [changed])
                cols = [d[0] for d in cur.description]
                rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        status = IndexStatus(snap, articles=len(current), segmented=len(rows), removed=len(removed))
        if not rows and not removed and index.exists() and old:
            state.update(snapshot_id=snap, stamp=stamp)
            _write_state(warehouse, state)
            status.seconds = time.monotonic() - started
            return status
        counts = _segment_all([(r["title"], r["body"]) for r in rows], workers)
        for r, (n, terms, tfs) in zip(rows, counts):
            body = r.pop("body") or ""
            r["text"] = (r["title"] or "") + "\n" + body
            r["len"], r["terms"], r["tfs"] = n, terms, tfs
            r["keywords"] = list(r["keywords"] or [])
        tmp = warehouse / f"{INDEX_FILE}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        incremental = bool(old) and index.exists()
        if incremental:
            shutil.copyfile(index, tmp)         # closed and checkpointed: the file is the database
        con = _connect(tmp)
        try:
            if not incremental:
                con.execute(_SCHEMA)
            _apply(con, rows, changed + removed if incremental else [], snap, fp)
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        _forget(index)
        os.replace(tmp, index)
        _write_state(warehouse, {"snapshot_id": snap, "stamp": stamp, "fingerprint": fp, "format": FORMAT,
                                 "articles": len(current)})
        status.rebuilt = True
        status.seconds = time.monotonic() - started
        log.info("search index of %s: snapshot %s, %d articles, %d segmented, %d removed, %.1f s",
                 warehouse, snap, len(current), status.segmented, status.removed, status.seconds)
        return status


def ensure_index(warehouse_path: Path | str) -> None:
    """Refresh the index when the catalog changed since it was built (or it is missing)."""
    warehouse = Path(warehouse_path).resolve()
    state = _read_state(warehouse)
    index = warehouse / INDEX_FILE
    if index.exists() and state.get("stamp") == _stamp(warehouse) and state.get("format") == FORMAT:
        return
    try:
        refresh_index(warehouse, wait=0)
    except WarehouseLocked as exc:
        if not index.exists():
            raise
        log.warning("search index of %s may be stale (%s)", warehouse, exc)


# ---------------------------------------------------------------------------------------
# queries

_NO_TIME = np.iinfo(np.int64).min      # published IS NULL: never on or after ``since``


class _Index:
    """An index file open read-only, with what every query needs kept in memory: the words
    (for substring lookups) and, per doc_id, the length in tokens, publication time, source and
    rank (published DESC NULLS LAST, canonical_url: the order of equal scores)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        words = con.execute("SELECT termid, term, df FROM dict WHERE df > 0 ORDER BY termid").fetchall()
        self.word_ids = {term: termid for termid, term, _ in words}
        self.joined = "\n".join(term for _, term, _ in words) + "\n"
        self.starts, self.termids, pos = [], [], 0
        for termid, term, _ in words:
            self.starts.append(pos)
            self.termids.append(termid)
            pos += len(term) + 1
        self.df = np.zeros((words[-1][0] + 1) if words else 1, dtype=np.float64)
        for termid, _, df in words:
            self.df[termid] = df
        d = con.execute("SELECT doc_id, len, coalesce(epoch_us(published), ?) AS pub, "
                        "coalesce(source_id, '') AS source_id, "
                        "row_number() OVER (ORDER BY published DESC NULLS LAST, canonical_url) AS rank "
                        "FROM docs", [int(_NO_TIME)]).fetchnumpy()
        ids = np.asarray(d["doc_id"], dtype=np.int64)
        size = int(ids.max()) + 1 if len(ids) else 1
        self.size = size
        self.alive = np.zeros(size, dtype=bool)
        self.alive[ids] = True
        self.length = np.zeros(size, dtype=np.float64)
        self.length[ids] = np.asarray(d["len"], dtype=np.float64)
        self.pub = np.full(size, _NO_TIME, dtype=np.int64)
        self.pub[ids] = np.asarray(d["pub"], dtype=np.int64)
        self.rank = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        self.rank[ids] = np.asarray(d["rank"], dtype=np.int64)
        names = [str(s) for s in d["source_id"]]
        self.source_codes = {s: i for i, s in enumerate(sorted(set(names)))}
        self.source = np.full(size, -1, dtype=np.int32)
        self.source[ids] = np.array([self.source_codes[s] for s in names], dtype=np.int32)
        self.source_codes.pop("", None)             # a missing source matches no filter
        self.num_docs = len(ids)
        self.avgdl = float(self.length.sum() / len(ids)) if len(ids) else 0.0

    def words(self, term: str) -> dict[int, bool]:
        """termid → whether the word contains ``term`` (else ``term`` contains the word, of two
        characters or more), for every indexed word of either kind."""
        out: dict[int, bool] = {}
        joined, at = self.joined, 0
        while (p := joined.find(term, at)) >= 0:
            i = bisect_right(self.starts, p) - 1
            out[self.termids[i]] = True
            at = self.starts[i + 1] if i + 1 < len(self.starts) else len(joined)
        n = len(term)
        for a in range(n - 1):
            for b in range(a + 2, n + 1):
                termid = self.word_ids.get(term[a:b])
                if termid is not None and termid not in out:
                    out[termid] = False
        return out


_conns: dict[Path, tuple[tuple[int, int], _Index]] = {}
_conns_lock = threading.Lock()


def _forget(index: Path) -> None:
    """Close this process's cached connection to ``index`` (DuckDB would hand a new connect the
    cached database even after the file was replaced)."""
    with _conns_lock:
        held = _conns.pop(index, None)
    if held is not None:
        held[1].con.close()


def _open_index(index: Path) -> _Index:
    """The index file open read-only, kept per process until the file is replaced."""
    st = index.stat()
    key = (st.st_ino, st.st_mtime_ns)
    with _conns_lock:
        held = _conns.get(index)
        if held is not None and held[0] == key:
            return held[1]
        if held is not None:
            held[1].con.close()
        con = _connect(index, read_only=True)
        try:
            ix = _Index(con)
        except BaseException:
            con.close()
            raise
        _conns[index] = (key, ix)
        return ix


def _since(value: date | datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(TIMEZONE))
    return datetime.combine(value, dtime(0), ZoneInfo(TIMEZONE))


def _contains(term: str) -> tuple[str, str]:
    """SQL testing that the text contains ``term`` (lower-cased, so case-insensitive for Latin letters)."""
    if any("a" <= c <= "z" for c in term):
        return "contains(lower(text), ?)", term
    return "contains(text, ?)", term


def _id_list(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def search(warehouse_path: Path | str, query: str, *, since: date | datetime | str | None = None,
           source: str | Sequence[str] | None = None, limit: int = 20, refresh: bool = True) -> list[Hit]:
    """Articles whose title or normalised body contains every term of ``query`` (white-space
    separated; traditional characters are converted), best BM25 score first.

    ``since``: published on or after this day (Asia/Shanghai); ``source``: one source id or
    several; ``refresh``: bring the index up to date first when the warehouse changed.
    """
    warehouse = Path(warehouse_path).resolve()
    terms = query_terms(query)
    if not terms:
        return []
    if refresh:
        ensure_index(warehouse)
    index = warehouse / INDEX_FILE
    if not index.exists():
        raise FileNotFoundError(f"no search index at {index}; run refresh_index first")
    sources = [source] if isinstance(source, str) else list(source or [])
    ix = _open_index(index)
    con = ix.con.cursor()
    try:
        ranked = _rank(ix, con, terms, _since(since), sources, int(limit))
        if not ranked:
            return []
        # through the primary key: only these rows are read
        listed = _id_list(r[0] for r in ranked)
        meta = {r[0]: r for r in con.execute(
            "SELECT doc_id, canonical_url, url, title, published, source_id, keywords "
            f"FROM docs WHERE doc_id IN ({listed})").fetchall()}
        texts = dict(con.execute(f"SELECT doc_id, text FROM texts WHERE doc_id IN ({listed})").fetchall())
    finally:
        con.close()
    hits = []
    for doc_id, score in ranked:
        _, canonical_url, url, title, published, source_id, keywords = meta[doc_id]
        text = texts[doc_id]
        body = text.partition("\n")[2]
        hits.append(Hit(canonical_url, url, title, published, source_id, float(score), list(keywords or []),
                        snippet(body if any(t in body.lower() for t in terms) else text, terms)))
    return hits


def _check(ix: _Index, con: duckdb.DuckDBPyConnection, ids: np.ndarray, terms: list[str]) -> set[int]:
    """The doc_ids among ``ids`` whose text contains every term."""
    parts, params = [], []
    for term in terms:
        sql, p = _contains(term)
        parts.append(sql)
        params.append(p)
    where = " AND ".join(parts)
    if len(ids) >= SCAN_FROM:
        found = con.execute(f"SELECT doc_id FROM texts WHERE {where}", params).fetchnumpy()["doc_id"]
        return set(np.intersect1d(np.asarray(found, dtype=np.int64), ids).tolist())
    out: set[int] = set()
    for i in range(0, len(ids), 1000):
        out.update(r[0] for r in con.execute(
            f"SELECT doc_id FROM texts WHERE doc_id IN ({_id_list(ids[i:i + 1000])}) AND {where}", params).fetchall())
    return out


def _rank(ix: _Index, con: duckdb.DuckDBPyConnection, terms: list[str], since: datetime | None,
          sources: list[str], limit: int) -> list[tuple[int, float]]:
    """(doc_id, BM25 score) of the best matching articles.

    A term is matched by an article when one of its indexed words contains the term (exact: the
    word is part of the text), or when it has every indexed word the term contains and the text
    is then found to contain the term (the term crosses a word boundary of the segmentation). A
    term containing no indexed word is checked on the text of the other terms' candidates (or
    of every article when no term has one). The score is BM25 over all those words, computed as
    the FTS extension's ``match_bm25`` does (k = 1.2, b = 0.75, log10).
    """
    if limit <= 0:
        return []
    keep = ix.alive.copy()
    if since is not None:
        keep &= ix.pub >= (since - datetime(1970, 1, 1, tzinfo=timezone.utc)) // np.timedelta64(1, "us").item()
    if sources:
        keep &= np.isin(ix.source, [ix.source_codes[s] for s in sources if s in ix.source_codes])
    per_term = [ix.words(t) for t in terms]
    bare = any(not w for w in per_term)
    score = np.zeros(ix.size, dtype=np.float64)
    if not any(per_term):
        cand = np.flatnonzero(keep)
        exact = np.zeros(0, dtype=np.int64)
    else:
        termids = sorted({t for w in per_term for t in w})
        got = con.execute(f"SELECT termid, unnest(entries) AS v FROM postings WHERE termid IN ({_id_list(termids)})"
                          ).fetchnumpy()
        tid = np.asarray(got["termid"], dtype=np.int64)
        v = np.asarray(got["v"], dtype=np.int64)
        order = np.argsort(tid, kind="stable")
        tid, v = tid[order], v[order]
        docs = v >> 32
        tf = (v & 0xFFFFFFFF).astype(np.float64)
        bounds = dict(zip(termids, zip(np.searchsorted(tid, termids, "left"), np.searchsorted(tid, termids, "right"))))
        exact_mask = np.ones(ix.size, dtype=bool)
        for words in per_term:
            if not words:
                continue
            sup = np.zeros(ix.size, dtype=bool)
            subs = None
            for t, is_sup in words.items():
                lo, hi = bounds[t]
                if is_sup:
                    sup[docs[lo:hi]] = True
                else:
                    m = np.zeros(ix.size, dtype=bool)
                    m[docs[lo:hi]] = True
                    subs = m if subs is None else subs & m
            keep &= sup if subs is None else (sup | subs)
            exact_mask &= sup
        df = ix.df[tid]
        idf = np.log10((ix.num_docs - df + 0.5) / (df + 0.5) + 1)
        norm = BM25_K * (1 - BM25_B + BM25_B * (ix.length[docs] / ix.avgdl))
        score = np.bincount(docs, weights=idf * (tf * (BM25_K + 1)) / (tf + norm), minlength=ix.size)
        cand = np.flatnonzero(keep)
        exact = cand[exact_mask[cand]] if not bare else np.zeros(0, dtype=np.int64)
        if not bare:
            cand = cand[~exact_mask[cand]]
    key = lambda ids: np.lexsort((ix.rank[ids], -score[ids]))      # noqa: E731
    exact = exact[key(exact)][:limit]
    cand = cand[key(cand)]
    # the candidates not known to match are checked on their text, best first, until no
    # unchecked one can enter the best ``limit``
    out = exact.tolist()
    at, step = 0, max(4 * limit, 200)
    while at < len(cand):
        if len(out) >= limit:
            out.sort(key=lambda i: (-score[i], ix.rank[i]))
            nxt = cand[at]
            worst = out[limit - 1]
            if (-score[worst], ix.rank[worst]) < (-score[nxt], ix.rank[nxt]):
                break
        # past the first batch, a long tail is read in one scan of the texts
        batch = cand[at:] if at and len(cand) - at >= SCAN_FROM else cand[at:at + step]
        ok = _check(ix, con, batch, terms)
        out += [int(i) for i in batch if int(i) in ok]
        at += len(batch)
        step *= 4
    out.sort(key=lambda i: (-score[i], ix.rank[i]))
    return [(int(i), float(score[i])) for i in out[:limit]]


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` with every (case-insensitive) occurrence of the terms wrapped in 【】."""
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    return pattern.sub(lambda m: f"{HL_OPEN}{m.group(0)}{HL_CLOSE}", text)


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first matched term, highlighted."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    low = flat.lower()
    found = [p for p in (low.find(t) for t in terms) if p >= 0]
    first = min(found) if found else 0
    start = max(0, first - width // 4)
    end = min(len(flat), start + width)
    # do not cut a term at the end of the window
    for t in terms:
        p = low.find(t, start)
        if 0 <= p < end < p + len(t):
            end = p + len(t)
    piece = highlight(flat[start:end], terms)
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")


# ---------------------------------------------------------------------------------------
# reads for zonewatch.report

def indicator_report_rows(warehouse_path: Path | str, subject: str,
                          indicator: str | Sequence[str] | None = None) -> dict[str, Any]:
    """What ``zonewatch report`` draws: the ``indicator_series`` rows of ``subject`` (optionally
    only an indicator: its canonical name or names as articles state them, e.g. ["GDP",
    "地区生产总值"]), the value each article states for them, and the articles' titles, dates
    and URLs. Returns {"snapshot_id": int, "series", "facts", "articles": lists of dicts}."""
    names = [indicator] if isinstance(indicator, str) else list(indicator or [])
    with Warehouse.open_for_read(Path(warehouse_path), wait=30) as wh:
        con = wh.connection
        snap = int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])
        where, params = "subject = $1", [subject]
        if names:
            where += (" AND (indicator IN (SELECT unnest($2::VARCHAR[])) OR indicator IN ("
                      "SELECT coalesce(nullif(indicator_canonical, ''), indicator) FROM indicators "
                      "WHERE indicator IN (SELECT unnest($2::VARCHAR[]))))")
            params.append(names)

        def rows(sql: str, p: list[Any]) -> list[dict[str, Any]]:
            cur = con.execute(sql, p)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

        series = rows(f"SELECT * FROM indicator_series WHERE {where}", params)
        facts = rows(
            f"SELECT subject, coalesce(nullif(indicator_canonical, ''), indicator) AS indicator, measure, period, "
            f"kind, article_url, arg_min(value, position) AS value, arg_min(unit, position) AS unit, "
            f"arg_min(norm_value, position) AS norm_value, arg_min(evidence, position) AS evidence "
            f"FROM indicators WHERE norm_value IS NOT NULL AND isfinite(norm_value) AND measure IS NOT NULL "
            f"AND kind IS NOT NULL AND subject = $1 AND coalesce(nullif(indicator_canonical, ''), indicator) IN "
            f"(SELECT indicator FROM indicator_series WHERE {where}) GROUP BY ALL", params)
        urls = sorted({f["article_url"] for f in facts})
        articles = rows("SELECT canonical_url, url, title, published, source_id FROM articles "
                        "WHERE canonical_url IN (SELECT unnest($1::VARCHAR[]))", [urls]) if urls else []
    return {"snapshot_id": snap, "series": series, "facts": facts, "articles": articles}
