"""Choosing a partition: among UMAP seeds, and splitting segments HDBSCAN merged.

Each seed's partition is judged by the silhouette of the customers' feature
rows (:class:`SilhouetteJudge`, one sample of rows and its distances shared by
every judgement); :func:`choose_partition` keeps the best separated one and
:func:`seed_agreement` says how much the seeds agree.

Segments HDBSCAN merged although the customers' own features tell them apart:

HDBSCAN's "excess of mass" keeps a parent cluster rather than its two
children when the parent is the denser, longer-lived object in the reduced
space. Two personas that differ in one block only (the same words, other
behaviour) sit side by side there and are often kept as one. Whether they
are one segment or two is a question for the feature space the customers were
described in, not for the reduced space: a segment is replaced by its two
children of HDBSCAN's condensed tree when that raises the silhouette of the
customers' feature rows. A cut through one population lowers that
silhouette (the halves sit on top of each other in the features), a true pair
raises it, so segments are not split for the sake of it.

Members of a split segment go to the child whose centre (in the reduced space)
is nearest, for fitted customers and for customers placed later alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "SilhouetteJudge",
    "Splits",
    "choose_partition",
    "seed_agreement",
    "split_merged_segments",
]

MAX_DEPTH = 2  # a segment is split at most twice over (into up to four)


@dataclass
class Splits:
    """How segments were split, in order: (segment, child centres in the reduced space, labels)."""

    routes: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)

    def route(self, labels: np.ndarray, reduced: np.ndarray) -> np.ndarray:
        """The labels after the splits: members of a split segment go to the nearest child."""
        labels = np.asarray(labels, dtype=np.int64).copy()
        for segment, centres, children in self.routes:
            rows = np.flatnonzero(labels == segment)
            if rows.size:
                distances = ((reduced[rows, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
                labels[rows] = children[distances.argmin(axis=1)]
        return labels


class SilhouetteJudge:
    """Silhouette of labellings of a fixed sample of feature rows, distances computed once."""

    def __init__(self, X: np.ndarray, rows: np.ndarray) -> None:
        from sklearn.metrics import pairwise_distances

        self.rows = rows
        self.distances = pairwise_distances(X[rows])

    def score(self, labels: np.ndarray) -> float | None:
        """Silhouette of ``labels`` (all customers) on the sample; outliers (-1) left out."""
        from sklearn.metrics import silhouette_score

        sample = labels[self.rows]
        kept = sample >= 0
        if len(set(sample[kept])) < 2:
            return None
        picked = np.flatnonzero(kept)
        return float(
            silhouette_score(
                self.distances[np.ix_(picked, picked)], sample[kept], metric="precomputed"
            )
        )


def split_merged_segments(
    clusterer, embedding: np.ndarray, labels: np.ndarray, judge: SilhouetteJudge
) -> Splits:
    """Splits of the segments in ``labels`` (soft labels of all customers) that the features back.

    Walks each selected cluster of ``clusterer`` (a fitted ``hdbscan.HDBSCAN``)
    down its condensed tree: a cluster with two child clusters is replaced by
    them when the silhouette judged by ``judge`` rises, and the children are
    tried in turn, up to :data:`MAX_DEPTH` levels. Needs at least two segments
    (one segment means no structure was found, which is not second-guessed).
    """
    splits = Splits()
    if labels.max(initial=-1) < 1:
        return splits
    tree = clusterer.condensed_tree_.to_numpy()
    n = embedding.shape[0]
    children = _cluster_children(tree, n)
    current = labels.copy()
    best = judge.score(current)
    if best is None:
        return splits
    queue = [(segment, node, 0) for segment, node in _selected_nodes(tree, labels, n).items()]
    while queue:
        segment, node, depth = queue.pop(0)
        kids = children.get(node, [])
        if len(kids) != 2 or depth >= MAX_DEPTH:
            continue
        centres = np.vstack(
            [embedding[_points_under(tree, kid, n, children)].mean(axis=0) for kid in kids]
        )
        new_label = int(current.max()) + 1
        trial_split = Splits([(segment, centres, np.array([segment, new_label]))])
        trial = trial_split.route(current, embedding)
        score = judge.score(trial)
        if score is None or score <= best:
            continue
        best, current = score, trial
        splits.routes.append(trial_split.routes[0])
        queue += [(segment, kids[0], depth + 1), (new_label, kids[1], depth + 1)]
    return splits


def _cluster_children(tree: np.ndarray, n: int) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for parent, child in zip(tree["parent"], tree["child"], strict=True):
        if child >= n:
            kids.setdefault(int(parent), []).append(int(child))
    return kids


def _points_under(
    tree: np.ndarray, node: int, n: int, children: dict[int, list[int]]
) -> np.ndarray:
    nodes, points = [node], []
    while nodes:
        current = nodes.pop()
        rows = tree["parent"] == current
        found = tree["child"][rows]
        points.extend(int(c) for c in found if c < n)
        nodes.extend(children.get(current, []))
    return np.asarray(points, dtype=np.int64)


def _selected_nodes(tree: np.ndarray, labels: np.ndarray, n: int) -> dict[int, int]:
    """Segment label -> the condensed-tree cluster node holding most of its members."""
    children = _cluster_children(tree, n)
    nodes = sorted({int(p) for p in tree["parent"]} | {c for k in children.values() for c in k})
    chosen: dict[int, tuple[int, int]] = {}
    for node in nodes:
        points = _points_under(tree, node, n, children)
        if points.size == 0:
            continue
        inside = labels[points]
        for segment in set(inside[inside >= 0].tolist()):
            held = int((inside == segment).sum())
            total = int((labels == segment).sum())
            # the smallest node holding (nearly) all of the segment and nothing much else
            covers = held >= 0.9 * total and held >= 0.9 * points.size
            if covers and (segment not in chosen or points.size < chosen[segment][1]):
                chosen[segment] = (node, points.size)
    return {segment: node for segment, (node, _) in chosen.items()}


def choose_partition(fits: list[dict[str, Any]], judge: SilhouetteJudge) -> dict[str, Any]:
    """The seed's fit to keep: best separated in ``X``, unless most seeds see no structure.

    Each fit gets ``silhouette``: the silhouette of its segments (outliers by
    their most probable segment) over the same sample of feature rows, or
    ``None`` with fewer than two segments. Separation is judged in ``X``, the
    space the customers were described in, because each seed's reduced space
    is its own and a merge of two groups looks as tidy there as a true split.
    """
    for fit in fits:
        score = judge.score(fit["soft_labels"]) if fit["n_segments"] >= 2 else None
        fit["silhouette"] = None if score is None else round(score, 4)
    scored = [f for f in fits if f["silhouette"] is not None]
    if len(scored) * 2 <= len(fits):  # most seeds find no split: do not invent one
        return min(fits, key=lambda f: f["n_segments"]) | {"silhouette": None}
    return max(scored, key=lambda f: f["silhouette"])


def seed_agreement(kept: dict[str, Any], fits: list[dict[str, Any]]) -> float | None:
    """Mean adjusted Rand index between the kept partition and the other seeds'."""
    from sklearn.metrics import adjusted_rand_score

    others = [f for f in fits if f is not kept]
    if not others:
        return None
    return round(
        float(np.mean([adjusted_rand_score(kept["labels"], f["labels"]) for f in others])), 4
    )
