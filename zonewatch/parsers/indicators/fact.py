"""The Fact record: one economic indicator stated in an article (schema of the gold README)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Measure = Literal["level", "count", "growth_pct", "share_pct", "pp_diff", "rank", "multiple"]
Kind = Literal["actual", "target", "forecast"]
Qualifier = Literal["over", "about", "under"]


@dataclass
class Fact:
    subject: str
    indicator: str
    value: float
    unit: str
    norm_value: float
    norm_unit: str
    measure: Measure
    period: str | None
    kind: Kind
    qualifier: Qualifier | None
    evidence: str
    core: bool = True
    indicator_canonical: str | None = None   # the catalog's canonical name for `indicator`, if any

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
