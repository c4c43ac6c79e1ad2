"""With ZONEWATCH_DASK_ADDRESS set, a crawl's fetch-and-parse tasks run on a real Dask cluster."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer
from zonewatch.warehouse import Warehouse


@pytest.mark.slow
def test_crawl_tasks_run_on_a_local_dask_cluster(tmp_path, shared_dir, prefect_server):
    from distributed import Client, LocalCluster
    from prefect.settings import PREFECT_API_URL
    root = tmp_path / "mirror"
    manifest = build_mirror(root, shared_dir / "seeds")
    warehouse = tmp_path / "warehouse"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client, MirrorServer(root) as mirror:
        env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), ZONEWATCH_WAREHOUSE=str(warehouse),
                   ZONEWATCH_DASK_ADDRESS=cluster.scheduler_address)
        done = subprocess.run([str(Path(sys.executable).parent / "zonewatch"), "crawl", "--source", "zgyq",
                               "--source", "cnjiwang_zw", "--mirror", mirror.base_url, "--delay", "0",
                               "--as-of", manifest["as_of"]], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        # the scheduler saw the flow's tasks (keys are named after the Prefect tasks)
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
        assert any(p.startswith("discover") for p in prefixes), prefixes
        assert any(p.startswith("fetch_articles") for p in prefixes), prefixes
    with Warehouse.open_for_read(warehouse) as wh:
        got = {r[0] for r in wh.sql("SELECT canonical_url FROM articles")[1]}
    assert got == {a["url"] for a in manifest["articles"]
                   if a.get("expected", True) and a["source_id"] in ("zgyq", "cnjiwang_zw")}
    assert list((warehouse / "archive").rglob("*.warc.gz"))
