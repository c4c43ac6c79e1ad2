"""The DuckLake warehouse: attach it, create its schema, and write one snapshot per run.

Layout of a warehouse directory::

    <path>/catalog.ducklake   the DuckLake catalog (a DuckDB file)
    <path>/data/              Parquet data files
    <path>/writer.lock        single-writer lock (fcntl.flock) and who holds it
    <path>/run.lock           held by a crawl, backfill or reparse for its whole length (``run_lock``)

Concurrency. DuckDB locks the catalog file: one process may hold a warehouse open for
writing (``Warehouse.open``), or any number of processes for reading (``open_for_read``),
not both. Within one process every ``Warehouse`` object on the same directory shares one
DuckDB instance (each has its own connection), and ``writer.lock`` lets one run at a time
write. Either kind of conflict raises :class:`WarehouseLocked`, after retrying for ``wait``
seconds if asked to. Hold a writer open only for as long as the loading takes.

Locations. Where the catalog and the data files live is configuration (``location.py``):
by default the files above; ``ZONEWATCH_CATALOG=postgres:…`` puts the catalog in PostgreSQL
and ``ZONEWATCH_DATA_PATH=s3://…`` the Parquet files in object storage. A PostgreSQL catalog
is *shared*: no file locks; any number of processes on any number of machines read and write
at once, each commit a snapshot. A commit that conflicts with another one (DuckLake's
optimistic concurrency) raises; ``retry_conflicts`` runs a whole load transaction again, a
bounded number of times.

Runs. A crawl reads the warehouse's page state when it starts and writes its snapshot when it
ends; a second run in between would fetch and load the same pages twice. ``run_lock`` makes
runs one at a time: the second is refused at once with a message naming the first. The kernel
drops a flock when its process dies, so a killed run never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import importlib.util
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from zonewatch.warehouse import load as _load
from zonewatch.warehouse.location import Location, redact, resolve
from zonewatch.warehouse.schema import (
    CATALOG, SCHEMA_VERSION, SOURCES, TABLES, VIEWS, add_column_sql, create_table_sql, create_view_sql, get_table,
)

log = logging.getLogger(__name__)

CATALOG_FILE = "catalog.ducklake"
DATA_DIR = "data"
LOCK_FILE = "writer.lock"
RUN_LOCK_FILE = "run.lock"
TIMEZONE = "Asia/Shanghai"


class WarehouseLocked(RuntimeError):
    """Another writer (or, for a writer, any other process) holds the warehouse."""


# ---------------------------------------------------------------------------------------
# extensions

def extension_path(name: str) -> Path:
    """The extension file shipped in the ``duckdb_extension_<name>`` wheel."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package duckdb_extension_{name} is not installed")
    base = Path(list(spec.submodule_search_locations)[0]) / "extensions"
    exact = base / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if exact.exists():
        return exact
    found = sorted(base.glob(f"*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no {name}.duckdb_extension under {base}")
    return found[-1]


def _load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = str(extension_path(name)).replace("'", "''")
    try:
        con.execute(f"LOAD '{path}'")
    except duckdb.Error:
        con.execute(f"INSTALL '{path}'")
        con.execute(f"LOAD {name}")


def _new_connection(location: Location | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={
        "autoinstall_known_extensions": False,
        "python_enable_replacements": False,
    })
    _load_extension(con, "ducklake")
    for name in (location.extensions if location is not None else ()):
        _load_extension(con, name)
    if location is not None and location.s3 is not None:
        con.execute(location.s3.secret_sql())
    try:
        _load_extension(con, "fts")
    except (duckdb.Error, RuntimeError):
        pass   # full-text search is optional for the warehouse itself
    con.execute(f"SET GLOBAL TimeZone = '{TIMEZONE}'")
    return con


# ---------------------------------------------------------------------------------------
# locking

def _read_holder(lock_path: Path) -> dict[str, Any]:
    try:
        text = lock_path.read_text(encoding="utf-8").strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


def _write_holder(fd: int, info: Mapping[str, Any]) -> None:
    data = json.dumps(dict(info), ensure_ascii=False).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _describe(path: Path, holder: Mapping[str, Any], pid: int | None = None) -> str:
    pid = pid or holder.get("pid")
    who = f"pid {pid}" if pid else "another writer"
    if pid and holder.get("pid") not in (None, pid):
        holder = {}      # the file describes an earlier holder
    since = holder.get("since") or holder.get("opened")
    doing = "is being written" if holder.get("run_id") or not holder.get("opened") else "is open for writing"
    text = f"warehouse {path} {doing} by {who}"
    if holder.get("host") and holder["host"] != socket.gethostname():
        text += f" on {holder['host']}"
    if since:
        text += f" since {since}"
    if holder.get("run_id"):
        text += f" (run {holder['run_id']}, flow {holder.get('flow')})"
    return text


class _WriterLock:
    """``writer.lock``: flock held for one write transaction; its content names the holder."""

    def __init__(self, path: Path, name: str = LOCK_FILE):
        self.path = path / name
        self.warehouse = path
        self.fd: int | None = None

    def acquire(self, **info: Any) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WarehouseLocked(self.refusal(_read_holder(self.path))) from None
        self.fd = fd
        _write_holder(fd, {"pid": os.getpid(), "host": socket.gethostname(),
                           "since": _now().isoformat(timespec="seconds"), **info})

    def release(self, **info: Any) -> None:
        if self.fd is None:
            return
        try:
            _write_holder(self.fd, info)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = None

    def refusal(self, holder: Mapping[str, Any]) -> str:
        if self.path.name != RUN_LOCK_FILE:
            return _describe(self.warehouse, holder)
        who = f"pid {holder['pid']}" if holder.get("pid") else "another process"
        if holder.get("host") and holder["host"] != socket.gethostname():
            who += f" on {holder['host']}"
        what = f"{holder.get('flow', 'a')} run {holder.get('run_id', '')}".replace("  ", " ").strip()
        since = f" since {holder['since']}" if holder.get("since") else ""
        return (f"warehouse {self.warehouse} is busy: {what} by {who}{since} is using it; "
                f"only one crawl, backfill or reparse may run on a warehouse at a time, try again when it "
                f"has finished")


class run_lock:
    """Hold ``<warehouse>/run.lock`` for a whole flow run; raises WarehouseLocked at once if
    another run holds it. Use as a context manager.

    Not on a shared (PostgreSQL) catalog: there many runs write at once, and one run per
    *source* is the unit (the flows hold a Prefect concurrency slot per source)."""

    def __init__(self, path: Path | str, run_id: str, flow: str, location: Location | None = None,
                 wait: float = 0.0) -> None:
        self.location = location or resolve(Path(path).resolve())
        self.wait = wait
        self.warehouse = self.location.lock_dir
        self.info = {"run_id": run_id, "flow": flow}
        self._lock: _WriterLock | None = None

    def __enter__(self) -> "run_lock":
        if self.location.shared:
            return self
        self.warehouse.mkdir(parents=True, exist_ok=True)
        lock = _WriterLock(self.warehouse, RUN_LOCK_FILE)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                lock.acquire(**self.info)
                break
            except WarehouseLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        self._lock = lock
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


# ---------------------------------------------------------------------------------------
# one DuckDB instance per warehouse directory and process

class _Instance:
    def __init__(self, location: Location, con: duckdb.DuckDBPyConnection, read_only: bool):
        self.location = location
        self.path = location.lock_dir        # where writer.lock lives (file catalogs)
        self.con = con
        self.read_only = read_only
        self.refs = 0
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(),
                       "opened": _now().isoformat(timespec="seconds")}


_instances: dict[tuple, _Instance] = {}
_instances_lock = threading.Lock()
_LOCK_CONFLICT = re.compile(r"Could not set lock on file|Conflicting lock")
_PID = re.compile(r"\(PID (\d+)\)")


def _attach(location: Location, read_only: bool) -> duckdb.DuckDBPyConnection:
    path = location.lock_dir
    target = location.attach_target.replace("'", "''")
    data = location.data_path.replace("'", "''")
    options = [f"DATA_PATH '{data}'", "OVERRIDE_DATA_PATH true"]
    options.append("READ_ONLY" if read_only else "DATA_INLINING_ROW_LIMIT 0")
    con = _new_connection(location)
    try:
        con.execute(f"ATTACH '{target}' AS {CATALOG} ({', '.join(options)})")
    except duckdb.Error as e:
        con.close()
        message = str(e)
        if location.shared:
            if "does not exist" in message and "creating a new DuckLake" in message:
                raise FileNotFoundError(f"no warehouse in {location.describe()} (the catalog is empty)") from None
            raise type(e)(f"cannot attach the warehouse ({location.describe()}): "
                          f"{redact(message.strip())}") from None
        if _LOCK_CONFLICT.search(message):
            m = _PID.search(message)
            pid = int(m.group(1)) if m else None
            if "read-only mode" in message:    # DuckDB's hint: the holder only reads
                raise WarehouseLocked(f"warehouse {path} is open for reading by pid {pid}; "
                                      f"a writer needs it to itself") from None
            raise WarehouseLocked(_describe(path, _read_holder(path / LOCK_FILE), pid)) from None
        raise
    return con


def _instance_key(location: Location, read_only: bool) -> tuple:
    # A shared catalog has no file lock: a process may hold a reader and a writer on it.
    return (location.key, read_only) if location.shared else (location.key,)


def _acquire_instance(location: Location, read_only: bool, wait: float) -> _Instance:
    path = location.lock_dir
    key = _instance_key(location, read_only)
    deadline = time.monotonic() + wait
    while True:
        try:
            with _instances_lock:
                inst = _instances.get(key)
                if inst is not None:
                    if inst.read_only and not read_only:
                        raise WarehouseLocked(f"warehouse {path} is open read-only in this process "
                                              f"(pid {os.getpid()}); close those readers before writing")
                    inst.refs += 1
                    return inst
                inst = _create_instance(location, read_only)
                inst.refs = 1
                _instances[key] = inst
                return inst
        except WarehouseLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))


def _create_instance(location: Location, read_only: bool) -> _Instance:
    path = location.lock_dir
    if read_only:
        if location.exists() is False:
            raise FileNotFoundError(f"no warehouse at {location.warehouse} (no {location.catalog})")
        return _Instance(location, _attach(location, read_only=True), read_only=True)
    path.mkdir(parents=True, exist_ok=True)
    if not location.remote_data:
        Path(location.data_path).mkdir(parents=True, exist_ok=True)
    new = location.exists() is False
    con = _attach(location, read_only=False)
    inst = _Instance(location, con, read_only=False)
    try:
        if new or (location.shared and not _inlining_off(con)):
            retry_conflicts(lambda: _inlining_off(con) or con.execute(
                f"CALL {CATALOG}.set_option('data_inlining_row_limit', 0)"), what="set_option")
        retry_conflicts(lambda: _ensure_schema(inst), what="schema")
        if not location.shared:
            _write_holder_file(path, inst.holder)
    except BaseException:
        con.close()
        raise
    return inst


def _inlining_off(con: duckdb.DuckDBPyConnection) -> bool:
    """The catalog stores data_inlining_row_limit 0 (every row in Parquet, none in the catalog)."""
    row = con.execute(f"SELECT value FROM {CATALOG}.options() WHERE option_name = 'data_inlining_row_limit'").fetchone()
    return row is not None and str(row[0]) == "0"


# ---------------------------------------------------------------------------------------
# optimistic concurrency (shared catalogs)

CONFLICT_TRIES = 5
_CONFLICT = re.compile(r"Transaction conflict|conflict", re.IGNORECASE)
# PostgreSQL refusing one of two concurrent catalog updates (SQLSTATE 40001 / 40P01)
_PG_RACE = re.compile(r"could not serialize access|deadlock detected|duplicate key value violates unique",
                      re.IGNORECASE)


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit refused because another transaction changed the same thing first
    (DuckLake's own check, or the PostgreSQL catalog's serialization)."""
    if not isinstance(exc, duckdb.Error):
        return False
    text = str(exc)
    return (isinstance(exc, duckdb.TransactionException) and bool(_CONFLICT.search(text))) \
        or bool(_PG_RACE.search(text))


def retry_conflicts(fn, *, tries: int | None = None, backoff: float = 0.2, what: str = "commit"):
    """Call ``fn`` (a whole transaction: begin, load, commit) until it does not end in a
    DuckLake conflict, at most ``tries`` times (default ``$ZONEWATCH_COMMIT_TRIES`` or 5),
    sleeping ``backoff`` * 2^n (+ jitter) in between; the last conflict is raised."""
    import random
    tries = tries or int(os.environ.get("ZONEWATCH_COMMIT_TRIES") or CONFLICT_TRIES)
    for attempt in range(1, tries + 1):
        try:
            return fn()
        except duckdb.Error as exc:
            if not is_conflict(exc) or attempt >= tries:
                raise
            pause = backoff * 2 ** (attempt - 1) * (1 + random.random())
            log.warning("%s: DuckLake conflict with another writer (try %d of %d), again in %.1f s: %s",
                        what, attempt, tries, pause, str(exc).splitlines()[-1])
            time.sleep(pause)


def _write_holder_file(path: Path, info: Mapping[str, Any]) -> None:
    """Say who holds the warehouse open (read by a second process that finds it locked)."""
    lock = _WriterLock(path)
    try:
        lock.acquire(**info)
    except WarehouseLocked:
        return
    lock.release(**info)


def _release_instance(inst: _Instance) -> None:
    with _instances_lock:
        inst.refs -= 1
        if inst.refs > 0:
            return
        _instances.pop(_instance_key(inst.location, inst.read_only), None)
        try:
            if not inst.read_only:
                inst.con.execute(f"DETACH {CATALOG}")
                if not inst.location.shared:
                    _write_holder_file(inst.path, {})
        finally:
            inst.con.close()


def _ensure_schema(inst: _Instance) -> None:
    """Create missing tables, columns and views in one snapshot; nothing when all exist."""
    con = inst.con.cursor()
    try:
        existing: dict[str, set[str]] = {}
        for table, column in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = 'main'", [CATALOG]).fetchall():
            existing.setdefault(table, set()).add(column)
        views = {r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main'",
            [CATALOG]).fetchall()}
        statements, created, altered = [], [], []
        for table in TABLES.values():
            if table.name not in existing:
                statements.append(create_table_sql(table, CATALOG))
                created.append(table.name)
            else:
                for col in table.columns:
                    if col.name not in existing[table.name]:
                        statements.append(add_column_sql(table, col, CATALOG))
                        altered.append(f"{table.name}.{col.name}")
        new_views = [v for v in VIEWS.values() if v.name not in views]
        statements += [create_view_sql(v, CATALOG) for v in new_views]
        if not statements:
            return
        lock = _WriterLock(inst.path) if not inst.location.shared else None
        if lock is not None:
            lock.acquire(run_id="schema", flow="schema")
        try:
            con.execute("BEGIN")
            try:
                for s in statements:
                    con.execute(s)
                if SOURCES.name in created:
                    _sync_sources(con, {})
                extra = {"schema_version": SCHEMA_VERSION, "tables_created": created,
                         "columns_added": altered, "views_created": [v.name for v in new_views]}
                message = "create schema" if created else "update schema"
                con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                            ["zonewatch", message, json.dumps(extra)])
                con.execute("COMMIT")
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                raise
        finally:
            if lock is not None:
                lock.release()
    finally:
        con.close()


def _registry_rows() -> list[dict[str, Any]]:
    try:
        from zonewatch.sources import load_sources
        return [{"source_id": s.id, "name": s.name, "parser": s.parser, "hosts": list(s.hosts)}
                for s in load_sources()]
    except Exception:        # a broken registry must not stop loading articles
        return []


def _sync_sources(con: duckdb.DuckDBPyConnection, auto: Mapping[str, Any]) -> dict[str, int]:
    return _load.load_rows(con, SOURCES, _registry_rows(), auto, CATALOG)


def _max_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(f"SELECT max(snapshot_id) FROM {CATALOG}.snapshots()").fetchone()[0])


# ---------------------------------------------------------------------------------------
# the public objects

class Warehouse:
    """A DuckLake warehouse directory, open for writing (``open``) or reading (``open_for_read``)."""

    def __init__(self, path: Path, instance: _Instance, read_only: bool = False):
        self.path = path
        self.location: Location = instance.location
        self._instance = instance
        self._read_only = read_only or instance.read_only
        self._con: duckdb.DuckDBPyConnection | None = instance.con.cursor()
        self._con.execute(f"USE {CATALOG}")
        self._lock = None if self.location.shared else _WriterLock(instance.path)

    @classmethod
    def open(cls, path: Path | str = "./warehouse", *, wait: float = 0.0,
             location: Location | None = None) -> "Warehouse":
        """Open (creating if needed) the warehouse at ``path`` for writing.

        Creates the directory, the catalog and the data directory, and any missing table or
        view (in one snapshot of its own). Raises WarehouseLocked when another process holds
        the warehouse, after retrying for ``wait`` seconds. The catalog and data path come from
        the configuration (``location.resolve``) unless ``location`` is given.
        """
        p = Path(path).resolve()
        loc = location or resolve(p)
        return cls(p, _acquire_instance(loc, read_only=False, wait=wait))

    @classmethod
    def open_for_read(cls, path: Path | str = "./warehouse", *, wait: float = 0.0,
                      location: Location | None = None) -> "Warehouse":
        """Open an existing warehouse for queries only (shared with other reading processes;
        uses this process's writer if it has one)."""
        p = Path(path).resolve()
        loc = location or resolve(p)
        return cls(p, _acquire_instance(loc, read_only=True, wait=wait), read_only=True)

    @property
    def shared(self) -> bool:
        """A catalog many processes write at once (PostgreSQL), not a single-writer file."""
        return self.location.shared

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection for read queries; the lake is the default catalog, so
        ``SELECT * FROM articles`` works (``lake.articles`` too)."""
        if self._con is None:
            raise RuntimeError(f"warehouse {self.path} is closed")
        return self._con

    @property
    def catalog(self) -> str:
        return CATALOG

    def run(self, run_id: str, flow: str, author: str = "zonewatch") -> "Run":
        """A write transaction that becomes exactly one snapshot; use as a context manager."""
        if self.read_only:
            raise PermissionError(f"warehouse {self.path} was opened for reading")
        if self._con is None:
            raise RuntimeError(f"warehouse {self.path} is closed")
        return Run(self, run_id, flow, author)

    def sql(self, query: str, params: Any = None) -> tuple[list[str], list[tuple]]:
        """Shorthand for ``query.sql(self, ...)``: (column names, rows)."""
        from zonewatch.warehouse.query import sql
        return sql(self, query, params)

    def snapshots(self) -> tuple[list[str], list[tuple]]:
        """The snapshots as a table, (column names, rows), oldest first; ``query.snapshots``
        gives them as Snapshot records."""
        from zonewatch.warehouse.query import Snapshot, snapshots
        return list(Snapshot._fields), [tuple(s) for s in snapshots(self)]

    def close(self) -> None:
        if self._con is None:
            return
        try:
            self._con.close()
        finally:
            self._con = None
            _release_instance(self._instance)

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read" if self.read_only else "write"
        return f"<Warehouse {self.path} ({mode}{', closed' if self._con is None else ''})>"


class Run:
    """One run's write transaction: loads, then one commit that makes one snapshot.

    The writer lock is held from ``__enter__`` to the commit or rollback. Leaving the ``with``
    block by an exception rolls back (no snapshot, no rows); leaving it normally without
    ``commit`` commits with a default message.
    """

    def __init__(self, warehouse: Warehouse, run_id: str, flow: str, author: str):
        self.warehouse = warehouse
        self.run_id = run_id
        self.flow = flow
        self.author = author
        self.counts: dict[str, dict[str, int]] = {}
        self.snapshot_id: int | None = None
        self.started_at: datetime | None = None
        self.base_snapshot: int | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._state = "new"

    @property
    def expected_snapshot_id(self) -> int:
        """The id the commit's snapshot will get (this run holds the only writer lock). On a
        shared catalog another writer may commit first: the commit then gets a later id
        (``snapshot_id`` after the commit is the real one)."""
        if self.base_snapshot is None:
            raise RuntimeError("the run has not started")
        return self.base_snapshot + 1

    def __enter__(self) -> "Run":
        if self._state != "new":
            raise RuntimeError("a Run can be entered only once")
        wh = self.warehouse
        if wh._lock is not None:
            wh._lock.acquire(run_id=self.run_id, flow=self.flow)
        try:
            self._con = wh._instance.con.cursor()
            self._con.execute("BEGIN")
            self.base_snapshot = _max_snapshot(self._con)
            self.started_at = _now()
        except BaseException:
            self._finish()
            raise
        self._state = "open"
        return self

    def _auto(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "flow": self.flow, "now": self.started_at,
                "snapshot_id": self.expected_snapshot_id}

    def load(self, table: str, rows: Iterable[Any], *, keys: Iterable[Any] | None = None) -> dict[str, int]:
        """Write rows (dicts or record objects) into ``table`` as its declaration says.

        Returns this load's counts (merge: new/updated/unchanged; append: inserted;
        replace_by_key: keys/replaced/unchanged/deleted/inserted); ``counts`` sums them per table.
        """
        self._check_open()
        decl = get_table(table)
        if keys is not None and decl.disposition != "replace_by_key":
            raise ValueError(f"keys= only applies to replace_by_key tables, not {table}")
        result = _load.load_rows(self._con, decl, rows, self._auto(), CATALOG, keys=keys)
        total = self.counts.setdefault(table, {k: 0 for k in result})
        for k, v in result.items():
            total[k] = total.get(k, 0) + v
        return result

    def story_rows(self) -> list[tuple[str, list[int] | None, str]]:
        """(canonical_url, body_signature, story_id) of every stored article, for the story index."""
        self._check_open()
        return self._con.execute(
            f"SELECT canonical_url, body_signature, story_id FROM {CATALOG}.articles "
            "WHERE story_id IS NOT NULL").fetchall()

    def commit(self, message: str | None = None, extra: Mapping[str, Any] | None = None) -> int | None:
        """Commit with ``message``; the snapshot's extra info holds run_id, flow, the counts and
        ``extra``. Returns the new snapshot id, or None when the run wrote nothing."""
        self._check_open()
        con = self._con
        try:
            _sync_sources(con, self._auto())
            info = {"run_id": self.run_id, "flow": self.flow, "counts": self.counts, **dict(extra or {})}
            if message is None:
                message = f"{self.flow} run {self.run_id}"
            con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                        [self.author, message, json.dumps(info, ensure_ascii=False, default=str)])
            con.execute("COMMIT")
        except BaseException:
            self._rollback_quietly()
            self._state = "failed"
            self._finish()
            raise
        if self.warehouse.shared:     # others commit too: find this run's own snapshot
            latest = con.execute(
                f"SELECT max(snapshot_id) FROM {CATALOG}.snapshots() WHERE snapshot_id > ? "
                f"AND json_extract_string(commit_extra_info, '$.run_id') = ?",
                [self.base_snapshot, self.run_id]).fetchone()[0]
            latest = self.base_snapshot if latest is None else int(latest)
        else:
            latest = _max_snapshot(con)
        self.snapshot_id = latest if latest != self.base_snapshot else None
        if self.snapshot_id is not None and self.snapshot_id != self.expected_snapshot_id \
                and not self.warehouse.shared:
            log.warning("run %s committed snapshot %s, not the expected %s (another writer?); "
                        "its runs.snapshot_id may be off", self.run_id, self.snapshot_id,
                        self.expected_snapshot_id)
        self._state = "committed"
        self._finish()
        return self.snapshot_id

    def rollback(self) -> None:
        self._check_open()
        self._rollback_quietly()
        self._state = "rolled back"
        self._finish()

    def _rollback_quietly(self) -> None:
        if self._con is None:
            return
        try:
            self._con.execute("ROLLBACK")
        except duckdb.Error:
            pass

    def _check_open(self) -> None:
        if self._state != "open":
            raise RuntimeError(f"run {self.run_id} is {self._state}")

    def _finish(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con = None
        if self.warehouse._lock is not None:
            self.warehouse._lock.release(**self.warehouse._instance.holder)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if self._state != "open":
            return False
        if exc_type is not None:
            self._rollback_quietly()
            self._state = "rolled back"
            self._finish()
            return False
        self.commit()
        return False
