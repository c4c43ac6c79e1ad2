"""Score extract_facts on the five hand-labelled seeds with the shared scorer (read at run time;
nothing from /work/shared is copied into the repo)."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from zonewatch.parsers.indicators import extract_facts
from zonewatch.parsers.normalize import normalize_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold" / "seed_indicators.jsonl"
SCORER = SHARED / "gold" / "score.py"
SEEDS = SHARED / "seeds"
PUBLISHED = {"000": dt.date(2023, 2, 23), "001": dt.date(2022, 10, 13), "002": dt.date(2022, 1, 30),
             "003": dt.date(2026, 3, 18), "004": dt.date(2022, 10, 12)}
MIN_P, MIN_R = 0.95, 0.90

HELD_OUT = Path(__file__).resolve().parent / "data" / "indicators"


@pytest.fixture(autouse=True)
def _shared_present() -> None:
    """The shared gold is part of the test set: missing means failing, not skipping."""
    missing = [str(p) for p in (GOLD, SCORER, SEEDS) if not p.exists()]
    if missing:
        pytest.fail(f"shared gold data missing: {', '.join(missing)} (expected next to the repository)")


def _produce(tmp_path: Path) -> Path:
    out = tmp_path / "produced.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for seed in sorted(SEEDS.glob("*.txt")):
            text = normalize_text(seed.read_text(encoding="utf-8"))
            for fact in extract_facts(text, PUBLISHED[seed.name[:3]]):
                row = fact.to_json() | {"doc": seed.stem}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b)) + 1e-9


def _pair_rates(produced: Path) -> dict[str, float]:
    """Subject and kind accuracy on matched pairs (same matching as score.py)."""
    gold = defaultdict(list)
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            gold[g["doc"]].append(g)
    pairs = subj = kind = 0
    for line in produced.read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        free = gold[p["doc"]]
        ok = [g for g in free if g["measure"] == p["measure"] and g["period"] == p["period"]
              and _close(float(g["norm_value"]), float(p["norm_value"]))]
        if not ok:
            continue
        g = next((x for x in ok if x.get("core", True)), ok[0])
        free.remove(g)
        pairs += 1
        subj += g["subject"] == p["subject"]
        kind += g["kind"] == p["kind"]
    return {"subject": subj / pairs if pairs else 0.0, "kind": kind / pairs if pairs else 0.0}


def test_seed_precision_and_recall(tmp_path: Path) -> None:
    produced = _produce(tmp_path)
    run = subprocess.run([sys.executable, str(SCORER), str(GOLD), str(produced), "--min-p", "0", "--min-r", "0"],
                         capture_output=True, text=True, check=False)
    print(run.stderr)
    print(run.stdout)
    m = re.search(r"precision=([\d.]+) recall=([\d.]+)", run.stdout)
    assert m, run.stdout + run.stderr
    precision, recall = float(m.group(1)), float(m.group(2))
    rates = _pair_rates(produced)
    print(f"subject accuracy={rates['subject']:.3f} kind accuracy={rates['kind']:.3f}")
    assert precision >= MIN_P, f"precision {precision} < {MIN_P}"
    assert recall >= MIN_R, f"recall {recall} < {MIN_R}"
    assert rates["subject"] >= 0.95 and rates["kind"] >= 0.98


def _score(gold: Path, produced: Path) -> tuple[float, float, dict[str, float]]:
    run = subprocess.run([sys.executable, str(SCORER), str(gold), str(produced), "--min-p", "0", "--min-r", "0"],
                         capture_output=True, text=True, check=False)
    print(run.stderr)
    print(run.stdout)
    m = re.search(r"precision=([\d.]+) recall=([\d.]+).*subject=([\d.]+) kind=([\d.]+) qualifier=([\d.]+)", run.stdout)
    assert m, run.stdout + run.stderr
    p, r, s, k, q = (float(x) for x in m.groups())
    return p, r, {"subject": s, "kind": k, "qualifier": q}


def _own(tmp_path: Path, rounds: set[str]) -> tuple[float, float, dict[str, float]]:
    """Score our own labelled texts of the given rounds (index.json "round"; none = development)."""
    index = json.loads((HELD_OUT / "index.json").read_text(encoding="utf-8"))
    docs = {d: m for d, m in index.items() if m.get("round", "dev") in rounds}
    assert docs
    gold, produced = tmp_path / "gold.jsonl", tmp_path / "produced.jsonl"
    with gold.open("w", encoding="utf-8") as g, produced.open("w", encoding="utf-8") as f:
        for doc, meta in docs.items():
            g.write((HELD_OUT / f"{doc}.jsonl").read_text(encoding="utf-8"))
            text = normalize_text((HELD_OUT / f"{doc}.txt").read_text(encoding="utf-8"))
            for fact in extract_facts(text, dt.date.fromisoformat(meta["published"])):
                f.write(json.dumps(fact.to_json() | {"doc": doc}, ensure_ascii=False) + "\n")
    return _score(gold, produced)


def test_development_texts(tmp_path: Path) -> None:
    """Our own texts of other genres (bulletin, work report, interview, brief, traditional
    characters, pinyin, zone comparison), each labelled by hand in tests/data/indicators/*.jsonl
    before the extractor was run on it; the extractor was then improved on them (round A and
    earlier), so they must meet the issue's goals."""
    index = json.loads((HELD_OUT / "index.json").read_text(encoding="utf-8"))
    assert sum(m.get("round", "dev") in ("dev", "A") for m in index.values()) >= 14
    precision, recall, rates = _own(tmp_path, {"dev", "A"})
    assert precision >= MIN_P and recall >= MIN_R
    assert rates["subject"] >= 0.95 and rates["kind"] >= 0.98


# Round B: texts written and labelled after the round-A fixes, scored once with the extractor
# frozen. Their first score was P 0.969 R 0.988 subject 1.000 kind 0.957 qualifier 1.000 - that
# is their held-out figure. The round-C fixes were then made for the failure classes they showed
# (event kind, 增产/涨幅, a project dated by its event), so they now score higher; the floor below
# only guards them.
HELD_OUT_FLOOR = 0.85


def test_held_out_round_b(tmp_path: Path) -> None:
    precision, recall, rates = _own(tmp_path, {"B"})
    assert precision >= HELD_OUT_FLOOR and recall >= HELD_OUT_FLOOR
    assert rates["subject"] >= HELD_OUT_FLOOR and rates["kind"] >= HELD_OUT_FLOOR


# Round C: four texts (a signing brief naming 一汽-大众, a bulletin with 增产/涨幅 wording, an
# interview mixing achieved and planned figures, a traditional-character work report) written and
# labelled by hand after the round-C fixes, then scored once with the extractor frozen. First run:
# P 0.981 R 0.988 (84/85 core) subject 0.922 kind 0.990 qualifier 1.000 - the honest held-out
# figure. The floor only guards it; nothing was tuned on these texts.
def test_held_out_round_c(tmp_path: Path) -> None:
    precision, recall, rates = _own(tmp_path, {"C"})
    assert precision >= HELD_OUT_FLOOR and recall >= HELD_OUT_FLOOR
    assert rates["subject"] >= HELD_OUT_FLOOR and rates["kind"] >= HELD_OUT_FLOOR


# Round D: four texts (a county-level bulletin with 产量/出栏 lines, a company-heavy 长春新区 story with
# 全年/上半年 figures, a forecast-heavy mid-year outlook, a traditional-character interview) written and
# labelled by hand after the round-D fixes (crops are not companies, 全年 between a company and its
# verb, 预计 carrying to bare clauses, an explicit period over 累计, a headline dated by its event), then
# scored once with the extractor frozen. First run: P 0.991 R 0.991 (113/114 core, 117 produced)
# subject 0.983 kind 0.991 qualifier 1.000 - the honest held-out figure. Its misses (a company named
# after 预计三季度 mid-clause, 预计…将新增 read as a target, 提高到11% of a growth rate read as a share)
# are left unfixed; the floor only guards the texts.
def test_held_out_round_d(tmp_path: Path) -> None:
    precision, recall, rates = _own(tmp_path, {"D"})
    assert precision >= HELD_OUT_FLOOR and recall >= HELD_OUT_FLOOR
    assert rates["subject"] >= HELD_OUT_FLOOR and rates["kind"] >= HELD_OUT_FLOOR
