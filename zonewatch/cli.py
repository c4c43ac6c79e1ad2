"""The zonewatch command line: one subcommand for every job a user runs. No logic of its own."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

# Prefect reads these at import time; no machine here (or at many users') reaches its telemetry.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (want YYYY-MM-DD): {text!r}") from None


def _print_table(columns: list[str], rows: list[tuple], fmt: str, max_width: int = 60) -> None:
    if fmt == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        import csv
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        return
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda vals: " | ".join(v + " " * (w - _width(v)) for v, w in zip(vals, widths))
    print(line(columns))
    print("-+-".join("-" * w for w in widths))
    for r in cells:
        print(line(r))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _cell(value, max_width: int) -> str:
    text = "NULL" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cmd_demo(args) -> int:
    from zonewatch.flows.demo import run_demo
    report, manifest = run_demo(warehouse=args.warehouse, seeds=args.seeds)
    expected = [a for a in manifest["articles"] if a.get("expected", True)]
    print()
    print(report.summary())
    print(f"  mirror: {len(expected)} articles expected from {len({a['source_id'] for a in expected})} sources"
          f" ({sum(1 for a in expected if a.get('seed'))} of them seed articles)")
    print(f"  warehouse: {Path(args.warehouse or os.environ.get('ZONEWATCH_WAREHOUSE') or 'warehouse').resolve()}")
    print('  try: zonewatch sql "SELECT source_id, count(*) FROM articles GROUP BY ALL"')
    return 0 if report.status == "completed" else 1


def _run_flow(start) -> int:
    """Run a flow; a warehouse busy with another run is a one-line refusal (exit 3), not a traceback."""
    from zonewatch.warehouse import WarehouseLocked
    try:
        report = start()
    except WarehouseLocked as exc:
        print(f"zonewatch: refused: {exc}", file=sys.stderr)
        return 3
    print(report.summary())
    return 0 if report.status == "completed" else 1


def cmd_crawl(args) -> int:
    from zonewatch.flows.crawl import crawl
    return _run_flow(lambda: crawl(sources=args.source or None, as_of=args.as_of, warehouse=args.warehouse,
                                   mirror=args.mirror, delay=args.delay, max_list_pages=args.max_list_pages,
                                   **({"recheck_days": args.recheck_days} if args.recheck_days is not None else {})))


def cmd_backfill(args) -> int:
    from zonewatch.flows.backfill import backfill
    if args.since > args.until:
        print(f"zonewatch: backfill range is empty: --since {args.since} is after --until {args.until}",
              file=sys.stderr)
        return 2
    return _run_flow(lambda: backfill(since=args.since, until=args.until, sources=args.source or None,
                                      warehouse=args.warehouse, mirror=args.mirror, delay=args.delay))


def cmd_reparse(args) -> int:
    from zonewatch.flows.reparse import reparse
    return _run_flow(lambda: reparse(sources=args.source or None, since=args.since, warehouse=args.warehouse))


def cmd_parse(args) -> int:
    from zonewatch.pipeline import parse_file
    article = parse_file(Path(args.file).read_bytes(), args.url)
    print(json.dumps(article.to_json(), ensure_ascii=False, indent=1))
    return 0


def cmd_indicators(args) -> int:
    from zonewatch.pipeline import facts_from_file
    for fact in facts_from_file(Path(args.file).read_bytes(), args.published, url=args.url):
        row = fact.to_json()
        if args.doc:
            row = {"doc": args.doc, **row}
        print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_sql(args) -> int:
    from zonewatch.warehouse import Warehouse
    with Warehouse.open_for_read(_warehouse(args)) as wh:
        columns, rows = wh.sql(args.query)
    _print_table(columns, rows, args.format)
    return 0


def cmd_snapshots(args) -> int:
    from zonewatch.warehouse import Warehouse
    with Warehouse.open_for_read(_warehouse(args)) as wh:
        columns, rows = wh.snapshots()
    _print_table(columns, rows, args.format, max_width=100)
    return 0


def cmd_runs(args) -> int:
    from zonewatch.warehouse import Warehouse
    with Warehouse.open_for_read(_warehouse(args)) as wh:
        if args.failures:
            columns, rows = wh.sql("SELECT url, source_id, state, attempts, error_kind, status, error, "
                                   "last_failed_at FROM failures")
        else:
            columns, rows = wh.sql(
                "SELECT run_id, flow, status, started_at, round(duration_s, 1) AS duration_s, pages_fetched, "
                "pages_not_modified, pages_failed, errors_by_kind AS failed_by_reason, articles_new, "
                "articles_updated, articles_parsed, articles_skipped, facts, bytes, failures_queued, failures_given_up, snapshot_id "
                "FROM runs ORDER BY started_at DESC" + (f" LIMIT {int(args.limit)}" if args.limit else ""))
    _print_table(columns, rows, args.format)
    return 0


def cmd_mirror(args) -> int:
    from zonewatch.flows.demo import serve_mirror
    serve_mirror(Path(args.out), seeds=args.seeds, port=args.port)
    return 0


def cmd_search(args) -> int:
    from zonewatch.warehouse.search import search
    hits = search(_warehouse(args), args.query, since=args.since, source=args.source or None, limit=args.limit)
    if args.json:
        for h in hits:
            print(json.dumps(h.to_json(), ensure_ascii=False))
        return 0
    rows = [(i, round(h.score, 2), h.published.date().isoformat() if h.published else None, h.source_id,
             h.title, " ".join(h.keywords[:5]), h.snippet) for i, h in enumerate(hits, 1)]
    _print_table(["rank", "score", "date", "source", "title", "keywords", "snippet"], rows, "table", max_width=70)
    return 0


def cmd_report(args) -> int:
    from zonewatch.report import write_report
    summary = write_report(_warehouse(args), args.subject, args.indicator, args.out)
    print(f"wrote {summary.path}: {summary.subject}, {summary.charts} series charted, {summary.values} values "
          f"({summary.conflicts} in conflict), warehouse snapshot {summary.snapshot_id}")
    return 0


def cmd_doctor(args) -> int:
    from zonewatch.doctor import main as doctor
    return doctor(_warehouse(args))


def _warehouse(args) -> Path:
    return Path(args.warehouse or os.environ.get("ZONEWATCH_WAREHOUSE") or "warehouse")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zonewatch", description=__doc__.splitlines()[0])
    warehouse_help = "warehouse directory (default $ZONEWATCH_WAREHOUSE or ./warehouse)"
    p.add_argument("--warehouse", help=warehouse_help)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", default=argparse.SUPPRESS, help=warehouse_help)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_, description=help_, parents=[common])
        sp.set_defaults(func=func)
        return sp

    def fetch_opts(sp):
        sp.add_argument("--source", action="append", help="source id from the registry (repeatable; default all)")
        sp.add_argument("--mirror", help="route every request to this mirror server base URL (offline runs)")
        sp.add_argument("--delay", type=float, help="per-host delay in seconds, replacing the registry's")

    def table_opts(sp):
        sp.add_argument("--format", choices=["table", "json", "csv"], default="table")

    sp = add("demo", cmd_demo, "serve the bundled offline mirror on 127.0.0.1 and crawl it into the warehouse")
    sp.add_argument("--seeds", help="seed dumps to place in the mirror (default: ../shared/seeds when present)")

    sp = add("crawl", cmd_crawl, "the nightly crawl: recent list pages of every source, one snapshot")
    fetch_opts(sp)
    sp.add_argument("--as-of", type=_date, help="crawl as of this day (default today in Asia/Shanghai)")
    sp.add_argument("--max-list-pages", type=int, help="list pages to walk per entry URL")
    sp.add_argument("--recheck-days", type=int,
                    help="re-check loaded articles published this many days before --as-of (default 30)")

    sp = add("backfill", cmd_backfill, "load the articles published in a date range")
    fetch_opts(sp)
    sp.add_argument("--since", type=_date, required=True)
    sp.add_argument("--until", type=_date, required=True)

    sp = add("reparse", cmd_reparse, "rebuild articles and indicators from the WARC archive (no network)")
    sp.add_argument("--source", action="append")
    sp.add_argument("--since", type=_date, help="only pages archived on or after this day")

    sp = add("parse", cmd_parse, "parse one saved page and print the Article as JSON")
    sp.add_argument("file")
    sp.add_argument("--url", required=True, help="the page's URL (picks the site parser)")

    sp = add("indicators", cmd_indicators, "print the indicator facts of a text or HTML file, one JSON per line")
    sp.add_argument("file")
    sp.add_argument("--published", type=_date, required=True, help="the text's publication day (resolves 今年, 去年 …)")
    sp.add_argument("--url", help="the page's URL, for HTML files (picks the site parser)")
    sp.add_argument("--doc", help="add this doc field to every fact (for scoring)")

    sp = add("sql", cmd_sql, "run a SQL query on the warehouse (tables: articles, indicators, fetches, runs)")
    sp.add_argument("query")
    table_opts(sp)

    sp = add("snapshots", cmd_snapshots, "list the warehouse snapshots with their commit messages")
    table_opts(sp)

    sp = add("runs", cmd_runs, "list flow runs with their counts (--failures: the pages failing or given up on)")
    sp.add_argument("--failures", action="store_true",
                    help="list the failure queue instead: pages being retried and pages given up on")
    sp.add_argument("--limit", type=int, help="only the latest N runs")
    table_opts(sp)

    sp = add("mirror", cmd_mirror, "build the offline mirror into a directory and serve it until interrupted")
    sp.add_argument("out")
    sp.add_argument("--seeds")
    sp.add_argument("--port", type=int, default=0)

    sp = add("search", cmd_search, "full-text search of the articles (Chinese words, simplified or traditional)")
    sp.add_argument("query", help="words separated by spaces; an article must contain every one")
    sp.add_argument("--since", type=_date, help="only articles published on or after this day")
    sp.add_argument("--source", action="append", help="only this source id (repeatable)")
    sp.add_argument("--limit", type=int, default=20, help="at most this many articles (default 20)")
    sp.add_argument("--json", action="store_true", help="one JSON object per article instead of a table")

    sp = add("report", cmd_report, "write an HTML page charting a subject's indicator series")
    sp.add_argument("--subject", required=True, help="region or company, e.g. 长春汽开区 (aliases such as 汽开区 work)")
    sp.add_argument("--indicator", help="only this indicator, e.g. 地区生产总值 (or as articles name it: GDP)")
    sp.add_argument("--out", default="report.html", help="the HTML file to write (default report.html)")

    add("doctor", cmd_doctor, "check the configuration (catalog, data path, archive, Prefect API, extensions), "
                              "one line per check")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the user sees the message, not a traceback, for errors we can name
        if isinstance(exc, _user_errors()):
            print(f"zonewatch: {exc}", file=sys.stderr)
            return 2
        raise


def _user_errors() -> tuple[type[BaseException], ...]:
    import duckdb

    from zonewatch.errors import UserError
    from zonewatch.warehouse import WarehouseLocked
    return (UserError, WarehouseLocked, FileNotFoundError, KeyError, ValueError, duckdb.Error)


if __name__ == "__main__":
    sys.exit(main())
