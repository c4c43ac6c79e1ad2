"""Scale-out on real servers: a PostgreSQL DuckLake catalog, an S3 (moto) data path, a Prefect
server and two process workers sharing a fanned-out crawl; two processes committing at once.

Skipped only when PostgreSQL cannot start on this machine (the reason is given)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import (free_port, postgres_server, postgres_unavailable, prefect_server_process,  # noqa: E402
                      s3_server, stop_process)

from zonewatch.demo import build_mirror  # noqa: E402
from zonewatch.fetch import MirrorServer  # noqa: E402
from zonewatch.warehouse import Warehouse  # noqa: E402
from zonewatch.warehouse.location import resolve  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUCKET = "zw-lake"

pytestmark = pytest.mark.skipif(postgres_unavailable() is not None,
                                reason=f"PostgreSQL cannot start here: {postgres_unavailable()}")


@pytest.fixture(scope="module")
def pg():
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        server.create_bucket(BUCKET)
        yield server


def lake_env(pg, s3, db: str, tmp: Path, prefix: str) -> dict[str, str]:
    """The configuration of a warehouse with its catalog in PostgreSQL and its data in S3."""
    pg.createdb(db)
    return {"ZONEWATCH_WAREHOUSE": str(tmp / "warehouse"), "ZONEWATCH_CATALOG": f"postgres:{pg.dsn(db)}",
            "ZONEWATCH_DATA_PATH": f"s3://{BUCKET}/{prefix}/", "ZONEWATCH_S3_ENDPOINT": s3.endpoint,
            "ZONEWATCH_S3_KEY_ID": s3.key_id, "ZONEWATCH_S3_SECRET": s3.secret, "ZONEWATCH_S3_REGION": s3.region,
            "ZONEWATCH_S3_USE_SSL": "false", "ZONEWATCH_ARCHIVE": str(tmp / "archive")}


def query(env: dict[str, str], sql: str) -> list[tuple]:
    with Warehouse.open_for_read(env["ZONEWATCH_WAREHOUSE"], location=resolve(None, env)) as wh:
        return wh.sql(sql)[1]




def test_location_from_environment_and_doctor_on_a_real_postgres_and_s3(pg, s3, tmp_path):
    env = lake_env(pg, s3, "doctor", tmp_path, "doctor")
    loc = resolve(None, env)
    assert loc.shared and loc.backend == "postgres" and loc.remote_data
    assert loc.extensions == ["postgres", "httpfs"]
    full = {k: v for k, v in os.environ.items() if not k.startswith(("ZONEWATCH_", "PREFECT_API_URL"))}
    done = subprocess.run([str(BIN / "zonewatch"), "doctor"], env={**full, **env}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("ok") and "catalog: postgres:" in line and "empty" in line for line in lines), lines
    assert any(line.startswith("ok") and f"data path: s3://{BUCKET}/doctor/ writable" in line for line in lines)
    assert not [k for k in s3.keys(BUCKET) if k.startswith("doctor/")], "the doctor's probe was left behind"
    # a wrong port, a missing bucket: one FAIL line each, exit 1
    bad = {**env, "ZONEWATCH_CATALOG": f"postgres:dbname=doctor host=127.0.0.1 port={free_port()} user=postgres",
           "ZONEWATCH_DATA_PATH": "s3://no-such-bucket/x/"}
    done = subprocess.run([str(BIN / "zonewatch"), "doctor"], env={**full, **bad}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert [f.split(":")[0] for f in fails] == ["FAIL  catalog", "FAIL  data path"], done.stdout


WRITER = textwrap.dedent('''
    import json, os, sys, time
    from pathlib import Path
    from zonewatch.warehouse import Warehouse
    from zonewatch.warehouse.lake import retry_conflicts
    me, barrier, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    tries = []
    def transaction():
        tries.append(1)
        with Warehouse.open(os.environ["ZONEWATCH_WAREHOUSE"]) as wh, wh.run(f"run-{me}", "test") as tx:
            # rewrite my half of the seeded rows (deletes in the same data file as the other writer's)
            # and add rows of my own
            tx.load("articles", [{"canonical_url": f"http://seed/{i}", "title": f"by {me}",
                                  "content_hash": f"{me}-{i}", "source_id": "seed"}
                                 for i in range(n) if (i % 2 == 0) == (me == "a")])
            tx.load("articles", [{"canonical_url": f"http://{me}/{i}", "title": me, "content_hash": f"{me}{i}",
                                  "source_id": me} for i in range(n)])
            (barrier / f"ready-{me}").touch()
            deadline = time.monotonic() + 60
            while len(list(barrier.glob("ready-*"))) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            tx.commit(f"writer {me}")
            return tx.snapshot_id
    snap = retry_conflicts(transaction, backoff=0.1)
    print(json.dumps({"writer": me, "snapshot": snap, "tries": len(tries)}))
''')


def test_two_processes_commit_at_once_to_a_postgres_catalog(pg, s3, tmp_path):
    env = lake_env(pg, s3, "writers", tmp_path, "writers")
    n = 200
    with Warehouse.open(env["ZONEWATCH_WAREHOUSE"], location=resolve(None, env)) as wh:
        assert wh.shared
        with wh.run("seed", "test") as tx:
            tx.load("articles", [{"canonical_url": f"http://seed/{i}", "title": "seed", "content_hash": f"s{i}",
                                  "source_id": "seed"} for i in range(n)])
        seeded = tx.snapshot_id
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    full = {**{k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}, **env}
    procs = [subprocess.Popen([sys.executable, str(script), me, str(barrier), str(n)], env=full, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for me in ("a", "b")]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-3000:]
        outs.append(json.loads(out.strip().splitlines()[-1]))
    snaps = sorted(o["snapshot"] for o in outs)
    assert snaps == [seeded + 1, seeded + 2], outs          # two snapshots, one per writer
    assert sum(o["tries"] for o in outs) >= 3, outs          # the loser met a conflict and tried again
    got = query(env, "SELECT canonical_url, title FROM articles")
    urls = [u for u, _ in got]
    assert len(urls) == len(set(urls)) == 3 * n              # nothing lost, nothing twice
    titles = dict(got)
    assert all(titles[f"http://seed/{i}"] == ("by a" if i % 2 == 0 else "by b") for i in range(n))
    messages = [r[0] for r in query(env, f"SELECT commit_message FROM lake.snapshots() WHERE snapshot_id > {seeded}")]
    assert sorted(messages) == ["writer a", "writer b"]
    assert any(k.startswith("writers/") and k.endswith(".parquet") for k in s3.keys(BUCKET))


@pytest.mark.slow
def test_fanned_out_crawl_on_two_workers_into_postgres_and_s3(pg, s3, tmp_path, shared_dir):
    env = lake_env(pg, s3, "lake", tmp_path, "data")
    mirror_root = tmp_path / "mirror"
    manifest = build_mirror(mirror_root, shared_dir / "seeds")
    expected = {a["url"] for a in manifest["articles"] if a.get("expected", True)}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ZONEWATCH_", "PREFECT_"))}
    penv = {**base, **env, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PWD": str(REPO)}
    prefect = str(BIN / "prefect")
    with MirrorServer(mirror_root) as mirror, prefect_server_process(penv, tmp_path) as penv:
        def run(*args, timeout=300):
            return subprocess.run([prefect, *args], env=penv, cwd=REPO, capture_output=True, text=True,
                                  timeout=timeout)
        created = run("work-pool", "create", "zonewatch", "--type", "process")
        assert created.returncode == 0, created.stdout + created.stderr
        deployed = run("--no-prompt", "deploy", "--all")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        # Each worker runs at most 3 flow runs at once: the fan-out (1) + 5 source runs need both.
        workers = [subprocess.Popen(
            [prefect, "worker", "start", "--pool", "zonewatch", "--name", name, "--limit", "3"],
            env=penv, cwd=REPO, stdout=open(tmp_path / f"{name}.log", "wb"), stderr=subprocess.STDOUT)
            for name in ("worker-a", "worker-b")]
        try:
            params = {"as_of": manifest["as_of"], "mirror": mirror.base_url, "delay": 0, "fan_out": True}
            ran = run("deployment", "run", "crawl/nightly", "--params", json.dumps(params), "--watch",
                      "--watch-timeout", "240", timeout=300)
            logs = {n: (tmp_path / f"{n}.log").read_text(errors="replace") for n in ("worker-a", "worker-b")}
            assert ran.returncode == 0, ran.stdout + ran.stderr + "".join(v[-3000:] for v in logs.values())
            assert "Completed" in ran.stdout + ran.stderr
        finally:
            for w in workers:
                stop_process(w)

    # the source runs: one per source, each its own snapshot
    runs = query(env, "SELECT run_id, status, snapshot_id, params FROM runs")
    assert len(runs) == 5 and {r[1] for r in runs} == {"completed"}, runs
    assert sorted(json.loads(r[3])["sources"][0] for r in runs) == sorted(
        {a["source_id"] for a in manifest["articles"]})
    snapshots = query(env, "SELECT snapshot_id, commit_message FROM lake.snapshots() WHERE commit_message LIKE 'crawl%'")
    assert len(snapshots) == 5, snapshots
    # both workers took source runs
    # Both workers may race for one run: the loser logs "Aborted submission" and does not run it.
    took = {n: [r[0] for r in runs if f"submitting flow run '{r[0]}'" in log
                and f"Aborted submission of flow run '{r[0]}'" not in log] for n, log in logs.items()}
    assert all(took.values()), took
    assert sum(len(v) for v in took.values()) == 5, took
    # every article once
    urls = [r[0] for r in query(env, "SELECT canonical_url FROM articles")]
    assert len(urls) == len(set(urls))
    assert set(urls) == expected
    # the data files are in S3, the archive in the shared directory
    assert any(k.startswith("data/") and k.endswith(".parquet") for k in s3.keys(BUCKET))
    assert list((tmp_path / "archive").rglob("*.warc.gz"))
    # a third process, with the same configuration, sees the same rows
    full = {**base, **env}
    done = subprocess.run([str(BIN / "zonewatch"), "sql", "SELECT canonical_url FROM articles ORDER BY 1",
                           "--format", "json"], env=full, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["canonical_url"] for line in done.stdout.splitlines()] == sorted(urls)
