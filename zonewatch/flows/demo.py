"""The offline demo: build the bundled mirror, serve it on 127.0.0.1, crawl it into the warehouse."""
from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from zonewatch.demo import build_mirror, find_seeds_dir
from zonewatch.fetch import MirrorServer
from zonewatch.flows.crawl import crawl
from zonewatch.flows.report import RunReport


def _seeds(seeds: str | None) -> Path | None:
    return Path(seeds) if seeds else find_seeds_dir()


def run_demo(warehouse: str | None = None, seeds: str | None = None) -> tuple[RunReport, dict]:
    """Crawl the mirror through the real fetch path; rows carry the real URLs of the real sites."""
    seeds_dir = _seeds(seeds)
    with tempfile.TemporaryDirectory(prefix="zonewatch-mirror-") as tmp:
        manifest = build_mirror(Path(tmp), seeds_dir)
        with MirrorServer(Path(tmp)) as server:
            report = crawl(as_of=date.fromisoformat(manifest["as_of"]), warehouse=warehouse,
                           mirror=server.base_url, delay=0.0)
    return report, manifest


def serve_mirror(out: Path, seeds: str | None = None, port: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = build_mirror(out, _seeds(seeds))
    with MirrorServer(out, port=port) as server:
        print(f"serving {len(manifest['articles'])} mirrored articles from {out} at {server.base_url}")
        print(f"crawl it with: zonewatch crawl --mirror {server.base_url} --delay 0 --as-of {manifest['as_of']}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
