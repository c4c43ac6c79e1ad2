"""The run report: what one flow run did, for the `runs` table, the log and a Prefect artifact."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone


@dataclass
class RunReport:
    run_id: str
    flow: str
    params: dict
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished_at: datetime | None = None
    status: str = "running"
    pages_fetched: int = 0            # page fetches (robots.txt aside), 304s and refusals included
    pages_not_modified: int = 0       # 304, or 200 with the stored body hash: nothing parsed
    pages_failed: int = 0
    bytes: int = 0
    errors_by_kind: Counter = field(default_factory=Counter)
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0       # loaded with the stored content hash, or not modified
    articles_parsed: int = 0
    articles_skipped: int = 0         # loaded earlier, published before the recheck window: not requested
    articles_by_source: Counter = field(default_factory=Counter)
    facts: int = 0
    failures_queued: int = 0          # failed pages left in the queue for the next run
    failures_given_up: int = 0        # pages given up on by this run
    skipped_given_up: int = 0         # links to pages given up on earlier, not fetched
    snapshot_id: int | None = None

    def count_fetches(self, fetches) -> None:
        for f in fetches:
            self.pages_fetched += 1
            self.bytes += f.bytes or 0
            if getattr(f, "not_modified", False):
                self.pages_not_modified += 1
            elif not f.ok:
                self.pages_failed += 1
                self.errors_by_kind[f.error_kind or "unknown"] += 1

    @property
    def duration_s(self) -> float:
        end = self.finished_at or datetime.now(timezone.utc)
        return (end - self.started_at).total_seconds()

    def row(self) -> dict:
        d = asdict(self)
        d["params"] = json.dumps(self.params, ensure_ascii=False, default=str)
        d["errors_by_kind"] = json.dumps(dict(self.errors_by_kind), ensure_ascii=False)
        d["duration_s"] = round(self.duration_s, 3)
        del d["articles_by_source"], d["skipped_given_up"]
        return d

    def commit_message(self) -> str:
        return (f"{self.flow} run {self.run_id}: {self.pages_fetched} pages fetched "
                f"({self.pages_not_modified} not modified, {self.pages_failed} failed), articles {self.articles_new} new / {self.articles_updated} updated / "
                f"{self.articles_unchanged} unchanged, {self.facts} facts")

    def markdown(self) -> str:
        lines = [f"# {self.flow} run `{self.run_id}`", "",
                 "| figure | value |", "|---|---|",
                 f"| status | {self.status} |",
                 f"| snapshot | {self.snapshot_id} |",
                 f"| pages fetched | {self.pages_fetched} |",
                 f"| pages not modified | {self.pages_not_modified} |",
                 f"| pages failed | {self.pages_failed} |",
                 f"| failed pages queued for retry / given up | {self.failures_queued} / {self.failures_given_up} |",
                 f"| bytes | {self.bytes} |",
                 f"| articles new / updated / unchanged | {self.articles_new} / {self.articles_updated} / {self.articles_unchanged} |",
                 f"| articles parsed | {self.articles_parsed} |",
                 f"| loaded articles not re-checked (older than the recheck window) | {self.articles_skipped} |",
                 f"| indicator facts | {self.facts} |",
                 f"| duration | {self.duration_s:.1f} s |"]
        if self.errors_by_kind:
            lines += ["", "## Failures by reason", "", "| reason | pages |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in self.errors_by_kind.most_common()]
        if self.articles_by_source:
            lines += ["", "## Articles by source", "", "| source | articles |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in sorted(self.articles_by_source.items())]
        return "\n".join(lines)

    def summary(self) -> str:
        failures = ", ".join(f"{k} {v}" for k, v in self.errors_by_kind.most_common()) or "none"
        by_source = ", ".join(f"{k} {v}" for k, v in sorted(self.articles_by_source.items()))
        return (f"{self.flow} run {self.run_id} {self.status} in {self.duration_s:.1f} s -> snapshot {self.snapshot_id}\n"
                f"  pages fetched {self.pages_fetched}, not modified {self.pages_not_modified}, "
                f"failed {self.pages_failed} ({failures}), {self.bytes:,} bytes\n"
                f"  articles: {self.articles_new} new, {self.articles_updated} updated, {self.articles_unchanged} unchanged"
                f" ({by_source}); {self.articles_parsed} pages parsed, {self.articles_skipped} older ones not re-checked\n"
                f"  failure queue: {self.failures_queued} to retry, {self.failures_given_up} given up"
                + (f"; {self.skipped_given_up} links to given-up pages skipped" if self.skipped_given_up else "")
                + f"\n  indicator facts: {self.facts}")
