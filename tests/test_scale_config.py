"""Scale-out configuration without servers: locations from the environment, the doctor, the
Prefect rate limit that spaces requests to one host across processes."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from zonewatch.doctor import run_checks
from zonewatch.fetch.politeness import POLITENESS, PrefectRateLimit, host_limit_name, politeness_from_env
from zonewatch.warehouse import WarehouseLocked, run_lock
from zonewatch.warehouse.location import resolve

BIN = Path(sys.executable).parent


def test_default_location_is_embedded(tmp_path):
    loc = resolve(tmp_path / "wh", {})
    assert not loc.shared and loc.backend == "file"
    assert loc.catalog == str(tmp_path / "wh" / "catalog.ducklake")
    assert loc.data_path == str(tmp_path / "wh" / "data") + "/"
    assert loc.archive == tmp_path / "wh" / "archive"
    assert loc.extensions == [] and loc.lock_dir == tmp_path / "wh"


def test_postgres_catalog_and_s3_data_from_environment(tmp_path):
    env = {"ZONEWATCH_CATALOG": "ducklake:postgres:dbname=lake host=db.example port=5433 user=zw password=s3cret",
           "ZONEWATCH_DATA_PATH": "s3://bucket/zonewatch", "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
           "ZONEWATCH_S3_ENDPOINT": "minio:9000", "ZONEWATCH_S3_USE_SSL": "false",
           "ZONEWATCH_ARCHIVE": str(tmp_path / "shared-archive")}
    loc = resolve(tmp_path / "wh", env)
    assert loc.shared and loc.backend == "postgres" and loc.remote_data
    assert loc.attach_target == "ducklake:postgres:dbname=lake host=db.example port=5433 user=zw password=s3cret"
    assert loc.data_path == "s3://bucket/zonewatch/"
    assert loc.archive == tmp_path / "shared-archive"
    assert loc.extensions == ["postgres", "httpfs"]
    assert "s3cret" not in loc.describe() and "password=***" in loc.describe()
    sql = loc.s3.secret_sql()
    for part in ("KEY_ID 'AK'", "SECRET 'SK'", "ENDPOINT 'minio:9000'", "URL_STYLE 'path'", "USE_SSL false"):
        assert part in sql
    # AWS_ENDPOINT_URL (a URL) works too; the scheme says whether to use TLS
    loc = resolve(tmp_path, {"ZONEWATCH_DATA_PATH": "s3://b/p/", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert loc.s3.endpoint == "127.0.0.1:9000" and loc.s3.use_ssl is False


def test_a_catalog_file_elsewhere_and_bad_values(tmp_path):
    loc = resolve(tmp_path / "wh", {"ZONEWATCH_CATALOG": str(tmp_path / "meta" / "lake.ducklake"),
                                     "ZONEWATCH_DATA_PATH": "parquet"})
    assert not loc.shared and loc.lock_dir == tmp_path / "meta"
    assert loc.data_path == str(tmp_path / "wh" / "parquet") + "/"
    with pytest.raises(ValueError, match="unknown catalog kind"):
        resolve(tmp_path, {"ZONEWATCH_CATALOG": "mysql:db=x"})
    with pytest.raises(ValueError, match="s3://bucket/prefix/"):
        resolve(tmp_path, {"ZONEWATCH_DATA_PATH": "gs://bucket/x"})
    with pytest.raises(ValueError, match="true or false"):
        resolve(tmp_path, {"ZONEWATCH_DATA_PATH": "s3://b/", "ZONEWATCH_S3_USE_SSL": "maybe"})


def test_run_lock_is_per_warehouse_for_a_file_and_absent_for_a_shared_catalog(tmp_path, monkeypatch):
    with run_lock(tmp_path, "r1", "crawl"):
        with pytest.raises(WarehouseLocked, match="only one crawl"):
            with run_lock(tmp_path, "r2", "crawl"):
                pass
    monkeypatch.setenv("ZONEWATCH_CATALOG", "postgres:dbname=lake host=127.0.0.1")
    with run_lock(tmp_path, "r1", "crawl"), run_lock(tmp_path, "r2", "crawl"):
        pass                                   # one run per source is the unit there


def test_doctor_on_the_default_configuration_and_on_a_broken_one(tmp_path, monkeypatch):
    for name in ("ZONEWATCH_CATALOG", "ZONEWATCH_DATA_PATH", "ZONEWATCH_ARCHIVE", "ZONEWATCH_FAN_OUT",
                 "ZONEWATCH_POLITENESS", "ZONEWATCH_DASK_ADDRESS", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    checks = run_checks(tmp_path / "wh")
    assert all(c.ok for c in checks), [c.line() for c in checks]
    assert not (tmp_path / "wh").exists()          # the doctor looks, it does not create
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("ZONEWATCH_ARCHIVE", str(tmp_path / "file"))
    monkeypatch.setenv("ZONEWATCH_POLITENESS", "prefect")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    done = subprocess.run([str(BIN / "zonewatch"), "--warehouse", str(tmp_path / "wh"), "doctor"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert any("archive:" in f and "not a directory" in f for f in fails), done.stdout
    assert any("prefect api:" in f and "unreachable" in f for f in fails), done.stdout
    assert done.stdout.splitlines()[-1].endswith("failed")


def test_politeness_mode_from_environment(monkeypatch):
    monkeypatch.delenv("ZONEWATCH_POLITENESS", raising=False)
    assert politeness_from_env() is POLITENESS
    monkeypatch.setenv("ZONEWATCH_POLITENESS", "prefect")
    assert isinstance(politeness_from_env(), PrefectRateLimit)
    monkeypatch.setenv("ZONEWATCH_POLITENESS", "redis")
    with pytest.raises(ValueError):
        politeness_from_env()
    assert host_limit_name("www.Example.cn:8080") == "zonewatch-host-www.example.cn:8080"


def test_prefect_rate_limit_spaces_one_host_across_two_processes(prefect_server):
    """Two PrefectRateLimit objects (as in two worker processes) share the host's rate limit."""
    from prefect.client.orchestration import get_client
    a, b = PrefectRateLimit(timeout=60), PrefectRateLimit(timeout=60)
    host, delay = f"polite-{time.time_ns()}.example", 0.5
    starts: list[float] = []

    def go(p):
        for _ in range(3):
            p.wait(host, delay)
            starts.append(time.monotonic())
    threads = [threading.Thread(target=go, args=(p,)) for p in (a, b)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(starts) == 6
    # six requests at one per 0.5 s need at least 2.5 s, whichever process made them
    assert max(starts) - t0 >= 2.5 * 0.8, sorted(s - t0 for s in starts)
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(host_limit_name(host))
    assert limit.limit == 1 and abs(limit.slot_decay_per_second - 2.0) < 1e-6
