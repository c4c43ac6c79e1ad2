"""SIGKILL at random moments of real crawl subprocesses (on the test's Prefect server): after
each kill the warehouse is at its last committed snapshot with nothing partial, nothing
duplicated and a readable archive; the next run completes and matches a clean run.
A second crawl started while one runs is refused with a clear message."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from zonewatch.demo import build_mirror
from zonewatch.fetch import MirrorServer, iter_archive, read_response
from zonewatch.warehouse import Warehouse, snapshots

BIN = Path(sys.executable).parent
KILLS = 20
LANES = 2               # kills run in two warehouses side by side, ten after another in each
# a newspaper article inside the nightly recheck window, so every night looks at it again
CHANGED_FILE = "jlrbszb.dajilin.com/pc/paper/c/202603/19/content_3262390.html"
MARKER = "全区实现地区生产总值1296.8亿元，同比增长6.3%"


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_dir):
    root = tmp_path_factory.mktemp("crash-mirror")
    manifest = build_mirror(root, shared_dir / "seeds")
    return root, manifest


def start_crawl(warehouse: Path, base_url: str, as_of: str, log: Path, delay: str = "0.02") -> subprocess.Popen:
    from prefect.settings import PREFECT_API_URL
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), ZONEWATCH_WAREHOUSE=str(warehouse))
    return subprocess.Popen([str(BIN / "zonewatch"), "crawl", "--mirror", base_url, "--delay", delay,
                             "--as-of", as_of], env=env, cwd=warehouse.parent,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def snapshot_list(warehouse: Path) -> list[tuple[int, object]]:
    if not (warehouse / "catalog.ducklake").exists():
        return []
    with Warehouse.open_for_read(warehouse, wait=10) as wh:
        return [(s.id, s.extra) for s in snapshots(wh)]


def check_consistent(warehouse: Path, before: list) -> list:
    """The invariants a kill must never break; returns the snapshots now."""
    after = snapshot_list(warehouse)
    assert after[:len(before)] == before, "a committed snapshot changed or vanished"
    # a run adds at most its commit (a new warehouse: the catalog, the schema and the commit)
    assert len(after) - len(before) <= (1 if before else 3)
    if not after:
        return after
    run_snapshots = {extra["run_id"]: sid for sid, extra in after if isinstance(extra, dict) and "run_id" in extra}
    with Warehouse.open_for_read(warehouse, wait=10) as wh:
        q = lambda sql: wh.sql(sql)[1]   # noqa: E731
        if not q("SELECT table_name FROM information_schema.tables WHERE table_name = 'runs'"):
            assert not run_snapshots and len(after) == 1     # killed between creating the catalog and its tables
            return after
        runs = dict(q("SELECT run_id, snapshot_id FROM runs"))
        assert runs == run_snapshots, "every run snapshot has its runs row and no other run has one"
        assert q("SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]
        assert q("SELECT count(*) FROM indicators WHERE article_url NOT IN (SELECT canonical_url FROM articles)") == [(0,)]
        assert q("SELECT count(*) - count(DISTINCT fact_id) FROM indicators") == [(0,)]
        for table in ("fetches", "pages", "failure_queue"):
            column = "run_id" if table == "fetches" else "last_run"
            assert q(f"SELECT count(*) FROM {table} WHERE {column} NOT IN (SELECT run_id FROM runs)") == [(0,)]
        for table in ("articles", "indicators", "fetches", "runs", "pages"):
            q(f"SELECT * FROM {table}")            # every data file the catalog names is there and reads
        stored = q("SELECT url, warc_file, warc_offset FROM pages")
    archive = warehouse / "archive"
    for url, warc_file, offset in stored:          # what a 304 falls back on is in a finished WARC file
        assert read_response(archive, warc_file, offset).url == url
    for path in archive.rglob("*.warc.gz"):        # finished files read to the end
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                record.content_stream().read()
    for _ in iter_archive(archive):                # .part files of killed runs read up to their last record
        pass
    return after


def articles_and_facts(warehouse: Path):
    with Warehouse.open_for_read(warehouse, wait=10) as wh:
        return (wh.sql("SELECT canonical_url, content_hash FROM articles ORDER BY ALL")[1],
                wh.sql("SELECT article_url, indicator, measure, period, norm_value FROM indicators ORDER BY ALL")[1])


def test_sigkill_at_20_random_points(built, tmp_path, prefect_server):
    from zonewatch.flows.crawl import crawl
    root, manifest = built
    seed = int(os.environ.get("ZONEWATCH_CRASH_SEED", random.randrange(1_000_000)))
    print(f"crash test seed {seed} (ZONEWATCH_CRASH_SEED={seed} repeats it)")
    rng = random.Random(seed)
    as_of = manifest["as_of"]
    mirrors, servers = [], []
    for lane in range(LANES):
        copy = tmp_path / f"mirror{lane}"
        shutil.copytree(root, copy)
        mirrors.append(copy)
        servers.append(MirrorServer(copy).__enter__())
    original = (root / CHANGED_FILE).read_text(encoding="utf-8")
    try:
        # a clean, uninterrupted run: the reference, and how long a run takes
        reference = tmp_path / "reference" / "warehouse"
        reference.parent.mkdir()
        started = time.monotonic()
        proc = start_crawl(reference, servers[0].base_url, as_of, tmp_path / "reference.log")
        assert proc.wait(timeout=180) == 0, (tmp_path / "reference.log").read_text()[-3000:]
        full = time.monotonic() - started
        points = [rng.uniform(0.2, full) for _ in range(KILLS)]

        def lane(n: int) -> int:
            warehouse = tmp_path / f"lane{n}" / "warehouse"
            warehouse.parent.mkdir()
            log = tmp_path / f"lane{n}.log"
            before, killed = [], 0
            for i, point in enumerate(points[n::LANES]):
                # something to commit every time: the article's number changes before each run
                value = f"全区实现地区生产总值1296.8亿元，同比增长{6.4 + i / 10:.1f}%"
                (mirrors[n] / CHANGED_FILE).write_text(original.replace(MARKER, value), encoding="utf-8")
                proc = start_crawl(warehouse, servers[n].base_url, as_of, log)
                time.sleep(point)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    code = proc.wait(timeout=30)
                    # the run may end on its own between poll() and the signal: then it was not killed
                    assert code in (-signal.SIGKILL, 0), log.read_text()[-3000:]
                    killed += code == -signal.SIGKILL
                else:
                    assert proc.returncode == 0, log.read_text()[-3000:]
                before = check_consistent(warehouse, before)
            return killed

        with ThreadPoolExecutor(LANES) as pool:
            killed = sum(pool.map(lane, range(LANES)))
        print(f"a full run takes {full:.1f} s; {killed} of {KILLS} points killed a running crawl "
              f"(kill phase {time.monotonic() - started - full:.1f} s)")
        assert killed >= KILLS // 2, f"only {killed} of {KILLS} points fell inside a run ({full:.1f} s)"

        # the next run completes normally and the warehouse equals the clean run's
        want = articles_and_facts(reference)
        for n in range(LANES):
            (mirrors[n] / CHANGED_FILE).write_text(original, encoding="utf-8")
            warehouse = tmp_path / f"lane{n}" / "warehouse"
            report = crawl(as_of=date.fromisoformat(as_of), warehouse=str(warehouse),
                           mirror=servers[n].base_url, delay=0.0)
            assert report.status == "completed"
            check_consistent(warehouse, snapshot_list(warehouse))
            assert articles_and_facts(warehouse) == want
    finally:
        for server in servers:
            server.__exit__(None, None, None)


def test_a_second_crawl_is_refused_while_one_runs(built, tmp_path, prefect_server):
    root, manifest = built
    warehouse = tmp_path / "warehouse"
    with MirrorServer(root) as server:
        first = start_crawl(warehouse, server.base_url, manifest["as_of"], tmp_path / "first.log", delay="0.3")
        try:
            lock = warehouse / "run.lock"
            deadline = time.monotonic() + 90
            while True:          # wait until the first crawl holds the run lock
                try:
                    if json.loads(lock.read_text() or "{}").get("pid") == first.pid:
                        break
                except (OSError, ValueError):
                    pass
                assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "first.log").read_text()
                time.sleep(0.1)
            second = start_crawl(warehouse, server.base_url, manifest["as_of"], tmp_path / "second.log")
            assert second.wait(timeout=60) == 3
            message = (tmp_path / "second.log").read_text()
            assert f"zonewatch: refused: warehouse {warehouse.resolve()} is busy: crawl run" in message
            assert f"by pid {first.pid}" in message and "only one crawl, backfill or reparse" in message
            assert first.poll() is None, "the first crawl must not be disturbed"
            assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()[-3000:]
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
    with Warehouse.open_for_read(warehouse) as wh:
        assert wh.sql("SELECT count(*) FROM runs")[1] == [(1,)]
        assert wh.sql("SELECT count(*) FROM articles")[1] == [(22,)]
