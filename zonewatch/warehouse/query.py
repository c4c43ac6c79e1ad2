"""Read queries over the warehouse: ad-hoc SQL, snapshots, time travel and change feeds."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import duckdb

from zonewatch.warehouse.schema import CATALOG, get_table, quote


class Warehouse(Protocol):
    """What these queries need of a warehouse (lake.Warehouse, which calls into this module)."""

    @property
    def connection(self) -> duckdb.DuckDBPyConnection: ...


class Snapshot(NamedTuple):
    id: int
    time: datetime
    author: str | None
    message: str | None
    extra: Any              # the commit's extra info, parsed from JSON when it is JSON
    changes: dict[str, Any]  # DuckLake's summary: tables_created, tables_inserted_into, ...


Result = tuple[list[str], list[tuple]]


def sql(warehouse: Warehouse, query: str, params: Any = None) -> Result:
    """Run a query; returns (column names, rows). Tables are visible unqualified (``articles``)."""
    cur = warehouse.connection.execute(query, params) if params is not None else warehouse.connection.execute(query)
    if cur.description is None:
        return [], []
    return [d[0] for d in cur.description], cur.fetchall()


def _extra(text: Any) -> Any:
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def snapshots(warehouse: Warehouse) -> list[Snapshot]:
    """Every snapshot, oldest first."""
    rows = warehouse.connection.execute(
        f"SELECT snapshot_id, snapshot_time, author, commit_message, commit_extra_info, changes "
        f"FROM {CATALOG}.snapshots() ORDER BY snapshot_id").fetchall()
    return [Snapshot(int(r[0]), r[1], r[2], r[3], _extra(r[4]), dict(r[5] or {})) for r in rows]


def current_snapshot(warehouse: Warehouse) -> int:
    return int(warehouse.connection.execute(f"SELECT max(snapshot_id) FROM {CATALOG}.snapshots()").fetchone()[0])


def table_at(warehouse: Warehouse, table: str, version: int, where: str | None = None) -> Result:
    """A table as it was at snapshot ``version``."""
    get_table(table)
    q = f"SELECT * FROM {CATALOG}.main.{quote(table)} AT (VERSION => {int(version)})"
    return sql(warehouse, q + (f" WHERE {where}" if where else ""))


def articles_at(warehouse: Warehouse, version: int) -> Result:
    """The articles table as it was at snapshot ``version``."""
    return table_at(warehouse, "articles", version)


def changes(warehouse: Warehouse, table: str, from_v: int, to_v: int | None = None) -> Result:
    """Rows inserted, deleted or updated in ``table`` by snapshots ``from_v``..``to_v`` (inclusive;
    ``to_v`` defaults to the latest). Columns: snapshot_id, rowid, change_type ('insert',
    'delete', 'update_preimage', 'update_postimage'), then the table's columns."""
    get_table(table)
    if to_v is None:
        to_v = current_snapshot(warehouse)
    return sql(warehouse,
               f"SELECT * FROM {CATALOG}.table_changes(?, ?, ?) ORDER BY snapshot_id, rowid, change_type",
               [table, int(from_v), int(to_v)])
