"""Records into rows, and the merge / append / replace statements generated from the declarations.

Rows reach DuckDB as one JSON document per chunk, parsed by ``from_json`` with the table's
column types into a temporary staging table (thousands of rows in milliseconds, no per-row
round trips); one generated statement then moves the staging table into the lake.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from itertools import count
from typing import Any

from zonewatch.warehouse.schema import Table, quote

CHUNK_CHARS = 1_000_000
_stage_ids = count(1)


# ---------------------------------------------------------------------------------------
# records -> rows

def fact_id(article_url: str, position: int, value: float, indicator: str) -> str:
    """Stable id of a fact: the same article, position, value and indicator give the same id."""
    h = hashlib.sha256()
    for part in (article_url, str(int(position)), repr(float(value)), indicator):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:20]


def fact_rows(article: Any, facts: Iterable[Any], *, published: datetime | None = None,
              source_id: str | None = None) -> list[dict[str, Any]]:
    """Rows for the ``indicators`` table from an article's facts (Fact records or fact dicts).

    ``article`` is an Article (its canonical_url, published and source_id are used) or an
    article URL string (then pass ``published`` and ``source_id``). ``position`` is the
    fact's index in ``facts`` unless a fact dict carries its own. ``run_id`` is left to the run.
    """
    if isinstance(article, str):
        url = article
    else:
        url = article.canonical_url
        published = published if published is not None else article.published
        source_id = source_id if source_id is not None else article.source_id
    rows = []
    for i, fact in enumerate(facts):
        d = _as_mapping(fact)
        d.pop("doc", None)
        position = d.get("position")
        position = i if position is None else int(position)
        row = {
            **d,
            "article_url": url,
            "position": position,
            "published": d.get("published") or published,
            "source_id": d.get("source_id") or source_id,
        }
        row["fact_id"] = d.get("fact_id") or fact_id(url, position, row["value"], row["indicator"])
        rows.append(row)
    return rows


def _as_mapping(record: Any) -> dict[str, Any]:
    if isinstance(record, Mapping):
        return dict(record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    raise TypeError(f"a row must be a dict or a dataclass instance, not {type(record).__name__}")


def to_row(record: Any, table: Table) -> dict[str, Any]:
    """Pick a table's columns out of a dict or an object (dataclass fields and properties alike).

    A dict may only hold the table's columns (and its ``ignore_fields``); an object is read by
    attribute, so an Article's ``body_raw`` and ``content_hash`` properties are found and its
    other attributes ignored.
    """
    names = table.column_names
    if isinstance(record, Mapping):
        unknown = set(record) - set(names) - set(table.ignore_fields)
        if unknown:
            raise ValueError(f"{table.name}: unknown column(s) {sorted(unknown)}; "
                             f"columns are {', '.join(names)}")
        return {n: record.get(n) for n in names}
    if isinstance(record, (str, bytes, Sequence)) or not hasattr(record, "__dict__") and not hasattr(record, "__slots__"):
        raise TypeError(f"{table.name}: a row must be a dict or a record object, not {type(record).__name__}")
    return {n: getattr(record, n, None) for n in names}


_SCALARS = {str: ("VARCHAR", "TEXT", "STRING", "JSON"), bool: ("BOOLEAN",),
            int: ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"),
            float: ("DOUBLE", "FLOAT", "REAL")}


def _convert(value: Any, type_: str, where: str = "value") -> Any:
    """A Python value as JSON for ``from_json`` with DuckDB type ``type_``."""
    if value is None:
        return None
    t = type_.upper()
    cls = type(value)
    if cls in _SCALARS and t in _SCALARS[cls]:      # the common case, quickly
        if cls is float and not math.isfinite(value):
            return None
        return value
    if isinstance(value, Enum):
        value = value.value
    if t.endswith("[]"):
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"{where}: expected a list for {type_}, got {type(value).__name__}")
        return [_convert(v, t[:-2], where) for v in value]
    if t == "JSON":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if t in ("VARCHAR", "TEXT", "STRING"):
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if not isinstance(value, str):
            raise TypeError(f"{where}: expected str, got {type(value).__name__} {value!r:.60}")
        return value
    if t in ("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "DATE"):
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, str):
            return value
        raise TypeError(f"{where}: expected a datetime, got {type(value).__name__}")
    if t == "BOOLEAN":
        if not isinstance(value, bool):
            raise TypeError(f"{where}: expected bool, got {type(value).__name__}")
        return value
    if t in _SCALARS[int]:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise TypeError(f"{where}: expected an integer, got {type(value).__name__} {value!r:.60}")
        if isinstance(value, (float, Decimal)) and value != int(value):
            raise TypeError(f"{where}: expected an integer, got {value!r}")
        return int(value)
    if t in _SCALARS[float]:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise TypeError(f"{where}: expected a number, got {type(value).__name__} {value!r:.60}")
        f = float(value)
        return f if math.isfinite(f) else None
    raise TypeError(f"{where}: no conversion for DuckDB type {type_}")


def _json_type(type_: str) -> Any:
    t = type_.upper()
    if t.endswith("[]"):
        return [_json_type(t[:-2])]
    return "VARCHAR" if t == "JSON" else type_


def prepare_rows(table: Table, records: Iterable[Any], auto: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Records -> converted row dicts: automatic columns filled, required ones checked, and
    (for keyed dispositions) duplicates of a key collapsed onto the last one given."""
    rows: list[dict[str, Any]] = []
    columns = [(c.name, c.type.upper(), auto.get(c.auto) if c.auto else None) for c in table.columns]
    for n, record in enumerate(records):
        row = to_row(record, table)
        for name, type_, filler in columns:
            value = row[name]
            if value is None:
                value = row[name] = filler
            if value is not None:
                try:
                    row[name] = _convert(value, type_)
                except TypeError as e:
                    raise TypeError(f"{table.name}[{n}].{name}: {e}".replace(": value:", ":")) from None
        missing = [c for c in table.required if row[c] is None]
        if missing:
            raise ValueError(f"{table.name}[{n}]: no value for required column(s) {missing}")
        rows.append(row)
    key = table.primary_key if table.disposition != "append" else ()
    if key:
        last: dict[tuple, dict[str, Any]] = {}
        for row in rows:
            last[tuple(row[k] for k in key)] = row
        rows = list(last.values())
    return rows


# ---------------------------------------------------------------------------------------
# rows -> SQL

def _cols(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(prefix + quote(n) for n in names)


def _on(keys: Iterable[str], a: str, b: str) -> str:
    return " AND ".join(f"{a}.{quote(k)} = {b}.{quote(k)}" for k in keys)


def _target(table: Table, catalog: str) -> str:
    return f"{catalog}.main.{quote(table.name)}"


def stage(con: Any, table: Table, rows: list[dict[str, Any]]) -> str:
    """Create a temporary table holding ``rows`` with the table's types; returns its name."""
    name = f"_zw_stage_{table.name}_{next(_stage_ids)}"
    spec = json.dumps([{c.name: _json_type(c.type) for c in table.columns}]).replace("'", "''")
    cols = ", ".join(f"{quote(c.name)} {c.type}" for c in table.columns)
    con.execute(f"CREATE TEMP TABLE {quote(name)} ({cols})")
    select = _cols(table.column_names, "r.")
    insert = (f"INSERT INTO {quote(name)} SELECT {select} "
              f"FROM (SELECT unnest(from_json($1::VARCHAR, '{spec}')) AS r)")
    # from_json is fastest on documents of a few MB: cut the rows into chunks of about that size
    chunk: list[str] = []
    size = 0
    for row in rows:
        text = json.dumps(row, ensure_ascii=False)
        chunk.append(text)
        size += len(text)
        if size >= CHUNK_CHARS:
            con.execute(insert, ["[" + ",".join(chunk) + "]"])
            chunk, size = [], 0
    if chunk:
        con.execute(insert, ["[" + ",".join(chunk) + "]"])
    return name


def _changed(table: Table, t: str, s: str) -> str:
    if table.change_key:
        cols = [table.change_key]
    else:
        keys = set(table.primary_key)
        cols = [c.name for c in table.columns if c.auto is None and c.name not in keys]
    if not cols:
        return "false"
    return "(" + " OR ".join(f"{t}.{quote(c)} IS DISTINCT FROM {s}.{quote(c)}" for c in cols) + ")"


def merge_sql(table: Table, staged: str, catalog: str) -> tuple[str, str]:
    """(count statement, MERGE statement) for a merge table."""
    target = _target(table, catalog)
    key = table.primary_key
    changed = _changed(table, "t", "s")
    counts = (
        f"SELECT count(*) FILTER (WHERE t._zw_present IS NULL), "
        f"count(*) FILTER (WHERE t._zw_present AND {changed}), "
        f"count(*) FILTER (WHERE t._zw_present AND NOT {changed}) "
        f"FROM {quote(staged)} AS s LEFT JOIN (SELECT *, true AS _zw_present FROM {target}) AS t "
        f"ON {_on(key, 't', 's')}"
    )
    updated = [c.name for c in table.columns if c.on_update and c.name not in key]
    names = table.column_names
    merge = (
        f"MERGE INTO {target} AS t USING {quote(staged)} AS s ON ({_on(key, 't', 's')}) "
        f"WHEN MATCHED AND {changed} THEN UPDATE SET "
        + ", ".join(f"{quote(c)} = s.{quote(c)}" for c in updated)
        + f" WHEN NOT MATCHED THEN INSERT ({_cols(names)}) VALUES ({_cols(names, 's.')})"
    )
    return counts, merge


def append_sql(table: Table, staged: str, catalog: str) -> str:
    names = table.column_names
    return f"INSERT INTO {_target(table, catalog)} ({_cols(names)}) SELECT {_cols(names)} FROM {quote(staged)}"


def _fingerprints(table: Table, source: str) -> str:
    rk = table.replace_key
    content = [c.name for c in table.columns if c.auto is None]
    packed = ", ".join(f"{quote(c)} := {quote(c)}" for c in content)
    return (
        f"SELECT {_cols(rk)}, string_agg(h, ',' ORDER BY h) AS fp FROM ("
        f"SELECT {_cols(rk)}, md5(CAST(to_json(struct_pack({packed})) AS VARCHAR)) AS h FROM {source}"
        f") GROUP BY {_cols(rk)}"
    )


def replace_sql(table: Table, staged: str, keys: str, changed: str, catalog: str) -> dict[str, str]:
    """Statements for replace_by_key: find keys whose rows differ, delete and reinsert them."""
    target = _target(table, catalog)
    rk = table.replace_key
    in_keys = f"(SELECT * FROM {target} AS t WHERE EXISTS (SELECT 1 FROM {quote(keys)} AS k WHERE {_on(rk, 'k', 't')}))"
    names = table.column_names
    return {
        "changed": (
            f"CREATE TEMP TABLE {quote(changed)} AS SELECT {_cols(rk, 'k.')} FROM {quote(keys)} AS k "
            f"LEFT JOIN ({_fingerprints(table, quote(staged))}) AS s ON {_on(rk, 's', 'k')} "
            f"LEFT JOIN ({_fingerprints(table, in_keys)}) AS t ON {_on(rk, 't', 'k')} "
            f"WHERE s.fp IS DISTINCT FROM t.fp"
        ),
        "delete": f"DELETE FROM {target} AS t USING {quote(changed)} AS c WHERE {_on(rk, 'c', 't')}",
        "insert": (
            f"INSERT INTO {target} ({_cols(names)}) SELECT {_cols(names, 's.')} FROM {quote(staged)} AS s "
            f"WHERE EXISTS (SELECT 1 FROM {quote(changed)} AS c WHERE {_on(rk, 'c', 's')})"
        ),
    }


def _scalar(con: Any, query: str) -> int:
    return int(con.execute(query).fetchone()[0])


def _drop(con: Any, *names: str) -> None:
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def load_rows(con: Any, table: Table, records: Iterable[Any], auto: Mapping[str, Any], catalog: str = "lake",
              keys: Iterable[Any] | None = None) -> dict[str, int]:
    """Write records into ``table`` the way its declaration says, inside the caller's transaction.

    Returns counts: merge -> new / updated / unchanged; append -> inserted; replace_by_key ->
    keys / replaced / unchanged (keys) and deleted / inserted (rows). ``keys`` (replace_by_key
    only) names further replace keys whose stored rows go even when no row is given for them
    (an article that lost all its facts); a scalar per key, or a tuple for a composite key.
    """
    rows = prepare_rows(table, records, auto)
    if table.disposition == "merge":
        if not rows:
            return {"new": 0, "updated": 0, "unchanged": 0}
        staged = stage(con, table, rows)
        try:
            count_q, merge_q = merge_sql(table, staged, catalog)
            new, updated, unchanged = con.execute(count_q).fetchone()
            if new or updated:
                con.execute(merge_q)
            return {"new": int(new), "updated": int(updated), "unchanged": int(unchanged)}
        finally:
            _drop(con, staged)
    if table.disposition == "append":
        if not rows:
            return {"inserted": 0}
        staged = stage(con, table, rows)
        try:
            con.execute(append_sql(table, staged, catalog))
            return {"inserted": len(rows)}
        finally:
            _drop(con, staged)
    # replace_by_key
    extra_keys = [k if isinstance(k, tuple) else (k,) for k in (keys or ())]
    if any(len(k) != len(table.replace_key) for k in extra_keys):
        raise ValueError(f"{table.name}: keys must have {len(table.replace_key)} part(s) {table.replace_key}")
    if not rows and not extra_keys:
        return {"keys": 0, "replaced": 0, "unchanged": 0, "deleted": 0, "inserted": 0}
    staged = stage(con, table, rows)
    n = next(_stage_ids)
    keys_t, changed_t = f"_zw_keys_{table.name}_{n}", f"_zw_changed_{table.name}_{n}"
    rk = table.replace_key
    try:
        key_cols = ", ".join(f"{quote(k)} {table.column(k).type}" for k in rk)
        con.execute(f"CREATE TEMP TABLE {quote(keys_t)} ({key_cols})")
        con.execute(f"INSERT INTO {quote(keys_t)} SELECT DISTINCT {_cols(rk)} FROM {quote(staged)}")
        if extra_keys:
            spec = json.dumps([{k: _json_type(table.column(k).type) for k in rk}]).replace("'", "''")
            doc = json.dumps([{k: _convert(v, table.column(k).type, f"{table.name} key {k}")
                               for k, v in zip(rk, key)} for key in extra_keys], ensure_ascii=False)
            con.execute(
                f"INSERT INTO {quote(keys_t)} SELECT DISTINCT {_cols(rk, 'r.')} "
                f"FROM (SELECT unnest(from_json($1::VARCHAR, '{spec}')) AS r) "
                f"EXCEPT SELECT {_cols(rk)} FROM {quote(keys_t)}",
                [doc],
            )
        stmts = replace_sql(table, staged, keys_t, changed_t, catalog)
        con.execute(stmts["changed"])
        n_keys = _scalar(con, f"SELECT count(*) FROM {quote(keys_t)}")
        n_changed = _scalar(con, f"SELECT count(*) FROM {quote(changed_t)}")
        deleted = inserted = 0
        if n_changed:
            deleted = int(con.execute(stmts["delete"]).fetchone()[0])
            inserted = int(con.execute(stmts["insert"]).fetchone()[0])
        return {"keys": n_keys, "replaced": n_changed, "unchanged": n_keys - n_changed,
                "deleted": deleted, "inserted": inserted}
    finally:
        _drop(con, staged, keys_t, changed_t)
