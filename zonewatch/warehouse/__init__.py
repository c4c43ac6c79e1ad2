"""The versioned warehouse: a DuckLake catalog whose every run is one snapshot.

The only package that speaks SQL to the lake. See ``lake`` (open, runs, locking), ``schema``
(declared tables and views), ``load`` (records to rows, generated merge/append/replace) and
``query`` (reads).
"""
from zonewatch.warehouse.lake import Run, Warehouse, WarehouseLocked, run_lock
from zonewatch.warehouse.load import fact_id, fact_rows
from zonewatch.warehouse.query import Snapshot, articles_at, changes, current_snapshot, snapshots, sql, table_at
from zonewatch.warehouse.schema import TABLES, VIEWS

__all__ = [
    "Warehouse", "WarehouseLocked", "Run", "run_lock", "snapshots", "sql", "articles_at", "changes",
    "current_snapshot", "table_at", "Snapshot", "fact_rows", "fact_id", "TABLES", "VIEWS",
]
