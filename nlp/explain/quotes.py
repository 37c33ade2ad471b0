"""Quotes and representative customers: what a segment typically says, and who is typical."""

from __future__ import annotations

import re

import numpy as np

MIN_QUOTE_WORDS = 6
QUOTE_CANDIDATES = 200


def central_quotes(docs, owner, embeddings, texts, *, n_quotes: int) -> list[int]:
    """Positions of documents near the segment's centre in embedding space, kept diverse.

    No near-duplicates (cosine > 0.9 or nearly the same words), different
    customers first, texts of at least ``MIN_QUOTE_WORDS`` words first.
    """
    if embeddings is None or len(docs) == 0:
        return []
    vectors = np.asarray(embeddings, dtype=float)[docs]
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centre = vectors.mean(axis=0)
    centre = centre / max(np.linalg.norm(centre), 1e-12)
    order = np.argsort(-(vectors @ centre), kind="stable")[:QUOTE_CANDIDATES]
    long_enough = [
        texts is None or len(str(texts[docs[i]]).split()) >= MIN_QUOTE_WORDS for i in order
    ]
    chosen: list[int] = []
    for new_customer, wordy in ((True, True), (False, True), (False, False)):
        for i, ok in zip(order, long_enough, strict=True):
            if len(chosen) >= n_quotes:
                return [int(docs[c]) for c in chosen]
            if i in chosen or (wordy and not ok):
                continue
            if new_customer and owner[docs[i]] in {owner[docs[c]] for c in chosen}:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) > 0.9:
                continue
            if texts is not None and any(
                near_duplicate(texts[docs[i]], texts[docs[c]]) for c in chosen
            ):
                continue
            chosen.append(int(i))
    return [int(docs[c]) for c in chosen]


def representatives(members, probabilities, space, ids, *, n: int) -> list[str]:
    """The ``n`` members nearest the segment's probability-weighted centre in ``space``."""
    rows = np.flatnonzero(members)
    if space is None or len(rows) == 0:
        return []
    points = np.asarray(space, dtype=float)[rows]
    weights = np.clip(probabilities[rows], 1e-3, None)
    centre = (points * weights[:, None]).sum(axis=0) / weights.sum()
    distance = np.linalg.norm(points - centre, axis=1)
    score = distance * (2.0 - np.clip(probabilities[rows], 0.0, 1.0))
    best = np.argsort(score, kind="stable")[:n]
    return [ids[rows[i]] for i in best]


def near_duplicate(a: str, b: str) -> bool:
    """Same words, give or take a few: word-set Jaccard similarity of at least 0.8."""
    left, right = set(_words(a)), set(_words(b))
    if not left or not right:
        return left == right
    return len(left & right) / len(left | right) >= 0.8


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", str(text).lower())
