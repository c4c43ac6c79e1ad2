"""The Article record: what a parser makes of one article page (or of its pages joined)."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Article:
    url: str                      # the URL fetched (first page of a multi-page article)
    canonical_url: str            # the key articles are upserted by
    source_id: str | None         # registry id, None for hosts outside the registry
    parser: str                   # which parser produced it ("people", "generic", ...)
    title: str | None             # normalised like the body: simplified, no pinyin, NFKC
    kicker: str | None = None     # 引题 / 肩题 above the title
    subtitle: str | None = None   # 副题 below the title
    published: datetime | None = None   # tz-aware, Asia/Shanghai, to the minute
    published_precision: str | None = None  # "minute" or "day"
    source_name: str | None = None      # 来源 as printed
    author: str | None = None
    editor: str | None = None
    column: str | None = None           # 栏目 / 版面
    paragraphs: list[str] = field(default_factory=list)   # raw body paragraphs, as on the page
    body: str = ""                      # normalised body (simplified, pinyin stripped, NFKC)
    keywords: list[str] = field(default_factory=list)
    language_variant: str = "simplified"    # "traditional" when the page was in traditional characters
    page_count: int = 1
    next_pages: list[str] = field(default_factory=list)   # further pages still to fetch and join
    warnings: list[str] = field(default_factory=list)     # partial-parse notes ("no body found", ...)
    title_raw: str | None = None        # the title exactly as printed (``title`` is normalised)
    story_id: str | None = None         # set at load time: copies of one story share it
    body_signature: list[int] | None = field(default=None, repr=False)   # MinHash, set at load time

    @property
    def body_raw(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        """Hash of what the article says, so an unchanged re-fetch is recognisable."""
        h = hashlib.sha256()
        for part in (self.title or "", self.published.isoformat() if self.published else "", self.body):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        d["body_raw"] = self.body_raw
        d["content_hash"] = self.content_hash
        del d["next_pages"]
        d.pop("body_signature", None)   # set by the story index (flows.run), not part of the JSON
        return d
