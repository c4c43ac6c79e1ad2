"""Syndication: one ``story_id`` for the same story on several sites or mirrors.

The same article appears on people.com.cn and its BIG5 gateway, in a paper and on a
government site, and on copy sites with pinyin and extra chrome.  Copies are found by
near-duplicate detection on the *normalised* body (simplified, pinyin stripped, NFKC), so
script and annotation differences vanish before comparing:

* :func:`shingles` — character 5-grams of the body with whitespace and punctuation removed;
* :func:`signature` — a 128-value MinHash (datasketch, fixed seed: stable across runs and
  machines) as a list of ints, to be stored next to the article;
* :class:`StoryIndex` — MinHash LSH over stored ``(canonical_url, signature, story_id)`` rows;
  :meth:`StoryIndex.assign` gives a new article the story_id of the most similar stored
  article (estimated Jaccard ≥ ``threshold``), else a new id derived from its canonical URL.

Pure: no database.  The warehouse stores the rows and rebuilds the index from them.
Bodies shorter than ``MIN_CHARS`` (after normalisation) are never merged: too little text to
tell a copy from a coincidence; they get their own id.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from datasketch import MinHash, MinHashLSH

from .normalize import normalize_text

NUM_PERM = 128
SEED = 20240601
SCHEME = "affine32"      # datasketch >= 2.0 permutation scheme; stored values are < 2**32
SHINGLE = 5
THRESHOLD = 0.6          # estimated Jaccard of 5-gram sets; copies with chrome score ~0.8-1.0
MIN_CHARS = 80

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def story_id_for(canonical_url: str) -> str:
    """The id of a story first seen at ``canonical_url`` (16 hex digits)."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def comparable_text(body: str, *, normalised: bool = True) -> str:
    """The body as compared: normalised, then only letters and digits (punctuation and
    whitespace differ between copies), lower-cased."""
    text = body if normalised else normalize_text(body)
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(body: str, *, normalised: bool = True, k: int = SHINGLE) -> set[bytes]:
    text = comparable_text(body, normalised=normalised)
    if len(text) <= k:
        return {text.encode("utf-8")} if text else set()
    return {text[i:i + k].encode("utf-8") for i in range(len(text) - k + 1)}


def _minhash(values: Iterable[int] | None = None) -> MinHash:
    if values is None:
        return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    import numpy as np

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=np.asarray(list(values), dtype=np.uint64))


def signature(body: str, *, normalised: bool = True) -> list[int]:
    """MinHash of the body's shingles: ``NUM_PERM`` unsigned ints below 2**32 (store as UINTEGER[]).

    ``body`` is Article.body (already normalised); pass ``normalised=False`` for raw text.
    An empty body gives an empty list.
    """
    grams = shingles(body, normalised=normalised)
    if not grams:
        return []
    m = _minhash()
    m.update_batch(sorted(grams))
    return [int(v) for v in m.hashvalues]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)


@dataclass(frozen=True)
class Match:
    canonical_url: str
    story_id: str
    similarity: float


class StoryIndex:
    """Stored articles' signatures, queried for near-duplicates of a new one.

    Rebuild it from the warehouse rows with :meth:`from_rows`; then call :meth:`assign` for
    each new or changed article, in the order they are loaded, and store what it returns.
    """

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._rows: dict[str, tuple[list[int], str]] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, list[int] | None, str]], threshold: float = THRESHOLD) -> "StoryIndex":
        index = cls(threshold)
        for canonical_url, sig, story_id in rows:
            index.add(canonical_url, list(sig or []), story_id)
        return index

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self._rows

    def add(self, canonical_url: str, sig: list[int], story_id: str) -> None:
        """Record a stored article (replacing an earlier row for the same URL)."""
        if canonical_url in self._rows:
            self._lsh.remove(canonical_url)
        self._rows[canonical_url] = (sig, story_id)
        self._lsh.insert(canonical_url, _minhash(sig) if sig else _minhash())

    def matches(self, sig: list[int], *, exclude: str | None = None) -> list[Match]:
        """Stored articles whose estimated similarity to ``sig`` reaches the threshold, best first."""
        if not sig:
            return []
        found = []
        for url in self._lsh.query(_minhash(sig)):
            if url == exclude:
                continue
            other, story_id = self._rows[url]
            sim = similarity(sig, other)
            if sim >= self.threshold:
                found.append(Match(url, story_id, sim))
        return sorted(found, key=lambda m: (-m.similarity, m.story_id, m.canonical_url))

    def assign(self, canonical_url: str, body: str | None = None, *, sig: list[int] | None = None) -> tuple[str, list[int]]:
        """(story_id, signature) for an article, and remember it.

        An article already in the index keeps its story_id (a re-parse does not renumber
        stories).  Otherwise: the story of the most similar stored article, if any reaches
        the threshold and the body is long enough; else a new id from ``canonical_url``.
        """
        if sig is None:
            sig = signature(body or "")
        if canonical_url in self._rows:
            story_id = self._rows[canonical_url][1]
        else:
            long_enough = len(comparable_text(body)) >= MIN_CHARS if body is not None else bool(sig)
            best = self.matches(sig, exclude=canonical_url) if long_enough else []
            story_id = best[0].story_id if best else story_id_for(canonical_url)
        self.add(canonical_url, sig, story_id)
        return story_id, sig
