"""Real servers for integration tests: a throwaway PostgreSQL cluster and an S3 (moto) server,
both on 127.0.0.1 only, both torn down by their context managers."""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))   # Debian's layout
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


@dataclass
class Postgres:
    host: str
    port: int
    user: str = "postgres"

    def dsn(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.host} port={self.port} user={self.user}"

    def createdb(self, name: str) -> None:
        bindir = postgres_bin()
        subprocess.run([str(bindir / "createdb"), "-h", self.host, "-p", str(self.port), "-U", self.user, name],
                       check=True, capture_output=True, timeout=60)


def postgres_unavailable() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None when it can."""
    if postgres_bin() is None:
        return "no PostgreSQL server binaries (initdb) on this machine: apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb/pg_ctl as"
    return None


@contextlib.contextmanager
def postgres_server():
    """initdb + pg_ctl start on 127.0.0.1 with trust auth; stopped and removed afterwards.

    The cluster lives in its own directory under the system temp dir, because the server runs
    as the 'postgres' user, who cannot enter pytest's private (mode 700) tmp_path."""
    bindir = postgres_bin()
    workdir = Path(tempfile.mkdtemp(prefix="zonewatch-pg-"))
    data, sock, log = workdir / "pgdata", workdir / "pgsock", workdir / "postgres.log"
    sock.mkdir(exist_ok=True)
    port = free_port()
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (workdir, sock):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_postgres, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--encoding", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
        f"-k {sock} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=100", "start")
    try:
        yield Postgres("127.0.0.1", port)
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class S3Server:
    endpoint: str          # host:port
    key_id: str = "testing"
    secret: str = "testing"
    region: str = "us-east-1"

    def create_bucket(self, name: str) -> None:
        import boto3
        boto3.client("s3", endpoint_url=f"http://{self.endpoint}", aws_access_key_id=self.key_id,
                     aws_secret_access_key=self.secret, region_name=self.region).create_bucket(Bucket=name)

    def keys(self, bucket: str) -> list[str]:
        import boto3
        client = boto3.client("s3", endpoint_url=f"http://{self.endpoint}", aws_access_key_id=self.key_id,
                              aws_secret_access_key=self.secret, region_name=self.region)
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]


@contextlib.contextmanager
def s3_server(workdir: Path):
    """moto's S3-compatible server in its own process on 127.0.0.1."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = open(workdir / "moto.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"moto server did not start: {(workdir / 'moto.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield S3Server(f"127.0.0.1:{port}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def stop_process(proc: subprocess.Popen, grace: float = 10) -> None:
    """Ask a process to stop, then SIGKILL it: Prefect workers may ignore SIGTERM for a while."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)


@contextlib.contextmanager
def prefect_server_process(env: dict[str, str], workdir: Path, startup: float = 120):
    """`prefect server start` on a free 127.0.0.1 port; yields ``env`` pointed at it."""
    port = free_port()
    env = {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_HOME": env.get("PREFECT_HOME") or str(workdir / "prefect-home")}
    log = workdir / "server.log"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"prefect server did not become healthy: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield env
    finally:
        stop_process(proc)
