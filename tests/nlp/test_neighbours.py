"""Exact neighbours handed to UMAP: the same neighbours as brute force, and transform still works."""

from __future__ import annotations

import numpy as np
import umap
from sklearn.neighbors import NearestNeighbors

from nlp.neighbours import ExactNeighbours, with_exact_neighbours


def _rows(n: int = 600, d: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=6.0, size=(4, d))
    return (centres[rng.integers(0, 4, n)] + rng.normal(size=(n, d))).astype(np.float32)


def test_query_finds_the_same_neighbours_as_brute_force_nearest_first():
    rows = _rows()
    queries = _rows(50, seed=1)
    indices, distances = ExactNeighbours(rows, chunk=64).query(queries, 7)
    expected_d, expected_i = NearestNeighbors(n_neighbors=7).fit(rows).kneighbors(queries)
    np.testing.assert_array_equal(indices, expected_i)
    np.testing.assert_allclose(distances, expected_d, rtol=1e-3, atol=1e-3)
    assert np.all(np.diff(distances, axis=1) >= 0)


def test_the_training_graph_puts_each_row_first_even_beside_a_duplicate():
    rows = _rows(200)
    rows[10] = rows[11]
    indices, distances = ExactNeighbours(rows).graph(5)
    np.testing.assert_array_equal(indices[:, 0], np.arange(200))
    assert np.all(distances[:, 0] == 0.0)
    assert 11 in indices[10] and 10 in indices[11]


def test_umap_with_exact_neighbours_fits_and_places_new_rows_beside_their_kind():
    rows = _rows(800)
    reducer = with_exact_neighbours(
        umap.UMAP(n_components=2, n_epochs=50, random_state=0, n_jobs=1), rows
    )
    layout = reducer.fit_transform(rows)
    assert layout.shape == (800, 2)
    new = rows[:20] + np.float32(0.01)
    placed = reducer.transform(new)
    nearest = np.argmin(((placed[:, None, :] - layout[None]) ** 2).sum(axis=2), axis=1)
    spread = np.linalg.norm(layout.max(axis=0) - layout.min(axis=0))
    assert np.median(np.linalg.norm(layout[nearest] - layout[:20], axis=1)) < 0.1 * spread
