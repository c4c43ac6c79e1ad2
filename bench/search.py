"""Full-text search: index build time and query latency on a warehouse of generated articles.

    .venv/bin/python bench/search.py [--articles 100000] [--dir /tmp/zonewatch-bench-search]
                                     [--repeat 30] [--reuse [--build]]

Articles are generated straight into a real DuckLake warehouse (``Warehouse.run`` +
``tx.load("articles", ...)``, one snapshot) by recombining the paragraphs of the demo mirror
(``zonewatch/demo/content``, traditional-character pages included, normalised with
``normalize_text``): each article takes 4-9 random paragraphs, a demo title with a serial
number, one of the five sources and a day between 2018 and 2026. Deterministic (seed 7).

Prints: articles and characters, load time, the full index build time (segmentation, index
tables), the time of an incremental refresh after 1,000 changed articles (its own snapshot) and
of a refresh with nothing changed, the first query of the process (opens the index and loads
its word dictionary and per-article arrays), then per query shape and overall the p50/p95
latency of ``zonewatch.warehouse.search.search`` in a warm process (index open; the freshness
check, a stat of the catalog file, included), with the number of hits found; the load average
is printed with the numbers (the timings are only comparable at a similar load).
Goal: p50 < 100 ms.

``--reuse`` keeps the warehouse and index of an earlier run (queries only); with ``--build``
the full build and the incremental refresh are timed again on the reused warehouse (the 1,000
changed articles get a new marker each time, so the refresh always has work to do).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zonewatch.demo.site import load_articles  # noqa: E402
from zonewatch.parsers.normalize import normalize_text  # noqa: E402
from zonewatch.warehouse import Warehouse  # noqa: E402
from zonewatch.warehouse.search import refresh_index, search  # noqa: E402

SOURCES = ["changchun_gov", "cnjiwang_zw", "jlrb", "people_jl", "zgyq"]
QUERIES = [
    ("one word", "发展", {}),
    ("zone", "汽开区", {}),
    ("two words", "新能源 汽开区", {}),
    ("traditional", "經開區 進出口", {}),
    ("rare name", "张晓峰", {}),
    ("phrase", "中欧班列", {}),
    ("crosses words", "能源汽车", {}),
    ("single char", "雪", {}),
    ("since", "汽开区", {"since": "2025-01-01"}),
    ("source", "新能源", {"source": "jlrb"}),
    ("since + source", "地区生产总值", {"since": "2025-01-01", "source": "jlrb"}),
    ("no match", "量子计算机", {}),
]


def pool() -> tuple[list[str], list[str]]:
    paragraphs, titles = [], []
    for sid in SOURCES:
        for doc in load_articles(sid):
            titles.append(normalize_text(doc.title))
            paragraphs += [normalize_text(p) for p in doc.paragraphs if len(p) > 20]
    return paragraphs, titles


def articles(n: int, seed: int = 7, start: int = 0):
    rnd = random.Random(seed)
    paragraphs, titles = pool()
    day0 = datetime(2018, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    for i in range(start, start + n):
        body = "\n".join(rnd.sample(paragraphs, rnd.randint(4, 9)))
        title = f"{rnd.choice(titles)}（{i}）"
        sid = SOURCES[i % len(SOURCES)]
        url = f"http://bench.example/{sid}/{i}.html"
        yield {"canonical_url": url, "url": url, "source_id": sid, "parser": "bench", "title": title,
               "title_raw": title, "published": day0 + timedelta(minutes=rnd.randrange(9 * 365 * 24 * 60)),
               "body": body, "body_raw": body, "keywords": [], "language_variant": "simplified", "page_count": 1,
               "content_hash": hashlib.sha256((title + body).encode()).hexdigest(), "warnings": []}


def load(path: Path, rows, run_id: str) -> float:
    t = time.perf_counter()
    with Warehouse.open(path) as wh, wh.run(run_id, "bench") as tx:
        tx.load("articles", rows)
        tx.commit(f"bench {run_id}")
    return time.perf_counter() - t


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def loadavg() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def build(path: Path) -> None:
    print(f"before the build: {loadavg()}")
    s = refresh_index(path, full=True)
    print(f"index build (full): {s.seconds:.1f} s for {s.segmented:,} articles ({loadavg()})")
    changed = []
    marker = time.strftime("%Y%m%d%H%M%S")
    for r in articles(1000, seed=8, start=0):
        r["body"] += f"\n本文已更新（{marker}）。"
        r["content_hash"] = hashlib.sha256((r["title"] + r["body"]).encode()).hexdigest()
        changed.append(r)
    load(path, changed, f"bench-update-{marker}")
    s = refresh_index(path)
    print(f"index refresh after 1,000 changed articles: {s.seconds:.1f} s "
          f"({s.segmented} segmented, rebuilt={s.rebuilt}; {loadavg()})")
    s = refresh_index(path)
    print(f"index refresh with nothing changed: {s.seconds:.2f} s (rebuilt={s.rebuilt})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--dir", default="/tmp/zonewatch-bench-search")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--reuse", action="store_true", help="reuse the warehouse and index of an earlier run")
    ap.add_argument("--build", action="store_true", help="with --reuse: time the index build and refresh again")
    args = ap.parse_args()
    path = Path(args.dir) / "warehouse"
    if not args.reuse and path.exists():
        shutil.rmtree(path)
    if not args.reuse or not path.exists():
        rows = list(articles(args.articles))
        chars = sum(len(r["body"]) + len(r["title"]) for r in rows)
        print(f"generated {len(rows):,} articles, {chars / 1e6:.1f} M characters")
        print(f"load into DuckLake: {load(path, rows, 'bench-load'):.1f} s")
        del rows
        build(path)
    elif args.build:
        build(path)
    size = (path / "search.duckdb").stat().st_size
    print(f"index file: {size / 1e6:.0f} MB")
    t = time.perf_counter()
    search(path, "汽开区", limit=20)
    print(f"first query of the process (opens the index, loads the dictionary): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"queries at {loadavg()}")
    print()
    print(f"{'query':<30} {'hits':>5} {'p50 ms':>8} {'p95 ms':>8}")
    everything = []
    for name, q, kw in QUERIES:
        n = len(search(path, q, limit=20, **kw))        # warm-up
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            search(path, q, limit=20, **kw)
            times.append((time.perf_counter() - t) * 1000)
        everything += times
        label = name + " " + q + "".join(f" --{k} {v}" for k, v in kw.items())
        print(f"{label:<30} {n:>5} {statistics.median(times):>8.1f} {pct(times, 95):>8.1f}")
    print(f"{'all queries':<30} {'':>5} {statistics.median(everything):>8.1f} {pct(everything, 95):>8.1f}"
          f"   (goal: p50 < 100 ms)")
    print(f"after the queries: {loadavg()}")


if __name__ == "__main__":
    main()
