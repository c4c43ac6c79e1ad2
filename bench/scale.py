"""Scale-out speed: pages/s with 1 and 2 workers sharing a PostgreSQL-catalog warehouse, and
what N machines give for 100 sources x 1,000 pages a night.

    .venv/bin/python bench/scale.py [--articles 5000] [--per-page 50] [--delay 2.0]

The generated 5,000-article zgyq mirror (bench/crawl.py's generator) is cut in two halves served
as two sources (zgyq_a, zgyq_b: the same site templates, different articles) by two
MirrorServers. "1 worker" crawls the two sources one after the other; "2 workers" crawls them
at once in two processes, both committing to one warehouse: catalog in a throwaway PostgreSQL,
Parquet in a local directory, Prefect on a temporary local API. Each source run is a
`zonewatch crawl --source …` process, exactly what a process worker starts for a `crawl/per-source`
flow run. No politeness delay (CPU-bound); the estimate then adds the sites' delay (--delay).
Needs PostgreSQL server binaries (tests/services.py); without them only the 1-worker figure.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from crawl import daily  # noqa: E402  (one article a day back from 2025-12-31)
from services import postgres_server, postgres_unavailable  # noqa: E402
from test_crawl_support import build_zgyq_mirror  # noqa: E402

BIN = Path(sys.executable).parent


def registry(path: Path) -> Path:
    text = (ROOT / "zonewatch" / "sources" / "registry.toml").read_text(encoding="utf-8")
    block = text[text.index('id = "zgyq"'):]
    block = block[:block.index("[[source]]")] if "[[source]]" in block else block
    path.write_text("".join(f'[[source]]\n{block.replace(chr(34) + "zgyq" + chr(34), chr(34) + sid + chr(34))}\n'
                            for sid in ("zgyq_a", "zgyq_b")), encoding="utf-8")
    return path


def crawl_procs(env: dict, jobs: list[tuple[str, str]], lists: int, parallel: bool) -> float:
    """Run `zonewatch crawl` for each (source, mirror URL), at once or one after another."""
    def start(sid, url):
        return subprocess.Popen([str(BIN / "zonewatch"), "crawl", "--source", sid, "--mirror", url, "--delay", "0",
                                 "--as-of", "2025-12-31", "--max-list-pages", str(lists + 1)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t = time.perf_counter()
    if parallel:
        procs = [start(*job) for job in jobs]
        outs = [p.communicate(timeout=3600) for p in procs]
    else:
        procs, outs = [], []
        for job in jobs:
            procs.append(start(*job))
            outs.append(procs[-1].communicate(timeout=3600))
    wall = time.perf_counter() - t
    for p, (out, _) in zip(procs, outs):
        if p.returncode != 0:
            raise SystemExit(f"crawl failed:\n{out[-3000:]}")
    return wall


def estimate(per_page_s: float, startup_s: float, delay: float, sources: int = 100, pages: int = 1000,
             slots: int = 8, machines=(1, 2, 4, 8, 16)) -> str:
    """Night length for N machines: each machine runs `slots` source runs at once (worker --limit)."""
    lines = [f"Estimate for {sources} sources x {pages} pages a night (cold: every page new), from the measured "
             f"{per_page_s * 1000:.0f} ms of one worker process per page (fetch from a local mirror, parse, "
             f"extract, load) and {startup_s:.0f} s of start-up per source run; {slots} source runs per machine at "
             f"once, {delay:g} s politeness delay per host:",
             "",
             "| machines | CPU-bound (no delay) | politeness-bound | night |",
             "|---:|---:|---:|---:|"]
    total = sources * pages
    for n in machines:
        cpu = (total * per_page_s + sources * startup_s) / n            # one busy core per machine
        waves = -(-sources // (n * slots))
        polite = waves * (pages * delay + startup_s)
        night = max(cpu, polite)
        lines.append(f"| {n} | {_hm(cpu)} | {_hm(polite)} | {_hm(night)} ({'CPU' if cpu >= polite else 'politeness'}) |")
    lines += ["", "A source's pages are fetched one at a time per host (one per delay), so one source never "
              f"takes less than {pages} x {delay:g} s = {_hm(pages * delay)}: machines shorten the night by running more "
              "sources at once, until every source runs at once; past that only a shorter delay helps. The CPU "
              "column counts one busy core per machine (a worker's source runs are mostly waiting on the delay). "
              "A nightly incremental crawl fetches only new and recently published pages (304s for the rest), "
              "a small fraction of these figures."]
    return "\n".join(lines)


def _hm(seconds: float) -> str:
    m = int(round(seconds / 60))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{max(m, 1) if seconds >= 30 else 0} min" \
        if seconds >= 30 else f"{seconds:.0f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--per-page", type=int, default=50)
    ap.add_argument("--delay", type=float, default=2.0, help="politeness delay for the estimate (registry: 2 s)")
    ap.add_argument("--slots", type=int, default=8, help="source runs per machine at once, for the estimate")
    args = ap.parse_args()

    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from zonewatch.fetch import MirrorServer

    half = args.articles // 2
    days = daily(args.articles)
    lists = -(-half // args.per_page)
    with tempfile.TemporaryDirectory(prefix="zonewatch-scale-") as tmp, \
            prefect_test_harness(server_startup_timeout=120):
        tmp = Path(tmp)
        t = time.perf_counter()
        build_zgyq_mirror(tmp / "mirror-a", days[:half], per_page=args.per_page)
        build_zgyq_mirror(tmp / "mirror-b", days[half:], per_page=args.per_page)
        pages = 2 * (half + lists)
        print(f"generated {2 * half} articles on {2 * lists} list pages (two sources) in {time.perf_counter() - t:.1f} s")
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
        base.update(PREFECT_API_URL=PREFECT_API_URL.value(), ZONEWATCH_REGISTRY=str(registry(tmp / "registry.toml")),
                    PREFECT_LOGGING_LEVEL="WARNING")
        with MirrorServer(tmp / "mirror-a") as ma, MirrorServer(tmp / "mirror-b") as mb:
            jobs = [("zgyq_a", ma.base_url), ("zgyq_b", mb.base_url)]
            # start-up cost of one run: a crawl of an empty source list page set
            reason = postgres_unavailable()
            if reason:
                print(f"PostgreSQL unavailable ({reason}): 1 worker on a local catalog only")
                env = dict(base, ZONEWATCH_WAREHOUSE=str(tmp / "wh1"))
                one = crawl_procs(env, jobs, lists, parallel=False)
                print(f"1 worker : {one:7.1f} s  {pages / one:7.1f} pages/s")
                print(estimate(one / pages, 5.0, args.delay, slots=args.slots))
                return
            with postgres_server() as pg:
                results = {}
                for workers, db in ((1, "lake1"), (2, "lake2")):
                    pg.createdb(db)
                    env = dict(base, ZONEWATCH_WAREHOUSE=str(tmp / f"wh{workers}"),
                               ZONEWATCH_CATALOG=f"postgres:{pg.dsn(db)}")
                    results[workers] = crawl_procs(env, jobs, lists, parallel=workers == 2)
                    print(f"{workers} worker{'s' if workers > 1 else ' '}: {results[workers]:7.1f} s  "
                          f"{pages / results[workers]:7.1f} pages/s  ({pages} pages, PostgreSQL catalog)")
                    if workers == 1:   # start-up of a run: the same crawl again, every page unchanged
                        t = time.perf_counter()
                        crawl_procs(env, jobs[:1], lists, parallel=False)
                        rerun = time.perf_counter() - t
                print(f"speed-up with 2 workers: {results[1] / results[2]:.2f}x on {os.cpu_count()} CPUs")
                per_page = results[1] / pages
                startup = min(rerun, 15.0)
                print(f"per page (1 worker): {per_page * 1000:.1f} ms; an unchanged rerun of one source "
                      f"(start-up, {half + lists} conditional requests, commit): {rerun:.1f} s")
                print()
                print(estimate(per_page, startup, args.delay, slots=args.slots))


if __name__ == "__main__":
    main()
