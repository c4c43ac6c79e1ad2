"""The zonewatch command line as a user runs it: real subprocesses, real files, real warehouse."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zonewatch.demo import build_mirror

ZONEWATCH = str(Path(sys.executable).parent / "zonewatch")


def run(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env or {}))
    return subprocess.run([ZONEWATCH, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, shared_dir):
    """`zonewatch demo` in an empty directory, exactly as the README's first command runs it."""
    cwd = tmp_path_factory.mktemp("demo")
    done = run("demo", "--seeds", str(shared_dir / "seeds"), cwd=cwd, env={"ZONEWATCH_WAREHOUSE": ""})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return cwd, done


def test_demo_prints_a_summary_and_fills_the_warehouse(demo):
    cwd, done = demo
    assert "22 new" in done.stdout and "snapshot" in done.stdout
    assert (cwd / "warehouse" / "catalog.ducklake").exists()
    assert list((cwd / "warehouse" / "data").rglob("*.parquet"))
    assert list((cwd / "warehouse" / "archive").rglob("*.warc.gz"))


def test_sql_and_snapshots(demo):
    cwd, _ = demo
    out = run("sql", "SELECT source_id, count(*) AS n FROM articles GROUP BY ALL ORDER BY 1", "--format", "json",
              cwd=cwd)
    assert out.returncode == 0, out.stderr
    counts = {r["source_id"]: r["n"] for r in map(json.loads, out.stdout.splitlines())}
    assert counts == {"changchun_gov": 4, "cnjiwang_zw": 4, "jlrb": 5, "people_jl": 5, "zgyq": 4}
    snaps = run("snapshots", cwd=cwd)
    assert snaps.returncode == 0 and "crawl run" in snaps.stdout
    bad = run("sql", "SELECT * FROM no_such_table", cwd=cwd)
    assert bad.returncode != 0 and "no_such_table" in (bad.stderr + bad.stdout)


def test_parse_prints_the_article_as_json(tmp_path, shared_dir):
    manifest = build_mirror(tmp_path, shared_dir / "seeds")
    entry = next(a for a in manifest["articles"] if a.get("seed") == "004_f7272f80a1d8ce85")
    page = next(p for p in manifest["pages"] if p["url"] == entry["url"])
    out = run("parse", str(tmp_path / page["path"]), "--url", entry["url"])
    assert out.returncode == 0, out.stderr
    article = json.loads(out.stdout)
    # Read off the seed dump by hand: the 经开区 interview of 2022-10-12 10:00, edited by 马俊华 and 谢龙.
    assert article["published"] == "2022-10-12T10:00:00+08:00"
    assert article["parser"] == "people" and article["source_id"] == "people_jl"
    assert "谢龙" in article["editor"] or "謝龍" in article["editor"]
    assert article["body"].endswith("确保开发建设成果最大程度惠及于民。")
    assert article["language_variant"] == "traditional"
    for key in ("url", "canonical_url", "title", "source_name", "author", "body_raw", "content_hash", "keywords"):
        assert key in article


def test_indicators_prints_one_fact_per_line(tmp_path, shared_dir):
    seed = shared_dir / "seeds" / "003_1d125c83ded6b8a5.txt"
    out = run("indicators", str(seed), "--published", "2026-03-18")
    assert out.returncode == 0, out.stderr
    facts = [json.loads(line) for line in out.stdout.splitlines()]
    assert facts and all({"subject", "indicator", "value", "unit", "norm_value", "norm_unit", "measure", "period",
                          "kind", "qualifier", "evidence"} <= set(f) for f in facts)
    # 这份答卷提振信心:…GDP完成1142.4亿元、增长4.9% (a 2026 text about 2025)
    assert any(f["measure"] == "level" and f["period"] == "2025" and f["value"] == 1142.4 and f["unit"] == "亿元"
               and f["subject"] == "长春汽开区" for f in facts)
    assert any(f["measure"] == "growth_pct" and f["period"] == "2025" and f["value"] == 4.9 for f in facts)


def test_bad_arguments_say_what_is_wrong():
    out = run("backfill", "--since", "2022-13-01", "--until", "2022-12-31")
    assert out.returncode == 2 and "not a date" in out.stderr
