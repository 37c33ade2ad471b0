"""Splitting segments HDBSCAN merged: routing, the silhouette judge, and no split of one population."""

from __future__ import annotations

import numpy as np

from nlp.partitions import SilhouetteJudge, Splits
from nlp.segment import CustomerSegmenter


def test_members_of_a_split_segment_go_to_the_nearest_child_and_others_stay():
    splits = Splits([(1, np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([1, 3]))])
    reduced = np.array([[1.0, 0.0], [9.0, 1.0], [9.0, 1.0], [0.0, 0.0]])
    labels = np.array([1, 1, 0, -1])
    assert splits.route(labels, reduced).tolist() == [1, 3, 0, -1]


def test_splits_apply_in_order_so_a_child_can_be_split_again():
    first = (0, np.array([[0.0], [10.0]]), np.array([0, 1]))
    second = (0, np.array([[-5.0], [2.0]]), np.array([0, 2]))
    routed = Splits([first, second]).route(
        np.zeros(3, dtype=int), np.array([[-6.0], [3.0], [11.0]])
    )
    assert routed.tolist() == [0, 2, 1]


def test_the_judge_scores_separated_labels_higher_and_needs_two_segments():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (50, 3)), rng.normal(8, 1, (50, 3))])
    judge = SilhouetteJudge(X, np.arange(100))
    true = np.repeat([0, 1], 50)
    assert judge.score(true) > 0.5
    assert judge.score(rng.permutation(true)) < 0.1
    assert judge.score(np.zeros(100, dtype=int)) is None
    assert judge.score(np.where(true == 1, -1, 0)) is None  # outliers are left out


def test_two_round_populations_are_not_cut_further():
    rng = np.random.default_rng(4)
    X = np.vstack([rng.normal(0, 1, (300, 6)), rng.normal(0, 1, (300, 6)) + 9])
    segmenter = CustomerSegmenter(seed=3, segment_map=False).fit(X)
    assert segmenter.n_segments_ == 2
    assert all(c["n_segments"] == 2 for c in segmenter.candidates_)
    assert segmenter.seed_agreement_ > 0.95
