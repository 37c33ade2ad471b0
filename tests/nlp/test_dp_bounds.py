"""Bounds for noisy means found privately from a noisy log histogram."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nlp.dp import BOUNDS_SHARE, NoiseMechanism
from nlp.dp_bounds import N_BINS, bin_edges, find_bounds, histogram, threshold


def exact(values):
    return values  # no noise: shows the algorithm's own choices


def test_each_value_falls_in_exactly_one_bin_of_its_sign_and_power_of_two():
    edges = bin_edges()
    assert edges.size == N_BINS + 1 and np.all(np.diff(edges) > 0)
    counts = histogram([0.0, 0.001, 1.0, 1.5, 3.0, -5.0, 1e30, -1e30, float("nan"), np.inf])
    assert counts.sum() == 8  # NaN and inf are not counted
    for value in (0.0, 1.0, 3.0, -5.0):
        (index,) = np.flatnonzero(histogram([value]))
        assert edges[index] <= value < edges[index + 1]
    assert histogram([1.0])[np.searchsorted(edges, 1.0)] == 1  # [1, 2)
    assert histogram([1e30])[-1] == 1 and histogram([-1e30])[0] == 1  # beyond: outermost bins


def test_without_noise_the_bounds_are_the_edges_of_the_outermost_full_bins():
    values = np.linspace(10, 1000, 10_000)
    found = find_bounds(values, exact, noise_scale=1.0)
    assert (found.lower, found.upper) == (8.0, 1024.0)
    negative = find_bounds(-values, exact, noise_scale=1.0)
    assert (negative.lower, negative.upper) == (-1024.0, -8.0)


def test_a_single_extreme_customer_does_not_move_the_bounds():
    values = np.linspace(10, 1000, 10_000)
    with_outlier = np.append(values, 5e9)
    assert find_bounds(with_outlier, exact, 1.0) == find_bounds(values, exact, 1.0)


def test_too_few_customers_find_no_bounds():
    found = find_bounds(np.arange(1, 30), exact, noise_scale=10.0)
    assert not found.found and found.lower is None
    assert found.threshold == pytest.approx(threshold(10.0)) and found.threshold > 29


@pytest.mark.parametrize("epsilon", [0.1, 1.0])
def test_with_laplace_noise_the_bounds_cover_the_bulk_of_the_data(epsilon):
    rng = np.random.default_rng(3)
    spend = rng.lognormal(mean=5.0, sigma=1.0, size=5_000)
    covered = []
    for seed in range(50):
        mechanism = NoiseMechanism(
            epsilon=epsilon, delta=0.0, l1=1.0, l2=1.0, random_state=np.random.RandomState(seed)
        )
        assert mechanism.scale == pytest.approx(1.0 / epsilon)
        found = find_bounds(spend, mechanism.add, mechanism.scale)
        assert found.found
        covered.append(float(np.mean((spend >= found.lower) & (spend <= found.upper))))
    print(f"ε={epsilon}: share of 5,000 lognormal values inside the private bounds, "
          f"min {min(covered):.3f}, median {np.median(covered):.3f}")  # fmt: skip
    assert min(covered) >= 0.95


def test_a_release_without_declared_bounds_states_how_they_were_found():
    from nlp.dp import AggregateRelease, ReleaseInput

    rng = np.random.default_rng(5)
    n = 4_000
    members = pd.DataFrame({"segment": rng.integers(0, 3, n), "spend": rng.gamma(2.0, 100.0, n)})
    data = ReleaseInput(
        members=members,
        documents=pd.DataFrame({"customer": [], "segment": [], "topic": []}),
        segments=(0, 1, 2),
        topics=(),
    )
    result = AggregateRelease(
        epsilon=2.0, quantities=("sizes", "means"), bounds={"spend": None}, random_state=None
    ).release(data)
    spend = result["means"]["features"]["spend"]
    per_feature = 2.0 * 2 / 3  # means weigh 2 of the 3 parts asked for
    assert spend["bounds_source"] == "private"
    assert spend["bounds_search"]["epsilon"] == pytest.approx(per_feature * BOUNDS_SHARE)
    assert spend["epsilon"] == pytest.approx(per_feature * (1 - BOUNDS_SHARE))
    lower, upper = spend["bounds"]
    assert spend["sensitivity"] == pytest.approx((upper - lower) / 2)
    exact_mean = members["spend"].mean()
    released = result["means"]["population"]["spend"]
    print(f"private bounds {lower}..{upper}; mean {exact_mean:.1f}, released {released:.1f}")
    assert abs(released - exact_mean) / exact_mean < 0.2


def test_a_stray_bin_far_from_the_data_does_not_widen_the_bounds():
    values = np.linspace(10, 1000, 10_000)
    far = int(np.searchsorted(bin_edges(), 2.0**35)) - 1

    def stray(counts):
        noisy = counts.astype(float)
        noisy[far] += 1_000  # what a rare large noise draw on an empty bin looks like
        return noisy

    assert (find_bounds(values, stray, 1.0).lower, find_bounds(values, stray, 1.0).upper) == (
        8.0,
        1024.0,
    )


def test_zeros_join_a_positive_tail_far_from_them():
    values = np.concatenate([np.zeros(3_000), np.linspace(100, 900, 3_000)])
    found = find_bounds(values, exact, noise_scale=1.0)
    assert found.lower < 0 < 64 <= found.upper == 1024.0
    assert found.lower == pytest.approx(-(2.0**-8))
