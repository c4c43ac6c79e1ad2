"""A crawl killed mid-run leaves the warehouse at its last snapshot; deployments run on a real
Prefect server with a process worker, as prefect.yaml declares them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer
from zonewatch.warehouse import Warehouse

from services import prefect_server_process, stop_process

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def count(warehouse: Path, query: str):
    with Warehouse.open_for_read(warehouse) as wh:
        return wh.sql(query)[1]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, shared_dir):
    root = tmp_path_factory.mktemp("mirror")
    manifest = build_mirror(root, shared_dir / "seeds")
    with MirrorServer(root) as server:
        yield server.base_url, manifest


def test_sigkill_mid_run_leaves_last_snapshot(mirror, tmp_path, prefect_server):
    from prefect.settings import PREFECT_API_URL
    from zonewatch.flows.crawl import crawl
    base_url, manifest = mirror
    as_of = date.fromisoformat(manifest["as_of"])
    warehouse = tmp_path / "warehouse"
    crawl(sources=["zgyq"], as_of=as_of, warehouse=str(warehouse), mirror=base_url, delay=0.0)
    before_snaps = count(warehouse, "SELECT snapshot_id FROM lake.snapshots() ORDER BY 1")
    before_articles = count(warehouse, "SELECT canonical_url, content_hash FROM articles ORDER BY 1")

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), ZONEWATCH_WAREHOUSE=str(warehouse))
    proc = subprocess.Popen([str(BIN / "zonewatch"), "crawl", "--mirror", base_url, "--delay", "0.5",
                             "--as-of", as_of.isoformat()], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Kill once the crawl is fetching (an archive file is being written), long before it can finish.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not list((warehouse / "archive").rglob("*.part")):
        time.sleep(0.2)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert count(warehouse, "SELECT snapshot_id FROM lake.snapshots() ORDER BY 1") == before_snaps
    assert count(warehouse, "SELECT canonical_url, content_hash FROM articles ORDER BY 1") == before_articles

    report = crawl(as_of=as_of, warehouse=str(warehouse), mirror=base_url, delay=0.0)
    assert report.status == "completed"
    urls = [r[0] for r in count(warehouse, "SELECT canonical_url FROM articles")]
    assert len(urls) == len(set(urls))
    assert set(urls) == {a["url"] for a in manifest["articles"] if a.get("expected", True)}






@pytest.mark.slow
def test_deployment_runs_on_a_real_prefect_server_and_worker(mirror, tmp_path):
    base_url, manifest = mirror
    warehouse = tmp_path / "warehouse"
    base = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), ZONEWATCH_WAREHOUSE=str(warehouse),
                PWD=str(REPO))
    prefect = str(BIN / "prefect")
    with prefect_server_process(base, tmp_path) as env:
        run = lambda *args: subprocess.run([prefect, *args], env=env, cwd=REPO, capture_output=True, text=True,
                                           timeout=300)
        created = run("work-pool", "create", "zonewatch", "--type", "process")
        assert created.returncode == 0, created.stdout + created.stderr
        deployed = run("--no-prompt", "deploy", "--all")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        listed = run("deployment", "ls")
        for name in ("crawl/nightly", "backfill/backfill", "reparse/reparse"):
            assert name in listed.stdout, listed.stdout
        inspected = run("deployment", "inspect", "crawl/nightly")
        assert "0 2 * * *" in inspected.stdout and "Asia/Shanghai" in inspected.stdout

        worker = subprocess.Popen([prefect, "worker", "start", "--pool", "zonewatch"], env=env, cwd=REPO,
                                  stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT)
        try:
            params = {"sources": ["cnjiwang_zw"], "as_of": manifest["as_of"], "mirror": base_url, "delay": 0,
                      "warehouse": str(warehouse)}
            ran = run("deployment", "run", "crawl/nightly", "--params", json.dumps(params), "--watch",
                      "--watch-timeout", "240")
            assert ran.returncode == 0, ran.stdout + ran.stderr + (tmp_path / "worker.log").read_text()[-3000:]
            assert "Completed" in ran.stdout + ran.stderr
            # the backfill deployment with parameters: only 中国网园区's articles of 2022 are added
            params = {"since": "2022-01-01", "until": "2022-12-31", "sources": ["zgyq"], "mirror": base_url,
                      "delay": 0, "warehouse": str(warehouse)}
            ran = run("deployment", "run", "backfill/backfill", "--params", json.dumps(params), "--watch",
                      "--watch-timeout", "240")
            assert ran.returncode == 0, ran.stdout + ran.stderr + (tmp_path / "worker.log").read_text()[-3000:]
        finally:
            stop_process(worker)
    expected = {a["url"] for a in manifest["articles"] if a.get("expected", True) and (
        a["source_id"] == "cnjiwang_zw" or (a["source_id"] == "zgyq" and a["published"].startswith("2022")))}
    got = {r[0] for r in count(warehouse, "SELECT canonical_url FROM articles")}
    assert got == expected
    assert any("/2022-08/" in u for u in got)     # the mirror's one 2022 article of that site
