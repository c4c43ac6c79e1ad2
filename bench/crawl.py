"""Crawl speed: a cold crawl of a generated 5,000-article mirror, then an unchanged rerun.

    .venv/bin/python bench/crawl.py [--articles 5000] [--per-page 50]

The mirror is rendered in a temporary directory with the demo's zgyq.china.com.cn page
templates (articles of ~1 KB of text among the site's chrome; list pages of --per-page links
chained by 下一页), served by MirrorServer on 127.0.0.1 and crawled by the real crawl flow
(Prefect runs on a temporary local API) into a temporary warehouse, with no politeness delay,
as of the newest article's day (one article a day back from 2025-12-31, so the rerun re-checks
the 31 articles of the default 30-day recheck window and the 100 list pages).
Prints pages/s of the cold crawl (list + article pages, wall time of the whole flow run,
loading included), and for the rerun: wall time, requests, 304 answers and pages parsed.
Goal: the rerun parses nothing and takes well under a tenth of the cold crawl's time.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_crawl_support import build_zgyq_mirror  # noqa: E402  (the tests' generator of deep mirrors)


def daily(n: int) -> list[date]:
    out, day = [], date(2025, 12, 31)
    for i in range(n):              # one article a day back from 2025-12-31
        out.append(date.fromordinal(day.toordinal() - i))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--per-page", type=int, default=50)
    args = ap.parse_args()

    from prefect.testing.utilities import prefect_test_harness

    from zonewatch.fetch import MirrorServer
    from zonewatch.flows.crawl import crawl

    with tempfile.TemporaryDirectory(prefix="zonewatch-bench-") as tmp, prefect_test_harness(server_startup_timeout=120):
        root, warehouse = Path(tmp) / "mirror", Path(tmp) / "warehouse"
        t = time.perf_counter()
        build_zgyq_mirror(root, daily(args.articles), per_page=args.per_page)
        lists = -(-args.articles // args.per_page)
        print(f"generated {args.articles} articles on {lists} list pages in {time.perf_counter() - t:.1f} s")
        with MirrorServer(root) as server:
            def run():
                mark = len(server.replies)
                started = time.perf_counter()
                report = crawl(sources=["zgyq"], as_of=date(2025, 12, 31), warehouse=str(warehouse),
                               mirror=server.base_url, delay=0.0, max_list_pages=lists + 1)
                return report, time.perf_counter() - started, server.replies[mark:]

            cold, cold_s, cold_replies = run()
            pages = sum(1 for _, path, _ in cold_replies if path != "/robots.txt")
            print(f"cold crawl:      {cold_s:7.1f} s  {pages} pages ({len(cold_replies)} requests with robots.txt)  "
                  f"{pages / cold_s:7.1f} pages/s  articles new {cold.articles_new}, parsed {cold.articles_parsed}, "
                  f"facts {cold.facts}, snapshot {cold.snapshot_id}")
            again, again_s, again_replies = run()
            not_modified = sum(1 for *_, status in again_replies if status == 304)
            print(f"unchanged rerun: {again_s:7.1f} s  {len(again_replies)} requests ({not_modified} answered 304)  "
                  f"parsed {again.articles_parsed}, not re-checked {again.articles_skipped}, new {again.articles_new}, "
                  f"updated {again.articles_updated}, "
                  f"snapshot {again.snapshot_id}")
            print(f"rerun / cold time: {again_s / cold_s:.3f} (goal: well under 0.1, and 0 pages parsed)")


if __name__ == "__main__":
    main()
