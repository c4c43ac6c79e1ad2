"""Where a warehouse lives: its DuckLake catalog, its data files and its WARC archive.

Configuration only, from the environment (no code change to switch):

==========================  ==============================================================
``ZONEWATCH_WAREHOUSE``     the warehouse directory (default ``./warehouse``): the defaults
                            below live in it, and so do the local lock files
``ZONEWATCH_CATALOG``       the DuckLake catalog: a ``.ducklake`` file path (default
                            ``<warehouse>/catalog.ducklake``), or ``postgres:dbname=lake
                            host=… port=… user=… password=…`` (``ducklake:`` prefix optional)
                            for a catalog shared by many machines
``ZONEWATCH_DATA_PATH``     the Parquet files: a directory (default ``<warehouse>/data/``) or
                            ``s3://bucket/prefix/`` (any S3-compatible store)
``ZONEWATCH_S3_ENDPOINT``   host:port of an S3-compatible server (default AWS)
``ZONEWATCH_S3_KEY_ID``     access key (else ``AWS_ACCESS_KEY_ID``)
``ZONEWATCH_S3_SECRET``     secret key (else ``AWS_SECRET_ACCESS_KEY``)
``ZONEWATCH_S3_REGION``     region (else ``AWS_REGION`` / ``AWS_DEFAULT_REGION``, else us-east-1)
``ZONEWATCH_S3_URL_STYLE``  ``path`` or ``vhost`` (default: path with an endpoint, else vhost)
``ZONEWATCH_S3_USE_SSL``    true/false (default true; false for a plain-http endpoint)
``ZONEWATCH_ARCHIVE``       the WARC archive directory (default ``<warehouse>/archive``); with
                            several machines a shared filesystem path (NFS, …)
==========================  ==============================================================

A file catalog has one writer at a time (DuckDB locks the file; ``writer.lock`` says who).
A PostgreSQL catalog is *shared*: any number of processes on any number of machines read
and write it at once, DuckLake's optimistic concurrency turning each commit into a snapshot
(a conflicting commit is retried by the loader).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

CATALOG_FILE = "catalog.ducklake"
DATA_DIR = "data"
ARCHIVE_DIR = "archive"

# Catalog back ends DuckLake reaches through a DuckDB extension (prefix -> extension).
SHARED_BACKENDS = {"postgres": "postgres"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _env(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name)
        if value not in (None, ""):
            return value
    return None


def _bool(value: str | None, default: bool, name: str) -> bool:
    if value is None:
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"{name}={value!r}: want true or false")


@dataclass(frozen=True)
class S3Config:
    key_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    region: str = "us-east-1"
    endpoint: str | None = None
    url_style: str | None = None
    use_ssl: bool = True

    def secret_sql(self) -> str:
        """A DuckDB ``CREATE SECRET`` statement for httpfs (temporary: never written to disk)."""
        def lit(v: str) -> str:
            return "'" + v.replace("'", "''") + "'"
        parts = ["TYPE s3", f"REGION {lit(self.region)}"]
        if self.key_id:
            parts.append(f"KEY_ID {lit(self.key_id)}")
        if self.secret:
            parts.append(f"SECRET {lit(self.secret)}")
        if self.endpoint:
            parts.append(f"ENDPOINT {lit(self.endpoint)}")
        style = self.url_style or ("path" if self.endpoint else None)
        if style:
            parts.append(f"URL_STYLE {lit(style)}")
        parts.append(f"USE_SSL {'true' if self.use_ssl else 'false'}")
        return f"CREATE OR REPLACE TEMPORARY SECRET zonewatch_s3 ({', '.join(parts)})"

    def client_kwargs(self) -> dict:
        """boto3-style client arguments (used by doctor and the archive upload)."""
        scheme = "https" if self.use_ssl else "http"
        out = {"region_name": self.region}
        if self.endpoint:
            out["endpoint_url"] = f"{scheme}://{self.endpoint}"
        if self.key_id:
            out["aws_access_key_id"] = self.key_id
        if self.secret:
            out["aws_secret_access_key"] = self.secret
        return out


@dataclass(frozen=True)
class Location:
    """A warehouse's catalog, data path and archive, resolved from the configuration."""

    warehouse: Path                 # the local directory (defaults and lock files)
    catalog: str                    # 'postgres:…' or an absolute .ducklake file path
    data_path: str                  # an absolute directory ending in '/' or 's3://…/'
    archive: Path
    s3: S3Config | None = None

    # -- what kind ------------------------------------------------------------------
    @property
    def backend(self) -> str:
        """'file' (a DuckDB catalog file) or the shared back end ('postgres')."""
        head = self.catalog.split(":", 1)[0]
        return head if ":" in self.catalog and head in SHARED_BACKENDS else "file"

    @property
    def shared(self) -> bool:
        """Many writers at once (PostgreSQL catalog) rather than one (a catalog file)."""
        return self.backend != "file"

    @property
    def remote_data(self) -> bool:
        return self.data_path.startswith("s3://")

    @property
    def catalog_file(self) -> Path | None:
        return None if self.shared else Path(self.catalog)

    @property
    def lock_dir(self) -> Path:
        """Where writer.lock / run.lock live: beside the catalog file (the warehouse directory
        by default)."""
        f = self.catalog_file
        return f.parent if f is not None else self.warehouse

    @property
    def key(self) -> str:
        """Identity of the catalog within one process (one DuckDB instance per key)."""
        return self.catalog

    @property
    def extensions(self) -> list[str]:
        """DuckDB extensions this location needs besides ducklake."""
        out = [SHARED_BACKENDS[self.backend]] if self.shared else []
        if self.remote_data:
            out.append("httpfs")
        return out

    @property
    def attach_target(self) -> str:
        return f"ducklake:{self.catalog}"

    def exists(self) -> bool | None:
        """Whether the catalog exists: True/False for a file, None (unknown without
        connecting) for a shared catalog."""
        f = self.catalog_file
        return f.exists() if f is not None else None

    def describe(self) -> str:
        """The catalog and data path for messages, with any password hidden."""
        return f"catalog {redact(self.catalog)}, data {self.data_path}"

    def __str__(self) -> str:
        return str(self.warehouse) if not self.shared and self.catalog == str(self.warehouse / CATALOG_FILE) \
            else f"{self.warehouse} ({self.describe()})"


_PASSWORD = re.compile(r"(password\s*=\s*)(\S+)", re.IGNORECASE)


def redact(catalog: str) -> str:
    return _PASSWORD.sub(r"\1***", catalog)


def resolve(warehouse: Path | str | None = None, env: Mapping[str, str] | None = None) -> Location:
    """The location of ``warehouse`` (default ``$ZONEWATCH_WAREHOUSE`` or ``./warehouse``) under
    the configuration in ``env`` (default the process environment)."""
    env = os.environ if env is None else env
    base = Path(warehouse if warehouse is not None else (_env(env, "ZONEWATCH_WAREHOUSE") or "warehouse")).resolve()
    catalog = _env(env, "ZONEWATCH_CATALOG")
    if catalog is None:
        catalog = str(base / CATALOG_FILE)
    else:
        catalog = catalog.strip()
        if catalog.startswith("ducklake:"):
            catalog = catalog[len("ducklake:"):]
        head = catalog.split(":", 1)[0]
        if ":" in catalog and head in SHARED_BACKENDS:
            pass
        elif re.match(r"^[a-z][a-z0-9+]*:", catalog) and not re.match(r"^[A-Za-z]:[\\/]", catalog):
            raise ValueError(f"ZONEWATCH_CATALOG={redact(catalog)!r}: unknown catalog kind {head!r}; "
                             f"use a .ducklake file path or postgres:dbname=… host=… user=…")
        else:
            path = Path(catalog).expanduser()
            catalog = str((path if path.is_absolute() else base / path).resolve())
    data = _env(env, "ZONEWATCH_DATA_PATH")
    if data is None:
        data = str(base / DATA_DIR) + "/"
    elif data.startswith("s3://"):
        data = data if data.endswith("/") else data + "/"
        if len(data) <= len("s3://") + 1:
            raise ValueError(f"ZONEWATCH_DATA_PATH={data!r}: name a bucket, s3://bucket/prefix/")
    elif re.match(r"^[a-z][a-z0-9+]*://", data):
        raise ValueError(f"ZONEWATCH_DATA_PATH={data!r}: want a directory or s3://bucket/prefix/")
    else:
        path = Path(data).expanduser()
        data = str((path if path.is_absolute() else base / path).resolve()) + "/"
    archive = _env(env, "ZONEWATCH_ARCHIVE")
    archive_path = Path(archive).expanduser().resolve() if archive else base / ARCHIVE_DIR
    s3 = None
    if data.startswith("s3://"):
        s3 = S3Config(
            key_id=_env(env, "ZONEWATCH_S3_KEY_ID", "AWS_ACCESS_KEY_ID"),
            secret=_env(env, "ZONEWATCH_S3_SECRET", "AWS_SECRET_ACCESS_KEY"),
            region=_env(env, "ZONEWATCH_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION") or "us-east-1",
            endpoint=_env(env, "ZONEWATCH_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
            url_style=_env(env, "ZONEWATCH_S3_URL_STYLE"),
            use_ssl=_bool(_env(env, "ZONEWATCH_S3_USE_SSL"), True, "ZONEWATCH_S3_USE_SSL"),
        )
        if s3.endpoint and "://" in s3.endpoint:     # AWS_ENDPOINT_URL is a URL; DuckDB wants host:port
            scheme, rest = s3.endpoint.split("://", 1)
            ssl = s3.use_ssl if _env(env, "ZONEWATCH_S3_USE_SSL") else scheme == "https"
            s3 = S3Config(s3.key_id, s3.secret, s3.region, rest.rstrip("/"), s3.url_style, ssl)
    return Location(base, catalog, data, archive_path, s3)
