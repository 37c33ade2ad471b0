"""Array helpers and the description of one topic: representatives, unit rows, the Topic value."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone

__all__ = ["Topic", "checked_embeddings", "fresh", "representatives", "unit_rows"]

N_REPRESENTATIVES = 5


@dataclass(frozen=True)
class Topic:
    """One topic as a person reads it.

    ``topic_id`` is ``0..n_topics_-1`` for the topics documents are assigned to
    (``-1``, no topic, is never a Topic); coarse parent topics, listed in
    ``TopicModeler.topic_groups_``, take the ids after those.
    ``representative_docs`` are indices into the texts given to ``fit``.
    """

    topic_id: int
    label: str
    keywords: list[str]
    size: int
    representative_docs: list[int]
    parent_id: int | None = None


def representatives(
    members: np.ndarray, unit: np.ndarray, centroid: np.ndarray, texts: Sequence[str]
) -> list[int]:
    """Up to 5 typical but different documents: MMR over the 50 nearest the centroid."""
    if len(members) == 0:
        return []
    similarity = unit[members] @ centroid
    candidates = members[np.argsort(-similarity, kind="stable")[:50]]
    relevance = dict(zip(candidates.tolist(), (unit[candidates] @ centroid).tolist(), strict=True))
    chosen: list[int] = []
    seen_texts: set[str] = set()
    while len(chosen) < N_REPRESENTATIVES:
        best, best_score = None, -np.inf
        for doc in candidates.tolist():
            text = texts[doc].strip().lower()
            if doc in chosen or text in seen_texts:
                continue
            redundancy = max((float(unit[doc] @ unit[c]) for c in chosen), default=0.0)
            score = 0.6 * relevance[doc] - 0.4 * redundancy
            if score > best_score:
                best, best_score = doc, score
        if best is None:
            break
        chosen.append(best)
        seen_texts.add(texts[best].strip().lower())
    return chosen


def checked_embeddings(texts: list[str], embeddings: np.ndarray) -> np.ndarray:
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2:
        raise ValueError(f"embeddings must be 2-D (documents x dimensions), got {embeddings.shape}")
    if len(embeddings) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    return embeddings


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def fresh(model: Any) -> Any:
    """A clone of a scikit-learn-style model, so fitting twice never shares state;
    a model scikit-learn cannot clone (no ``get_params``) is used as given."""
    try:
        return clone(model)
    except TypeError:
        return model


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        self.parent[max(self.find(a), self.find(b))] = min(self.find(a), self.find(b))

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for a in range(len(self.parent)):
            found.setdefault(self.find(a), []).append(a)
        return list(found.values())


class quiet_bertopic:
    """Silence BERTopic warnings that do not apply here (the embedding model we never
    store; assigning topics by hand, which is our last step)."""

    def __enter__(self) -> None:
        self._logger = logging.getLogger("BERTopic")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
