"""``zonewatch doctor``: check a configuration, one line per check, before a machine joins in.

Checks: the DuckDB extensions load, the catalog is reachable, the data path and the archive are
writable, the Prefect API answers (when one is configured), the Dask scheduler answers (when
configured), and the politeness / fan-out settings make sense. Nothing is created or changed
beyond a small probe file in the data path and the archive, removed again.
"""
from __future__ import annotations

import os
import socket
import tempfile
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from zonewatch.warehouse.location import Location, redact, resolve


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return redact(text)[:300] or type(exc).__name__


def check_extensions(location: Location) -> Check:
    import duckdb

    from zonewatch.warehouse.lake import _load_extension
    names = ["ducklake", *location.extensions]
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        for name in names:
            try:
                _load_extension(con, name)
            except (duckdb.Error, RuntimeError) as exc:
                return Check("extensions", False, f"{name} does not load ({_first_line(exc)}); "
                                                  f"pip install duckdb-extension-{name}=={duckdb.__version__}")
    finally:
        con.close()
    return Check("extensions", True, f"{', '.join(names)} load (DuckDB {duckdb.__version__})")


def _connection(location: Location):
    from zonewatch.warehouse.lake import _new_connection
    return _new_connection(location)


def check_catalog(location: Location) -> Check:
    import duckdb
    where = redact(location.catalog)
    if not location.shared:
        f = Path(location.catalog)
        if not f.exists():
            parent = next((p for p in [f.parent, *f.parent.parents] if p.exists()), None)
            if parent is None or not os.access(parent, os.W_OK):
                return Check("catalog", False, f"{f} does not exist and {parent} is not writable")
            return Check("catalog", True, f"{f} does not exist yet; the first run creates it")
    con = _connection(location)
    try:
        target = location.attach_target.replace("'", "''")
        con.execute(f"ATTACH '{target}' AS lake (READ_ONLY)")
        snaps = con.execute("SELECT count(*), max(snapshot_id) FROM lake.snapshots()").fetchone()
        return Check("catalog", True, f"{where} reachable, {snaps[0]} snapshots (latest {snaps[1]})")
    except duckdb.Error as exc:
        message = str(exc)
        if location.shared and "does not exist" in message and "creating a new DuckLake" in message:
            return Check("catalog", True, f"{where} reachable, empty: the first run creates the warehouse")
        if not location.shared and ("Conflicting lock" in message or "Could not set lock" in message):
            return Check("catalog", True, f"{where} exists, open for writing by another process now")
        return Check("catalog", False, f"{where}: {_first_line(exc)}")
    finally:
        con.close()


def _writable_dir(name: str, path: Path) -> Check:
    """A directory that exists and takes a file, or that the first run can create."""
    if not path.exists():
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return Check(name, False, f"{path} does not exist and {parent} is not writable")
        return Check(name, True, f"{path} does not exist yet; can be created (in {parent})")
    if not path.is_dir():
        return Check(name, False, f"{path} is not a directory")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".zonewatch-doctor-", delete=True) as fh:
            fh.write(b"ok")
            fh.flush()
    except OSError as exc:
        return Check(name, False, f"{path} is not writable ({exc.strerror or exc})")
    return Check(name, True, f"{path} writable")


def check_data_path(location: Location) -> Check:
    if not location.remote_data:
        return _writable_dir("data path", Path(location.data_path))
    import duckdb
    probe = f"{location.data_path}_zonewatch_doctor/{uuid.uuid4().hex}.parquet"
    con = _connection(location)
    try:
        con.execute(f"COPY (SELECT 42 AS probe) TO '{probe}' (FORMAT parquet)")
        got = con.execute(f"SELECT probe FROM read_parquet('{probe}')").fetchone()[0]
        if got != 42:
            return Check("data path", False, f"{location.data_path}: wrote a probe but read back {got!r}")
    except duckdb.Error as exc:
        hint = ""
        if location.s3 is not None and not location.s3.key_id:
            hint = " (no key: set ZONEWATCH_S3_KEY_ID / ZONEWATCH_S3_SECRET or AWS_ACCESS_KEY_ID)"
        return Check("data path", False, f"{location.data_path} not writable: {_first_line(exc)}{hint}")
    finally:
        con.close()
    _delete_s3(location, probe)
    endpoint = location.s3.endpoint if location.s3 and location.s3.endpoint else "AWS"
    return Check("data path", True, f"{location.data_path} writable (S3 at {endpoint})")


def _delete_s3(location: Location, url: str) -> None:
    try:
        import boto3
    except ImportError:
        return              # a probe of a few hundred bytes stays under _zonewatch_doctor/
    bucket, _, key = url[len("s3://"):].partition("/")
    try:
        boto3.client("s3", **location.s3.client_kwargs()).delete_object(Bucket=bucket, Key=key)
    except Exception:
        pass


def check_archive(location: Location) -> Check:
    check = _writable_dir("archive", location.archive)
    if check.ok and location.shared and not os.environ.get("ZONEWATCH_ARCHIVE"):
        check.detail += (" (local to this machine: with workers on several machines set ZONEWATCH_ARCHIVE to a "
                         "shared filesystem path)")
    return check


def check_prefect() -> Check:
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        try:
            from prefect.settings import PREFECT_API_URL
            url = PREFECT_API_URL.value()
        except Exception:
            url = None
    if not url:
        return Check("prefect api", True, "not configured: flows run on a temporary local API "
                                          "(set PREFECT_API_URL for deployments and workers)")
    health = url.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(health, timeout=5) as r:
            if r.status == 200:
                return Check("prefect api", True, f"{url} answers")
            return Check("prefect api", False, f"{health} answered HTTP {r.status}")
    except urllib.error.HTTPError as exc:
        return Check("prefect api", False, f"{health} answered HTTP {exc.code}")
    except (OSError, ValueError) as exc:
        return Check("prefect api", False, f"{url} unreachable ({getattr(exc, 'reason', exc)})")


def check_dask() -> Check | None:
    address = os.environ.get("ZONEWATCH_DASK_ADDRESS")
    if not address:
        return None
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, _, port = hostport.rpartition(":")
    try:
        import prefect_dask  # noqa: F401
    except ImportError:
        return Check("dask", False, "ZONEWATCH_DASK_ADDRESS is set but prefect-dask is not installed")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=5):
            pass
    except (OSError, ValueError) as exc:
        return Check("dask", False, f"scheduler {address} unreachable ({exc})")
    return Check("dask", True, f"scheduler {address} answers")


def check_modes(location: Location) -> Check:
    from zonewatch.fetch.politeness import politeness_from_env
    from zonewatch.flows.crawl import fan_out_enabled
    try:
        politeness = type(politeness_from_env()).__name__
        fan_out = fan_out_enabled(None)
    except ValueError as exc:
        return Check("settings", False, str(exc))
    mode = "cross-worker (Prefect rate limits)" if politeness == "PrefectRateLimit" else "per process"
    parts = [f"politeness {mode}", f"fan-out {'on' if fan_out else 'off'}",
             f"{'shared' if location.shared else 'single-writer'} catalog"]
    if (fan_out or politeness == "PrefectRateLimit") and not os.environ.get("PREFECT_API_URL"):
        return Check("settings", False, "; ".join(parts) + ": fan-out and cross-worker politeness need a Prefect "
                                                         "server (PREFECT_API_URL)")
    return Check("settings", True, "; ".join(parts))


def run_checks(warehouse: Path | str | None = None) -> list[Check]:
    try:
        location = resolve(warehouse)
    except ValueError as exc:
        return [Check("configuration", False, str(exc))]
    checks: list[Check] = [Check("configuration", True, f"warehouse {location.warehouse}; {location.describe()}; "
                                                         f"archive {location.archive}")]
    steps: list[Callable[[], Check | None]] = [
        lambda: check_extensions(location), lambda: check_catalog(location), lambda: check_data_path(location),
        lambda: check_archive(location), check_prefect, check_dask, lambda: check_modes(location)]
    extensions_ok = True
    for step in steps:
        try:
            check = step()
        except Exception as exc:        # a check must say what is wrong, never crash the doctor
            check = Check(getattr(step, "__name__", "check"), False, _first_line(exc))
        if check is None:
            continue
        if check.name == "extensions":
            extensions_ok = check.ok
        elif not extensions_ok and check.name in ("catalog", "data path") and not check.ok:
            check.detail += " (extensions missing, see above)"
        checks.append(check)
    return checks


def main(warehouse: Path | str | None = None) -> int:
    checks = run_checks(warehouse)
    for c in checks:
        print(c.line())
    failed = sum(1 for c in checks if not c.ok)
    print(f"{len(checks) - failed} ok, {failed} failed")
    return 1 if failed else 0
