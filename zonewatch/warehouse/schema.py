"""The warehouse's tables and views, declared once as data.

Each table says what its columns are (DuckDB types), what identifies a row, and how a load
writes it (its *disposition*):

- ``merge``: upsert by ``primary_key``. A row whose ``change_key`` (or, without one, every
  non-automatic column) equals the stored row's is left alone: no update is written, so
  ``table_changes`` shows only real changes. A changed row is updated in place; the old
  version stays reachable with ``AT (VERSION => n)``.
- ``append``: every row is inserted.
- ``replace_by_key``: all stored rows sharing a ``replace_key`` value with the loaded rows
  are replaced by them (a reparsed article's facts replace its old facts). A key whose rows
  are the same as the stored ones (automatic columns aside) is left alone.

``load.py`` generates every statement from these declarations; nothing else here is SQL
except the views' SELECTs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Disposition = Literal["merge", "append", "replace_by_key"]
# Where an automatic column's value comes from when a row leaves it out (or gives None):
#   run_id / flow: the run's; now: the run's timestamp (one per run); snapshot_id: the id of
#   the snapshot the run's commit will make.
Auto = Literal["run_id", "flow", "now", "snapshot_id"]

SCHEMA_VERSION = 2
CATALOG = "lake"          # the name the DuckLake catalog is attached as


@dataclass(frozen=True)
class Column:
    name: str
    type: str                     # a DuckDB type: VARCHAR, BIGINT, DOUBLE, BOOLEAN, TIMESTAMPTZ, JSON, VARCHAR[]
    nullable: bool = True
    auto: Auto | None = None      # filled by the loader when the row has no value
    on_update: bool = True        # merge: an update overwrites it (False: kept from the first insert)
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    disposition: Disposition
    primary_key: tuple[str, ...] = ()
    replace_key: tuple[str, ...] = ()      # replace_by_key: the key whose rows are replaced together
    change_key: str | None = None          # merge: equal value means "unchanged"
    ignore_fields: tuple[str, ...] = ()    # keys of input dicts that are silently not columns
    doc: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(names) != len(set(names)):
            raise ValueError(f"table {self.name}: duplicate column names")
        for key in (*self.primary_key, *self.replace_key, *([self.change_key] if self.change_key else [])):
            if key not in names:
                raise ValueError(f"table {self.name}: key column {key!r} is not declared")
        if self.disposition == "merge" and not self.primary_key:
            raise ValueError(f"table {self.name}: merge needs a primary_key")
        if self.disposition == "replace_by_key" and not self.replace_key:
            raise ValueError(f"table {self.name}: replace_by_key needs a replace_key")
        if self.disposition not in ("merge", "append", "replace_by_key"):
            raise ValueError(f"table {self.name}: unknown disposition {self.disposition!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        """Columns a row must give a value for (keys and NOT NULL columns without an automatic value)."""
        keys = set(self.primary_key) | set(self.replace_key)
        return tuple(c.name for c in self.columns
                     if c.auto is None and (c.name in keys or not c.nullable))


@dataclass(frozen=True)
class View:
    name: str
    sql: str          # a SELECT over the lake's tables, names unqualified
    doc: str = ""


def _c(name: str, type_: str = "VARCHAR", **kw) -> Column:
    return Column(name, type_, **kw)


ARTICLES = Table(
    name="articles",
    disposition="merge",
    primary_key=("canonical_url",),
    change_key="content_hash",
    ignore_fields=("paragraphs", "next_pages"),
    doc="One row per article (by canonical URL), updated in place when its content changes.",
    columns=(
        _c("canonical_url", nullable=False),
        _c("url"),
        _c("source_id"),
        _c("parser"),
        _c("title"),
        _c("title_raw"),        # the title as printed (title is normalised like the body)
        _c("kicker"),
        _c("subtitle"),
        _c("published", "TIMESTAMPTZ"),
        _c("published_precision"),
        _c("source_name"),
        _c("author"),
        _c("editor"),
        _c("column"),
        _c("body_raw"),
        _c("body"),
        _c("keywords", "VARCHAR[]"),
        _c("language_variant"),
        _c("page_count", "INTEGER"),
        _c("content_hash", nullable=False),
        _c("warnings", "VARCHAR[]"),
        _c("story_id", doc="one id for the copies of one story (syndication, mirrors, reposts)"),
        _c("body_signature", "UBIGINT[]", doc="MinHash of the normalised body, for near-duplicate search"),
        _c("first_seen_run", auto="run_id", on_update=False),
        _c("last_run", auto="run_id"),
        _c("first_seen_at", "TIMESTAMPTZ", auto="now", on_update=False),
        _c("updated_at", "TIMESTAMPTZ", auto="now"),
    ),
)

INDICATORS = Table(
    name="indicators",
    disposition="replace_by_key",
    primary_key=("fact_id",),
    replace_key=("article_url",),
    doc="Economic indicator facts, one row each; an article's facts are replaced together.",
    columns=(
        _c("fact_id", nullable=False),
        _c("article_url", nullable=False),
        _c("position", "INTEGER"),
        _c("subject"),
        _c("indicator"),
        _c("value", "DOUBLE"),
        _c("unit"),
        _c("norm_value", "DOUBLE"),
        _c("norm_unit"),
        _c("measure"),
        _c("period"),
        _c("kind"),
        _c("qualifier"),
        _c("evidence"),
        _c("core", "BOOLEAN"),
        _c("published", "TIMESTAMPTZ"),
        _c("source_id"),
        _c("run_id", auto="run_id"),
        _c("indicator_canonical", doc="the catalog's canonical name of the indicator (null: none)"),
    ),
)

FETCHES = Table(
    name="fetches",
    disposition="append",
    doc="Every HTTP fetch a run made, successful or not, except the ones that only confirmed a stored "
        "copy (304 Not Modified, or a body with the stored hash): runs.pages_not_modified counts those.",
    columns=(
        _c("run_id", auto="run_id"),
        _c("url", nullable=False),
        _c("final_url"),
        _c("status", "INTEGER"),
        _c("ok", "BOOLEAN"),
        _c("error_kind"),
        _c("error"),
        _c("bytes", "BIGINT"),
        _c("truncated", "BOOLEAN"),
        _c("encoding"),
        _c("elapsed_ms", "DOUBLE"),
        _c("attempts", "INTEGER"),
        _c("fetched_at", "TIMESTAMPTZ", auto="now"),
        _c("warc_file"),
        _c("warc_offset", "BIGINT"),
        _c("stage"),            # 'list' | 'article' | 'robots' | ...
    ),
)

RUNS = Table(
    name="runs",
    disposition="append",
    primary_key=("run_id",),
    doc="One row per run, written in the run's own snapshot.",
    columns=(
        _c("run_id", auto="run_id"),
        _c("flow", auto="flow"),
        _c("started_at", "TIMESTAMPTZ", auto="now"),
        _c("finished_at", "TIMESTAMPTZ", auto="now"),
        _c("status"),
        _c("params", "JSON"),
        _c("pages_fetched", "INTEGER"),
        _c("pages_failed", "INTEGER"),
        _c("articles_new", "INTEGER"),
        _c("articles_updated", "INTEGER"),
        _c("articles_unchanged", "INTEGER"),
        _c("facts", "INTEGER"),
        _c("bytes", "BIGINT"),
        _c("errors_by_kind", "JSON"),
        _c("snapshot_id", "BIGINT", auto="snapshot_id"),
        _c("pages_not_modified", "INTEGER"),   # 304, or 200 with the stored body hash: nothing parsed
        _c("articles_parsed", "INTEGER"),
        _c("articles_skipped", "INTEGER"),     # loaded earlier, older than the crawl's recheck window
        _c("failures_queued", "INTEGER"),      # pages left in the failure queue to retry next run
        _c("failures_given_up", "INTEGER"),    # pages this run gave up on (attempt limit or permanent error)
        _c("duration_s", "DOUBLE"),
    ),
)

PAGES = Table(
    name="pages",
    disposition="merge",
    primary_key=("url",),
    doc="What the last good fetch of each list page and loaded article page said about its version: "
        "HTTP validators for the next conditional GET and the body hash, with where the body is archived.",
    columns=(
        _c("url", nullable=False),
        _c("source_id"),
        _c("kind"),                    # 'list' | 'article'
        _c("etag"),
        _c("last_modified"),           # the Last-Modified header as sent (HTTP date)
        _c("body_hash"),               # SHA-256 of the body
        _c("warc_file"),
        _c("warc_offset", "BIGINT"),
        _c("fetched_at", "TIMESTAMPTZ"),
        _c("last_run", auto="run_id"),
    ),
)

FAILURE_QUEUE = Table(
    name="failure_queue",
    disposition="replace_by_key",
    primary_key=("url",),
    replace_key=("url",),
    doc="Article pages that failed, retried by the next runs until the attempt limit; a page that "
        "loads leaves the queue. gave_up: the limit was reached or the error is permanent (404, 410, "
        "robots.txt, off-allowlist redirect); such pages are not fetched again.",
    columns=(
        _c("url", nullable=False),
        _c("source_id"),
        _c("error_kind"),
        _c("error"),
        _c("status", "INTEGER"),
        _c("attempts", "INTEGER"),
        _c("gave_up", "BOOLEAN"),
        _c("first_failed_at", "TIMESTAMPTZ"),
        _c("last_failed_at", "TIMESTAMPTZ"),
        _c("first_run"),
        _c("last_run", auto="run_id"),
    ),
)

SOURCES = Table(
    name="sources",
    disposition="merge",
    primary_key=("source_id",),
    doc="The source registry as of the last run (kept in step by every run).",
    columns=(
        _c("source_id", nullable=False),
        _c("name"),
        _c("parser"),
        _c("hosts", "VARCHAR[]"),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, INDICATORS, FETCHES, RUNS, SOURCES, PAGES, FAILURE_QUEUE)}

VIEWS: dict[str, View] = {v.name: v for v in (
    View(
        "latest_articles",
        """
        SELECT a.canonical_url, a.url, a.source_id,
               coalesce(s.name, a.source_name, a.source_id) AS source,
               a.title, a.kicker, a.subtitle, a.published, a.published_precision,
               a.source_name, a.author, a.editor, a."column", a.keywords, a.body,
               a.language_variant, a.page_count, a.warnings, a.content_hash,
               a.first_seen_run, a.last_run, a.first_seen_at, a.updated_at
        FROM articles AS a
        LEFT JOIN sources AS s ON s.source_id = a.source_id
        ORDER BY a.published DESC NULLS LAST, a.canonical_url
        """,
        doc="Articles as they are now, newest first, with the registry's name of their source.",
    ),
    View(
        "article_facts",
        """
        SELECT i.fact_id, i.article_url, a.title,
               coalesce(s.name, a.source_name, i.source_id) AS source, i.source_id,
               i.published, i.position, i.subject, i.indicator, i.value, i.unit,
               i.norm_value, i.norm_unit, i.measure, i.period, i.kind, i.qualifier,
               i.core, i.evidence, i.run_id
        FROM indicators AS i
        LEFT JOIN articles AS a ON a.canonical_url = i.article_url
        LEFT JOIN sources AS s ON s.source_id = i.source_id
        ORDER BY i.published DESC NULLS LAST, i.article_url, i.position
        """,
        doc="Indicator facts with their article's title and source.",
    ),
    View(
        "failures",
        """
        SELECT url, source_id, CASE WHEN gave_up THEN 'gave_up' ELSE 'retrying' END AS state,
               attempts, error_kind, status, error, first_failed_at, last_failed_at, first_run, last_run
        FROM failure_queue
        ORDER BY gave_up DESC, last_failed_at DESC, url
        """,
        doc="The failure queue for people: pages still being retried and pages given up on.",
    ),
    View(
        "indicator_series",
        """
        WITH facts AS (
            SELECT subject, coalesce(nullif(indicator_canonical, ''), indicator) AS indicator,
                   measure, period, kind, article_url, position, value, unit, norm_value, norm_unit, published
            FROM indicators
            WHERE norm_value IS NOT NULL AND isfinite(norm_value) AND coalesce(subject, '') <> ''
              AND measure IS NOT NULL AND kind IS NOT NULL
        ),
        per_article AS (
            SELECT concat_ws(chr(31), subject, indicator, measure, coalesce(period, chr(1)), kind) AS key,
                   subject, indicator, measure, period, kind, article_url,
                   arg_min(value, position) AS value, arg_min(unit, position) AS unit,
                   arg_min(norm_value, position) AS norm_value, arg_min(norm_unit, position) AS norm_unit,
                   max(published) AS published
            FROM facts
            GROUP BY subject, indicator, measure, period, kind, article_url
        ),
        support AS (
            SELECT a.key, a.article_url, count(*) AS agreeing
            FROM per_article AS a JOIN per_article AS b ON a.key = b.key
             AND abs(a.norm_value - b.norm_value) <= 0.01 * greatest(abs(a.norm_value), abs(b.norm_value))
            GROUP BY a.key, a.article_url
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY key ORDER BY agreeing DESC, same DESC,
                                         published DESC NULLS LAST, article_url) AS rn
            FROM (SELECT p.*, s.agreeing, count(*) OVER (PARTITION BY p.key, p.norm_value) AS same
                  FROM per_article AS p JOIN support AS s ON s.key = p.key AND s.article_url = p.article_url)
        ),
        chosen AS (SELECT * FROM ranked WHERE rn = 1),
        groups AS (
            SELECT key, count(*) AS n_articles,
                   list(article_url ORDER BY published DESC NULLS LAST, article_url) AS article_urls
            FROM per_article GROUP BY key
        ),
        disagree AS (
            SELECT c.key,
                   list({'article_url': p.article_url, 'value': p.value, 'unit': p.unit,
                         'norm_value': p.norm_value, 'published': p.published}
                        ORDER BY p.published DESC NULLS LAST, p.article_url) AS disagreeing
            FROM chosen AS c JOIN per_article AS p ON p.key = c.key
            WHERE abs(p.norm_value - c.norm_value) > 0.01 * greatest(abs(p.norm_value), abs(c.norm_value))
            GROUP BY c.key
        )
        SELECT c.subject, c.indicator, c.measure, c.period, c.kind,
               c.value, c.unit, c.norm_value, c.norm_unit,
               g.n_articles, c.agreeing AS n_agreeing, d.disagreeing IS NOT NULL AS conflict,
               d.disagreeing, c.article_url AS chart_article_url, c.published AS chart_published,
               g.article_urls
        FROM chosen AS c
        JOIN groups AS g ON g.key = c.key
        LEFT JOIN disagree AS d ON d.key = c.key
        ORDER BY c.subject, c.indicator, c.measure, c.period NULLS FIRST, c.kind
        """,
        doc="One row per (subject, canonical indicator, measure, period, kind): the value to chart "
            "(the one most articles agree with within 1%, then the most often stated exactly, then the most "
            "recent article's), n_articles "
            "stating it, and conflict when some article differs from it by more than 1% (441.2 vs 420 "
            "亿元); disagreeing lists those articles with their values (null when none).",
    ),
)}


def get_table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; tables: {', '.join(TABLES)}") from None


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(table: Table, catalog: str) -> str:
    cols = ", ".join(f"{quote(c.name)} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in table.columns)
    return f"CREATE TABLE {catalog}.main.{quote(table.name)} ({cols})"


def add_column_sql(table: Table, column: Column, catalog: str) -> str:
    # New columns are nullable whatever the declaration says: old rows have no value.
    return f"ALTER TABLE {catalog}.main.{quote(table.name)} ADD COLUMN {quote(column.name)} {column.type}"


def create_view_sql(view: View, catalog: str) -> str:
    return f"CREATE VIEW {catalog}.main.{quote(view.name)} AS {view.sql.strip()}"
