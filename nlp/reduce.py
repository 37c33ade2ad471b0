"""Dimension reduction fitted on a sample, everyone else placed beside their neighbours.

UMAP's cost grows with the rows it lays out: on two cores, 24,000 document
embeddings took about 35 s, most of a run's topic stage. The layout of a few
thousand rows already shows the corpus's clusters, so :class:`SampledReducer`
fits the reducer on a seeded random sample and places every other row at the
distance-weighted mean of the layout positions of its nearest sampled rows
(``k`` neighbours by Euclidean distance in the input space, computed with
BLAS in chunks). This is the first step of UMAP's own ``transform`` (its
initial placement) without the optimisation epochs, which cost as much as a fit.
Rows up to ``max_rows`` are reduced exactly as the wrapped reducer does.

Used for the topic model's UMAP, where the clustering that follows (HDBSCAN)
still sees every document. ``bench/bench_topics.py`` measures what sampling
changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone

DEFAULT_MAX_ROWS = 6000
NEIGHBOURS = 10


class SampledReducer(BaseEstimator):
    """A reducer (UMAP) fitted on at most ``max_rows`` rows; the others placed by neighbours.

    :param reducer: an unfitted scikit-learn-style reducer with ``fit_transform``.
    :param max_rows: the sample size; more rows than this are placed, not fitted.
    :param neighbours: sampled rows averaged to place one other row.
    :param seed: the sample's seed (the reducer keeps its own).
    :param exact_neighbours_from: from this many fitted rows, hand the reducer exact
        neighbours computed with BLAS (:mod:`nlp.neighbours`) instead of NN-descent;
        ``None`` never.
    """

    def __init__(
        self,
        reducer: Any,
        max_rows: int = DEFAULT_MAX_ROWS,
        neighbours: int = NEIGHBOURS,
        seed: int = 0,
        exact_neighbours_from: int | None = None,
    ) -> None:
        self.reducer = reducer
        self.max_rows = max_rows
        self.neighbours = neighbours
        self.seed = seed
        self.exact_neighbours_from = exact_neighbours_from

    def fit(self, X: np.ndarray, y: Any = None) -> SampledReducer:
        """Fit on ``X`` (or a sample of it); the layout of every row is ``embedding_``."""
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        """The layout of every row of ``X``: sampled rows as fitted, the others placed."""
        if self.max_rows < 2 or self.neighbours < 1:
            raise ValueError("max_rows must be at least 2 and neighbours at least 1")
        X = np.asarray(X)
        self.reducer_ = clone(self.reducer)
        n = X.shape[0]
        if n <= self.max_rows:
            self.sample_ = np.arange(n)
            self.embedding_ = np.asarray(self._fit_rows(X), dtype=np.float32)
            return self.embedding_
        rng = np.random.default_rng(self.seed)
        self.sample_ = np.sort(rng.choice(n, size=self.max_rows, replace=False))
        sampled = np.asarray(self._fit_rows(X[self.sample_]), dtype=np.float32)
        layout = np.empty((n, sampled.shape[1]), dtype=np.float32)
        layout[self.sample_] = sampled
        rest = np.setdiff1d(np.arange(n), self.sample_, assume_unique=True)
        layout[rest] = place_by_neighbours(X[self.sample_], sampled, X[rest], self.neighbours)
        self.embedding_ = layout
        return layout

    def _fit_rows(self, rows: np.ndarray) -> np.ndarray:
        if self.exact_neighbours_from is not None and rows.shape[0] >= self.exact_neighbours_from:
            from nlp.neighbours import with_exact_neighbours

            with_exact_neighbours(self.reducer_, rows)
        return self.reducer_.fit_transform(rows)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """New rows placed beside their nearest fitted rows (no optimisation)."""
        return place_by_neighbours(
            self._fitted_rows, self.embedding_[self.sample_], np.asarray(X), self.neighbours
        )

    @property
    def _fitted_rows(self) -> np.ndarray:
        raw = getattr(self.reducer_, "_raw_data", None)
        if raw is None:
            raise AttributeError("the wrapped reducer keeps no training rows to place new rows by")
        return np.asarray(raw)


def place_by_neighbours(
    fitted: np.ndarray, layout: np.ndarray, rows: np.ndarray, k: int, *, chunk: int = 2048
) -> np.ndarray:
    """Each of ``rows`` at the inverse-distance-weighted mean layout of its ``k`` nearest fitted."""
    k = min(k, fitted.shape[0])
    fitted = np.asarray(fitted, dtype=np.float32)
    squared = np.einsum("ij,ij->i", fitted, fitted)
    placed = np.empty((rows.shape[0], layout.shape[1]), dtype=np.float32)
    for start in range(0, rows.shape[0], chunk):
        block = np.asarray(rows[start : start + chunk], dtype=np.float32)
        distances = squared[None, :] - 2.0 * block @ fitted.T
        distances += np.einsum("ij,ij->i", block, block)[:, None]
        nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
        near = np.sqrt(np.maximum(np.take_along_axis(distances, nearest, axis=1), 0.0))
        weights = 1.0 / (near + 1e-6)
        weights /= weights.sum(axis=1, keepdims=True)
        placed[start : start + len(block)] = np.einsum("ij,ijk->ik", weights, layout[nearest])
    return placed
