"""SampledReducer: a reducer fitted on a sample, every other row placed beside its neighbours."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA

from nlp.reduce import SampledReducer, place_by_neighbours


def _blobs(n_per: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10.0, size=(3, 12))
    labels = np.repeat(np.arange(3), n_per)
    return centres[labels] + rng.normal(size=(labels.size, 12)), labels


def test_up_to_max_rows_it_is_the_wrapped_reducer():
    X, _ = _blobs(50)
    reduced = SampledReducer(PCA(n_components=2), max_rows=500).fit_transform(X)
    np.testing.assert_allclose(reduced, PCA(n_components=2).fit_transform(X), rtol=1e-4, atol=1e-4)


def test_past_max_rows_the_sample_is_fitted_and_the_rest_lands_among_its_own_kind():
    X, labels = _blobs(400)
    reducer = SampledReducer(PCA(n_components=2), max_rows=200, seed=3)
    layout = reducer.fit_transform(X)
    assert layout.shape == (1200, 2) and reducer.sample_.size == 200
    sampled = reducer.sample_
    np.testing.assert_allclose(
        layout[sampled], PCA(n_components=2).fit_transform(X[sampled]), rtol=1e-4, atol=1e-4
    )
    centres = np.stack([layout[sampled][labels[sampled] == k].mean(axis=0) for k in range(3)])
    nearest = np.argmin(((layout[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert (nearest == labels).mean() == 1.0


def test_the_same_seed_gives_the_same_layout_and_another_seed_another_sample():
    X, _ = _blobs(300)
    first = SampledReducer(PCA(n_components=2), max_rows=100, seed=1).fit(X)
    again = SampledReducer(PCA(n_components=2), max_rows=100, seed=1).fit(X)
    other = SampledReducer(PCA(n_components=2), max_rows=100, seed=2).fit(X)
    np.testing.assert_array_equal(first.embedding_, again.embedding_)
    assert not np.array_equal(first.sample_, other.sample_)


def test_a_row_is_placed_at_the_inverse_distance_weighted_mean_of_its_neighbours():
    fitted = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    layout = np.array([[0.0], [3.0], [100.0]])
    placed = place_by_neighbours(fitted, layout, np.array([[0.25, 0.0]]), k=2)
    # distances 0.25 and 0.75: weights 3/4 and 1/4
    assert placed[0, 0] == pytest.approx(0.75 * 0.0 + 0.25 * 3.0, rel=1e-4)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="max_rows"):
        SampledReducer(PCA(n_components=2), max_rows=1).fit_transform(np.ones((5, 3)))
