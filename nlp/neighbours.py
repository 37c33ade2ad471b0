"""Exact nearest neighbours with BLAS, handed to UMAP in place of NN-descent.

UMAP finds each row's neighbours with NN-descent from 4,096 rows (or when asked
to), and below that by calling its numba distance from Python for every pair.
NN-descent is the one numba function UMAP uses that cannot be cached on disk
(:mod:`nlp.compiled`): every new process compiled it again, about 10 s on two
cores. For the row counts a run reduces (a topic sample of at most 6,000
documents, customers up to :data:`MAX_EXACT_ROWS`), exact Euclidean
neighbours from matrix products in chunks take well under a second and are
exact rather than approximate.

:class:`ExactNeighbours` is what UMAP's ``precomputed_knn`` takes: the training
graph, plus a search index whose ``query`` UMAP's ``transform`` calls to place
new rows (customers who arrive after a run).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

# Beyond this many rows the n² distance products cost more than NN-descent's compilation.
MAX_EXACT_ROWS = 30_000

# UMAP warns that a search index which is not NN-descent leaves transform unavailable;
# ours answers transform's query, so the warning is wrong for it.
warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)


class ExactNeighbours:
    """Exact Euclidean k-nearest neighbours of fixed training rows (each row's first is itself)."""

    # Read by UMAP's transform to choose NN-descent's search epsilon (ignored here).
    _angular_trees = False

    def __init__(self, rows: np.ndarray, *, chunk: int = 1024) -> None:
        self._raw_data = np.ascontiguousarray(rows, dtype=np.float32)
        self._squared = np.einsum("ij,ij->i", self._raw_data, self._raw_data)
        self.chunk = chunk

    def query(self, X: np.ndarray, k: int, epsilon: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Indices and distances of the ``k`` training rows nearest to each row of ``X``.

        Nearest first.

        ``epsilon`` is NN-descent's search slack, accepted for UMAP's ``transform``; unused.
        """
        X = np.ascontiguousarray(X, dtype=np.float32)
        k = min(int(k), self._raw_data.shape[0])
        indices = np.empty((X.shape[0], k), dtype=np.int32)
        distances = np.empty((X.shape[0], k), dtype=np.float32)
        for start in range(0, X.shape[0], self.chunk):
            block = X[start : start + self.chunk]
            squared = self._squared[None, :] - 2.0 * (block @ self._raw_data.T)
            squared += np.einsum("ij,ij->i", block, block)[:, None]
            nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
            near = np.take_along_axis(squared, nearest, axis=1)
            order = np.argsort(near, axis=1, kind="stable")
            indices[start : start + len(block)] = np.take_along_axis(nearest, order, axis=1)
            distances[start : start + len(block)] = np.sqrt(
                np.maximum(np.take_along_axis(near, order, axis=1), 0.0)
            )
        return indices, distances

    def graph(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The training rows' own ``k`` neighbours, each row first among its own."""
        indices, distances = self.query(self._raw_data, k)
        rows = np.arange(indices.shape[0])
        # Ties at distance 0 (duplicate rows) may put a twin first: put the row itself first.
        own = np.argmax(indices == rows[:, None], axis=1)
        has_own = indices[rows, own] == rows
        swap = has_own & (own > 0)
        indices[swap, own[swap]] = indices[swap, 0]
        indices[swap, 0] = rows[swap]
        distances[rows, 0] = 0.0
        return indices, distances


def with_exact_neighbours(umap: Any, rows: np.ndarray) -> Any:
    """``umap`` set to use exact neighbours of ``rows`` (fit it on these rows next).

    Left as it is beyond :data:`MAX_EXACT_ROWS` rows, where NN-descent is cheaper.
    """
    if rows.shape[0] > MAX_EXACT_ROWS or rows.shape[0] <= umap.n_neighbors:
        return umap
    index = ExactNeighbours(rows)
    indices, distances = index.graph(umap.n_neighbors)
    umap.set_params(precomputed_knn=(indices, distances, index))
    return umap
