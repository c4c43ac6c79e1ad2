"""Full-text search over the articles, and the reads behind ``zonewatch report``.

DuckDB's FTS tokeniser does not split Chinese, and ``create_fts_index`` cannot write into a
DuckLake catalog, so the index is a local DuckDB file beside the catalog::

    <warehouse>/search.duckdb   table ``docs`` (one row per article: title, published, source,
                                keywords, text = title + normalised body, tokens = the text
                                segmented by jieba) and the FTS index over ``tokens``
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
come from the FTS index: every indexed word that is contained in a term (so the query needs no
jieba and cannot disagree with the index's segmentation), scored by BM25. A term containing no
indexed word (a single character, say) is matched by a scan of the text instead (score 0 from
that term).

Freshness. ``refresh_index`` (call it after each committed snapshot) reads the article URLs and
content hashes of the latest snapshot, segments only new or changed articles (content_hash),
drops removed ones, and writes a new index file that replaces the old one atomically (readers
in other processes keep the file they opened). ``search`` refreshes lazily when the catalog
file changed since the index was built (a cheap stat; the snapshot id decides).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time as dtime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from zonewatch.warehouse.lake import CATALOG_FILE, TIMEZONE, Warehouse, WarehouseLocked, extension_path

log = logging.getLogger(__name__)

INDEX_FILE = "search.duckdb"
STATE_FILE = "search.json"
LOCK_FILE = "search.lock"
FORMAT = 2                      # bump when the docs table or the token rules change
TITLE_WEIGHT = 2                # the title's tokens are indexed this many times
PARALLEL_MIN_DOCS = 4000        # segment in worker processes from this many changed articles
SNIPPET_CHARS = 100
HL_OPEN, HL_CLOSE = "【", "】"
CHUNK_CHARS = 4_000_000

_DOC_SPEC = {"canonical_url": "VARCHAR", "url": "VARCHAR", "title": "VARCHAR", "published": "TIMESTAMPTZ",
             "source_id": "VARCHAR", "keywords": "VARCHAR[]", "content_hash": "VARCHAR", "text": "VARCHAR",
             "tokens": "VARCHAR"}
_DOC_COLS = ", ".join(_DOC_SPEC)


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


def _segment_batch(batch: list[tuple[str | None, str | None]]) -> list[str]:
    return [doc_tokens(t, b) for t, b in batch]


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


def _connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only, config={"autoinstall_known_extensions": False})
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


def _insert_docs(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    spec = json.dumps([_DOC_SPEC]).replace("'", "''")
    select = ", ".join(f"r.{c}" for c in _DOC_SPEC)
    sql = f"INSERT INTO {table} SELECT {select} FROM (SELECT unnest(from_json($1::VARCHAR, '{spec}')) AS r)"
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
        return dict(con.execute("SELECT canonical_url, content_hash FROM docs").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _segment_all(pairs: list[tuple[str | None, str | None]], workers: int | None) -> list[str]:
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(pairs) < PARALLEL_MIN_DOCS:
        return _segment_batch(pairs)
    import multiprocessing
    size = max(200, len(pairs) // (workers * 8))
    batches = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [t for out in pool.map(_segment_batch, batches) for t in out]


def refresh_index(warehouse_path: Path | str, *, full: bool = False, workers: int | None = None,
                  wait: float = 60.0) -> IndexStatus:
    """Bring ``<warehouse>/search.duckdb`` up to the latest snapshot.

    Only articles whose content_hash is new or changed are segmented (``full``: all of them);
    nothing is written when the articles did not change. Safe to call from several processes
    (they take turns); a query running meanwhile keeps reading the previous index file.
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
            removed = [u for u in old if u not in current]
            rows: list[dict[str, Any]] = []
            if changed:
                cur = con.execute(
                    f"SELECT canonical_url, url, title, published, source_id, keywords, content_hash, body "
                    f"FROM lake.articles AT (VERSION => {snap}) "
                    f"WHERE canonical_url IN (SELECT unnest($1::VARCHAR[]))", [changed])
                cols = [d[0] for d in cur.description]
                rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        status = IndexStatus(snap, articles=len(current), segmented=len(rows), removed=len(removed))
        if not rows and not removed and index.exists() and old:
            state.update(snapshot_id=snap, stamp=stamp)
            _write_state(warehouse, state)
            status.seconds = time.monotonic() - started
            return status
        tokens = _segment_all([(r["title"], r["body"]) for r in rows], workers)
        for r, t in zip(rows, tokens):
            body = r.pop("body") or ""
            r["text"] = (r["title"] or "") + "\n" + body
            r["tokens"] = t
            r["keywords"] = list(r["keywords"] or [])
        tmp = warehouse / f"{INDEX_FILE}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        con = _connect(tmp)
        try:
            cols = ", ".join(f"{c} {t}" for c, t in _DOC_SPEC.items())
            con.execute(f"CREATE TEMP TABLE staged ({cols})")
            if old and index.exists():
                con.execute(f"ATTACH '{str(index).replace(chr(39), chr(39) * 2)}' AS old (READ_ONLY)")
                con.execute(f"INSERT INTO staged SELECT {_DOC_COLS} FROM old.docs "
                            f"WHERE canonical_url NOT IN (SELECT unnest($1::VARCHAR[]))", [changed + removed])
                con.execute("DETACH old")
            _insert_docs(con, "staged", rows)
            con.execute(f"CREATE TABLE docs AS SELECT row_number() OVER (ORDER BY published DESC NULLS LAST, "
                        f"canonical_url)::INTEGER AS doc_id, {_DOC_COLS} FROM staged "
                        f"ORDER BY published DESC NULLS LAST, canonical_url")
            con.execute("DROP TABLE staged")
            con.execute(r"PRAGMA create_fts_index('docs', 'doc_id', 'tokens', stemmer = 'none', "
                        r"stopwords = 'none', ignore = '\s+', strip_accents = 0, lower = 1, overwrite = 1)")
            # match_bm25 scans the whole terms table (~0.3 s at 100,000 articles); the same scores
            # come from per-document term counts sorted by term, which a query reads a few blocks of.
            con.execute("CREATE TABLE postings AS SELECT termid, docid, count(*)::INTEGER AS tf "
                        "FROM fts_main_docs.terms GROUP BY termid, docid ORDER BY termid, docid")
            con.execute("CREATE TABLE meta AS SELECT ?::BIGINT AS snapshot_id, ?::VARCHAR AS fingerprint, "
                        "?::INTEGER AS format, now() AS built_at", [snap, fp, FORMAT])
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

_conns: dict[Path, tuple[tuple[int, int], duckdb.DuckDBPyConnection]] = {}
_conns_lock = threading.Lock()


def _forget(index: Path) -> None:
    """Close this process's cached connection to ``index`` (DuckDB would hand a new connect the
    cached database even after the file was replaced)."""
    with _conns_lock:
        held = _conns.pop(index, None)
    if held is not None:
        held[1].close()


def _index_connection(index: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the index file, kept per process until the file is replaced."""
    st = index.stat()
    key = (st.st_ino, st.st_mtime_ns)
    with _conns_lock:
        held = _conns.get(index)
        if held is not None and held[0] == key:
            return held[1].cursor()
        if held is not None:
            held[1].close()
        con = _connect(index, read_only=True)
        _conns[index] = (key, con)
        return con.cursor()


def _since(value: date | datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(TIMEZONE))
    return datetime.combine(value, dtime(0), ZoneInfo(TIMEZONE))


def _lookup_words(con: duckdb.DuckDBPyConnection, terms: list[str]) -> list[tuple[int, int, bool]]:
    """(term index, termid, is_superstring) of the indexed words that contain a term or that a
    term contains (two characters or more)."""
    return con.execute(
        "SELECT t.qi, d.termid, contains(d.term, t.q) AS sup "
        "FROM (SELECT unnest($1::VARCHAR[]) AS q, generate_subscripts($1::VARCHAR[], 1) - 1 AS qi) AS t "
        "JOIN fts_main_docs.dict AS d ON contains(d.term, t.q) OR (length(d.term) >= 2 AND contains(t.q, d.term))",
        [terms]).fetchall()


def _contains(term: str) -> tuple[str, str]:
    """SQL testing that the text contains ``term`` (lower-cased, so case-insensitive for Latin letters)."""
    if any("a" <= c <= "z" for c in term):
        return "contains(lower(d.text), ?)", term
    return "contains(d.text, ?)", term


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
    con = _index_connection(index)
    try:
        ranked = _rank(con, terms, _since(since), sources, int(limit))
        if not ranked:
            return []
        ids = [r[0] for r in ranked]
        # a literal list is pushed into the scan: only the blocks holding these rows are read
        cur = con.execute("SELECT doc_id, canonical_url, url, title, published, source_id, keywords, text "
                          f"FROM docs WHERE doc_id IN ({', '.join(str(int(i)) for i in ids)})")
        by_id = {r[0]: r for r in cur.fetchall()}
    finally:
        con.close()
    hits = []
    for doc_id, score in ranked:
        _, canonical_url, url, title, published, source_id, keywords, text = by_id[doc_id]
        body = text.partition("\n")[2]
        hits.append(Hit(canonical_url, url, title, published, source_id, float(score), list(keywords or []),
                        snippet(body if any(t in body.lower() for t in terms) else text, terms)))
    return hits


def _rank(con: duckdb.DuckDBPyConnection, terms: list[str], since: datetime | None, sources: list[str],
          limit: int) -> list[tuple[int, float]]:
    """(doc_id, BM25 score) of the best matching articles.

    A term is matched by an article when one of its indexed words contains the term (exact: the
    word is part of the text), or when it has every indexed word the term contains and the text
    is then found to contain the term (the term crosses a word boundary of the segmentation). A
    term containing no indexed word is checked on the text of the other terms' candidates (or
    of every article when no term has one). The score is BM25 over all those words, computed as
    the FTS extension's ``match_bm25`` does (k = 1.2, b = 0.75), from ``postings``.
    """
    words = _lookup_words(con, terms)
    with_words = sorted({qi for qi, _, _ in words})
    bare = [i for i in range(len(terms)) if i not in with_words]
    filters, params = [], []
    if since is not None:
        filters.append("d.published >= ?")
        params.append(since)
    if sources:
        filters.append("d.source_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sources)

    def checks(indices: Iterable[int], out: list[Any]) -> str:
        parts = []
        for i in indices:
            sql, term = _contains(terms[i])
            parts.append(sql)
            out.append(term)
        return " AND ".join(parts) or "true"

    if not words:
        where = " AND ".join(filters + [checks(range(len(terms)), params)])
        return con.execute(f"SELECT d.doc_id, 0.0 FROM docs AS d WHERE {where} "
                           f"ORDER BY d.published DESC NULLS LAST, d.doc_id LIMIT {limit}", params).fetchall()
    qt = ", ".join(f"({int(qi)}, {int(tid)}, {'true' if sup else 'false'})" for qi, tid, sup in words)
    ids = ", ".join(str(t) for t in sorted({int(tid) for _, tid, _ in words}))
    ranked = f"""
        WITH qt(qi, termid, sup) AS (VALUES {qt}),
        hits AS (SELECT termid, docid, tf FROM postings WHERE termid IN ({ids})),
        need AS (SELECT qi, count(*) FILTER (WHERE NOT sup) AS n_sub FROM qt GROUP BY qi),
        per_term AS (
            SELECT qt.qi, h.docid, bool_or(qt.sup) AS by_sup,
                   count(DISTINCT qt.termid) FILTER (WHERE NOT qt.sup) AS n_sub
            FROM hits AS h JOIN qt USING (termid) GROUP BY qt.qi, h.docid),
        cand AS (
            SELECT p.docid, bool_and(p.by_sup) AS exact
            FROM per_term AS p JOIN need AS n USING (qi)
            WHERE p.by_sup OR (n.n_sub > 0 AND p.n_sub = n.n_sub)
            GROUP BY p.docid HAVING count(*) = {len(with_words)}),
        scores AS (
            SELECT h.docid, sum(log((st.num_docs - w.df + 0.5) / (w.df + 0.5) + 1)
                               * (h.tf * 2.2) / (h.tf + 1.2 * (0.25 + 0.75 * (fd.len / st.avgdl)))) AS score
            FROM hits AS h JOIN cand USING (docid)
            JOIN fts_main_docs.dict AS w ON w.termid = h.termid
            JOIN fts_main_docs.docs AS fd ON fd.docid = h.docid, fts_main_docs.stats AS st
            GROUP BY h.docid)
        SELECT d.doc_id, s.score, d.published, c.exact
        FROM cand AS c JOIN scores AS s USING (docid)
        JOIN fts_main_docs.docs AS fd ON fd.docid = c.docid
        JOIN docs AS d ON d.doc_id = fd.name
        {"WHERE " + " AND ".join(filters) if filters else ""}
        QUALIFY {"true" if bare else "NOT c.exact"} OR row_number() OVER (
            PARTITION BY c.exact ORDER BY s.score DESC, d.published DESC NULLS LAST, d.doc_id) <= {limit}"""
    order = lambda r: (-r[1], -(r[2].timestamp() if r[2] else float("-inf")), r[0])   # noqa: E731
    # One pass gives the best articles matched through an indexed word containing every term
    # (the usual case: no look at their text) and all the others, which are checked on their
    # text, selected by doc_id so that only their blocks are read.
    rows = con.execute(ranked, params).fetchall()
    out = [] if bare else [r for r in rows if r[3]]
    to_check = rows if bare else [r for r in rows if not r[3]]
    for i in range(0, len(to_check), 5000):
        chunk = to_check[i:i + 5000]
        p2: list[Any] = []
        all_terms = checks(range(len(terms)), p2)
        listed = ", ".join(str(int(r[0])) for r in chunk)
        ok = {r[0] for r in con.execute(f"SELECT d.doc_id FROM docs AS d WHERE d.doc_id IN ({listed}) "
                                        f"AND {all_terms}", p2).fetchall()}
        out += [r for r in chunk if r[0] in ok]
    out.sort(key=order)
    return [(r[0], r[1]) for r in out[:limit]]


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
