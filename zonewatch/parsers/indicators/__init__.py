"""Economic indicator facts from normalised article text.

    extract_facts(text, published, default_subject=None) -> list[Fact]

Pure and fast: regular expressions over paragraphs, sentences and clauses; the indicator
catalog, units and regions are data in catalog.toml. See extract.py for the pipeline.
"""
from __future__ import annotations

import datetime as dt
import logging

from .extract import extract
from .fact import Fact

__all__ = ["Fact", "extract_facts"]

log = logging.getLogger(__name__)


def extract_facts(text: str, published: dt.date | None, *, default_subject: str | None = None) -> list[Fact]:
    """Every indicator fact stated in `text` (normalised by normalize_text). Never raises:
    odd input gives an empty list."""
    if not isinstance(text, str) or not text.strip():
        return []
    if isinstance(published, dt.datetime):
        published = published.date()
    elif not isinstance(published, dt.date):
        published = None
    try:
        return extract(text, published, default_subject)
    except Exception:  # a bug must not stop a crawl; log it and move on
        log.exception("indicator extraction failed")
        return []
