"""Customer segments: UMAP reduction then HDBSCAN density clustering, honestly reported.

:class:`CustomerSegmenter` takes the feature matrix of
:class:`nlp.features.CustomerFeatureBuilder` and finds segments without being
told how many there are. Whether two neighbouring groups come apart under
UMAP + HDBSCAN depends on UMAP's seed, so the segmenter fits several seeds
(``candidates``) and keeps the partition whose segments are best separated
in the feature space itself (silhouette of the customers' feature rows, not
of the reduced space each seed made), and states how much the seeds agree.
Within a seed, a segment HDBSCAN kept whole is replaced by its two children
when the features say they are two (:mod:`nlp.partitions`).
HDBSCAN leaves customers that belong to no dense
group as outliers (label ``-1``); ``soft_labels_`` still gives each of them its
most probable segment, for uses that need everyone assigned. When the data
hold no clear structure the segmenter says so (``n_segments_`` 0 or 1 and a
``note_``) rather than inventing segments, and it refuses data too small to
segment (:class:`InsufficientDataError`).

:func:`quality_metrics` measures a fitted segmentation: DBCV, silhouette,
outlier share, stability across resamples and, on generated data, agreement
with the planted personas.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp.parallel import map_beside
from nlp.partitions import (
    SilhouetteJudge,
    choose_partition,
    seed_agreement,
    split_merged_segments,
)

__all__ = [
    "MIN_CUSTOMERS",
    "CustomerSegmenter",
    "InsufficientDataError",
    "default_min_cluster_size",
    "quality_metrics",
]

MIN_CUSTOMERS = 30
"""Fewest customers a segmentation is attempted on (two segments of the smallest size + noise)."""

_MIN_SEGMENT_FLOOR = 10
_MIN_SEGMENT_SHARE = 0.02
_SILHOUETTE_SAMPLE = 5000  # silhouette is quadratic in customers; a sample estimates it well
_STABILITY_MAX_SAMPLE = 5000  # refits on more customers cost time and say no more
_CANDIDATE_SAMPLE = 2000  # customers whose silhouette compares the seeds' partitions


class InsufficientDataError(ValueError):
    """Too few customers to find segments that mean anything; the message says why, for users."""


def default_min_cluster_size(n_customers: int) -> int:
    """Smallest segment worth reporting: 2% of the customers, and never under 10.

    A segment is only useful to a marketer when it is a meaningful share of
    the base (a 0.5% "segment" is a curiosity, not an audience), and only
    describable when it has enough members for its averages and quotes to be
    more than anecdotes. Tying the size to a *share* keeps the granularity the
    same whatever the number of customers, without knowing how many segments
    there are: segments down to a fiftieth of the base can appear, so anything
    up to several dozen segments remains possible.
    """
    return max(_MIN_SEGMENT_FLOOR, int(round(_MIN_SEGMENT_SHARE * n_customers)))


# Rows from which UMAP runs 200 epochs instead of its 500 (see CustomerSegmenter._epochs).
MANY_ROWS = 2000
# Rows from which UMAP is given exact neighbours by BLAS (nlp.neighbours) instead of
# computing every pairwise distance in Python calls.
EXACT_NEIGHBOURS_BELOW = 2000
# Rows from which the seeds (each fitted on one core) are fitted side by side in forked
# processes (nlp.parallel); below it a fit takes about a second and a fork would not repay.
SEEDS_BESIDE_FROM = 2000


class CustomerSegmenter:
    """Segment customers: UMAP to a few dimensions, then HDBSCAN.

    Parameters
    ----------
    n_components:
        Dimensions UMAP reduces to before clustering. A handful keeps enough
        room for several segments while making densities meaningful (HDBSCAN
        struggles in hundreds of dimensions).
    n_neighbors:
        UMAP neighbourhood size: the scale of structure it preserves.
    min_cluster_size:
        Smallest segment; ``None`` uses :func:`default_min_cluster_size`.
    min_samples:
        HDBSCAN's conservativeness: higher declares more customers outliers.
        ``None`` uses ``min(min_cluster_size, n_neighbors)``: UMAP has already
        judged closeness over ``n_neighbors`` neighbours, and estimating
        density over more of them only smooths away small segments and adds
        outliers.
    seed:
        Seed of UMAP (which then runs single-threaded, so results repeat).
    soft_assign:
        Compute ``soft_labels_``: the most probable segment of every customer,
        outliers included.
    cluster_selection_method:
        HDBSCAN's ``"eom"`` (fewer, larger segments) or ``"leaf"`` (finer).
    metric:
        Distance between feature rows for UMAP (the features of
        :class:`~nlp.features.CustomerFeatureBuilder` are meant for Euclidean).
    min_dist:
        UMAP's ``min_dist`` for the clustering space; 0 packs similar customers
        tightly, which is what density clustering wants.
    allow_single_cluster:
        Let HDBSCAN conclude that all customers form one population. Without
        it HDBSCAN must split the data somewhere, and on data with no group
        structure UMAP's clumps then become invented segments; with it, such
        data come back as one segment (and a ``note_``) while clearly grouped
        data are split as before.
    candidates:
        Number of UMAP seeds fitted (``seed``, ``seed + 1``, ...). The kept
        partition is the one with the highest silhouette of the feature rows
        ``X`` (a sample of at most 2,000 customers, the same for every seed);
        when most seeds find at most one segment, the data are taken to have
        no segment structure. ``1`` fits a single seed.
    segment_map:
        Also compute ``embedding_2d_``, a 2-D UMAP of the features for the
        segment map (a second UMAP fit, so it costs time).
    n_epochs:
        UMAP's epochs per seed; ``None``: 500 below :data:`MANY_ROWS` customers,
        200 from there.

    Fitted attributes
    -----------------
    labels_: segment per customer, ``-1`` = outlier.
    probabilities_: HDBSCAN membership strength in [0, 1] (0 for outliers).
    outlier_mask_: ``labels_ == -1``.
    soft_labels_, soft_probabilities_: for clustered customers their segment
        and membership probability; for outliers the most probable segment
        (from ``hdbscan.all_points_membership_vectors``) and its probability.
        With one segment, outliers get it with probability 0; with none, -1.
    n_segments_: number of segments found (0 or 1 means no segment structure).
    note_: ``None``, or a sentence for users when the result is degenerate.
    notes_: the same as a list (empty when all is well), to gather with other steps' notes.
    min_cluster_size_, min_samples_: the values used.
    embedding_: the reduced space clustered; embedding_2d_: the segment map.
    reducer_, clusterer_: the fitted UMAP and HDBSCAN objects.
    splits_: segments replaced by their two children (:class:`nlp.partitions.Splits`);
        hdbscan_segments_: HDBSCAN's own segment count before them.
    seed_: the UMAP seed of the kept partition.
    candidates_: per seed fitted, ``{"seed", "n_segments", "silhouette"}``.
    seed_agreement_: mean adjusted Rand index between the kept partition and
        the other seeds' (outliers as one more label); ``None`` with one seed.
    """

    def __init__(
        self,
        *,
        n_components: int = 5,
        n_neighbors: int = 15,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        seed: int = 42,
        soft_assign: bool = True,
        cluster_selection_method: str = "eom",
        metric: str = "euclidean",
        min_dist: float = 0.0,
        allow_single_cluster: bool = True,
        candidates: int = 4,
        segment_map: bool = True,
        n_epochs: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.seed = seed
        self.soft_assign = soft_assign
        self.cluster_selection_method = cluster_selection_method
        self.metric = metric
        self.min_dist = min_dist
        self.allow_single_cluster = allow_single_cluster
        self.candidates = candidates
        self.segment_map = segment_map
        self.n_epochs = n_epochs

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments, as given (to clone the segmenter)."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    # --- fitting ---------------------------------------------------------------------------

    def fit(self, X: np.ndarray) -> CustomerSegmenter:
        """Find segments in the customers' feature rows ``X``; return ``self``."""
        X = _as_matrix(X)
        n = X.shape[0]
        self._check_params()
        self.min_cluster_size_ = (
            int(self.min_cluster_size)
            if self.min_cluster_size is not None
            else default_min_cluster_size(n)
        )
        self.min_samples_ = (
            int(self.min_samples)
            if self.min_samples is not None
            else min(self.min_cluster_size_, self.n_neighbors)
        )
        _check_enough(n, self.min_cluster_size_)
        self.n_features_in_ = X.shape[1]
        rows = np.random.default_rng(self.seed).permutation(n)[:_CANDIDATE_SAMPLE]
        judge = SilhouetteJudge(X, np.sort(rows))
        seeds = [self.seed + k for k in range(self.candidates)]
        if n >= SEEDS_BESIDE_FROM:
            fits = map_beside(functools.partial(self._fit_seed, X, judge=judge), seeds)
        else:
            fits = [self._fit_seed(X, seed, judge) for seed in seeds]
        kept = choose_partition(fits, judge)
        for name, value in kept.items():
            setattr(self, f"{name}_", value)
        self.outlier_mask_ = self.labels_ == -1
        self.n_segments_ = int(self.labels_.max(initial=-1) + 1)
        self.candidates_ = [
            {"seed": f["seed"], "n_segments": f["n_segments"], "silhouette": f["silhouette"]}
            for f in fits
        ]
        self.seed_agreement_ = seed_agreement(kept, fits)
        self.note_ = self._note(n)
        self.notes_ = [self.note_] if self.note_ else []
        self.embedding_2d_ = (
            np.asarray(self._map_umap(n).fit_transform(X), dtype=np.float64)
            if self.segment_map
            else None
        )
        return self

    def _fit_seed(self, X: np.ndarray, seed: int, judge: SilhouetteJudge) -> dict[str, Any]:
        """One UMAP seed: reduce, cluster, soft-assign, split merged segments; a fit's pieces."""
        reducer = self._umap(X.shape[0], self.n_components, self.min_dist, seed)
        if X.shape[0] >= EXACT_NEIGHBOURS_BELOW:
            from nlp.neighbours import with_exact_neighbours

            with_exact_neighbours(reducer, X)
        reducer.fit(X)
        embedding = np.asarray(reducer.embedding_, dtype=np.float64)
        clusterer = self._hdbscan().fit(embedding)
        labels = np.asarray(clusterer.labels_, dtype=np.int64)
        probabilities = np.asarray(clusterer.probabilities_, dtype=np.float64)
        soft_labels, soft_probabilities = _soft_assign(
            clusterer, labels, probabilities, self.soft_assign
        )
        hdbscan_segments = int(labels.max(initial=-1) + 1)
        splits = split_merged_segments(clusterer, embedding, soft_labels, judge)
        labels = splits.route(labels, embedding)
        soft_labels = splits.route(soft_labels, embedding)
        return {
            "seed": seed,
            "reducer": reducer,
            "embedding": embedding,
            "clusterer": clusterer,
            "labels": labels,
            "probabilities": probabilities,
            "soft_labels": soft_labels,
            "soft_probabilities": soft_probabilities,
            "n_segments": int(labels.max(initial=-1) + 1),
            "hdbscan_segments": hdbscan_segments,
            "splits": splits,
        }

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Segment and membership strength of new customers, without refitting.

        The rows are placed in the fitted UMAP space (``reducer_.transform``)
        and assigned with ``hdbscan.approximate_predict``; ``-1`` means the
        customer fits no segment.
        """
        if not hasattr(self, "clusterer_"):
            raise RuntimeError("CustomerSegmenter is not fitted: call fit first")
        X_new = _as_matrix(X_new, n_features=self.n_features_in_)
        if self.n_segments_ == 0:
            return np.full(X_new.shape[0], -1, dtype=np.int64), np.zeros(X_new.shape[0])
        import hdbscan

        reduced = np.asarray(self.reducer_.transform(X_new), dtype=np.float64)
        if getattr(self, "hdbscan_segments_", self.n_segments_) == 1:
            return self._predict_single(reduced)
        labels, strengths = hdbscan.approximate_predict(self.clusterer_, reduced)
        labels = np.asarray(labels, dtype=np.int64)
        if getattr(self, "splits_", None) is not None:
            labels = self.splits_.route(labels, reduced)
        return labels, np.asarray(strengths, dtype=np.float64)

    def _predict_single(self, reduced: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One segment: a new customer shares the fate of its nearest fitted customer.

        (``approximate_predict`` labels everything noise when HDBSCAN kept the root.)
        """
        from sklearn.neighbors import NearestNeighbors

        finder = NearestNeighbors(n_neighbors=1).fit(self.embedding_)
        _, nearest = finder.kneighbors(reduced)
        return self.labels_[nearest[:, 0]].copy(), self.probabilities_[nearest[:, 0]].copy()

    # --- steps -----------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.n_components < 2:
            raise ValueError(f"n_components must be at least 2, got {self.n_components}")
        if self.n_neighbors < 2:
            raise ValueError(f"n_neighbors must be at least 2, got {self.n_neighbors}")
        if self.min_cluster_size is not None and self.min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be at least 2, got {self.min_cluster_size}")
        if self.min_samples is not None and self.min_samples < 1:
            raise ValueError(f"min_samples must be at least 1, got {self.min_samples}")
        if self.cluster_selection_method not in ("eom", "leaf"):
            raise ValueError(
                f"cluster_selection_method must be 'eom' or 'leaf', "
                f"got {self.cluster_selection_method!r}"
            )

    def _umap(self, n: int, n_components: int, min_dist: float, seed: int) -> Any:
        import umap

        from nlp.compiled import keep_compiled_code

        keep_compiled_code()
        return umap.UMAP(
            n_components=n_components,
            n_neighbors=min(self.n_neighbors, n - 1),
            min_dist=min_dist,
            metric=self.metric,
            n_epochs=self._epochs(n),
            random_state=seed,
            n_jobs=1,
            # Below 4,096 rows UMAP computes every pairwise distance by calling its
            # numba distance from Python, pair by pair: 6-8 s per fit at 3,000
            # customers, 32 s of a run's 48 s segment stage. From
            # EXACT_NEIGHBOURS_BELOW rows the fits get exact neighbours by BLAS
            # (nlp.neighbours), or past its limit NN-descent; below, UMAP's own
            # exact neighbours cost under 3 s.
            force_approximation_algorithm=n >= EXACT_NEIGHBOURS_BELOW,
        )

    def _epochs(self, n: int) -> int:
        """``n_epochs`` if set; else UMAP's own 500 below :data:`MANY_ROWS` rows, 200 from there.

        UMAP itself drops to 200 only above 10,000 rows; between the two the
        500 epochs doubled the segment stage (6,500 customers: 35 s against
        17 s) for the same recovery (ARI 0.888 and 0.889).
        """
        if self.n_epochs is not None:
            return int(self.n_epochs)
        return 500 if n < MANY_ROWS else 200

    def _map_umap(self, n: int) -> Any:
        """The 2-D layout of the segment map: a picture, so 200 epochs and a sample suffice.

        UMAP runs 500 epochs below 10,000 rows; the map looked the same with 200 at
        less than half the time, and past :data:`nlp.reduce.DEFAULT_MAX_ROWS`
        customers the others are placed beside their nearest neighbours.
        """
        from nlp.reduce import DEFAULT_MAX_ROWS, SampledReducer

        umap = self._umap(n, 2, 0.1, self.seed_)
        umap.set_params(n_epochs=200)
        return SampledReducer(
            umap,
            max_rows=DEFAULT_MAX_ROWS,
            seed=self.seed_,
            exact_neighbours_from=EXACT_NEIGHBOURS_BELOW,
        )

    def _hdbscan(self) -> Any:
        import hdbscan

        return hdbscan.HDBSCAN(
            min_cluster_size=self.min_cluster_size_,
            min_samples=self.min_samples_,
            cluster_selection_method=self.cluster_selection_method,
            allow_single_cluster=self.allow_single_cluster,
            prediction_data=True,
            gen_min_span_tree=True,
            core_dist_n_jobs=1,
        )

    def _note(self, n: int) -> str | None:
        if self.n_segments_ == 0:
            return (
                f"No segments found: the {n} customers form no group of at least "
                f"{self.min_cluster_size_} similar customers. Add data (more customers, "
                "documents or behaviour columns) or lower min_cluster_size."
            )
        if self.n_segments_ == 1:
            return (
                f"One segment only: the {n} customers do not split into distinct groups "
                "with these features; segments would be arbitrary cuts of one population."
            )
        return None


def _soft_assign(
    clusterer: Any, labels: np.ndarray, probabilities: np.ndarray, wanted: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Every customer's most probable segment, outliers included (their own label otherwise)."""
    soft_labels, soft_probabilities = labels.copy(), probabilities.copy()
    n_segments = int(labels.max(initial=-1) + 1)
    if not wanted or n_segments == 0:
        return soft_labels, soft_probabilities
    if n_segments == 1:
        soft_labels[:] = 0
        return soft_labels, soft_probabilities
    import hdbscan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        membership = np.asarray(hdbscan.all_points_membership_vectors(clusterer))
    membership = np.nan_to_num(membership.reshape(len(labels), -1))
    outliers = labels == -1
    soft_labels[outliers] = membership[outliers].argmax(axis=1)
    soft_probabilities[outliers] = membership[outliers].max(axis=1)
    return soft_labels, soft_probabilities


def quality_metrics(
    segmenter: CustomerSegmenter,
    X: np.ndarray,
    *,
    bootstrap: int = 3,
    truth: Sequence[str] | None = None,
    seed: int = 0,
    sample_share: float = 0.8,
) -> dict[str, float | None]:
    """Quality figures of a fitted segmentation of ``X``; ``None`` where undefined.

    - ``dbcv``: HDBSCAN's density-based validity (relative_validity_), in [-1, 1].
    - ``silhouette``: silhouette of the clustered customers in the reduced space
      (on a sample of 5,000 of them when there are more).
    - ``outlier_share``: share of customers labelled ``-1``.
    - ``n_segments``: number of segments found.
    - ``stability``: with several UMAP seeds fitted, the segmenter's
      ``seed_agreement_`` (mean adjusted Rand index between the kept partition
      and the other seeds'); with one seed, the mean adjusted Rand index
      between the fitted labels and those of ``bootstrap`` refits, each on a
      random ``sample_share`` of the customers (at most 5,000) and with another
      UMAP seed, compared on the customers refitted (outliers count as one
      more label). Samples are drawn without
      replacement: a duplicated customer would be its own nearest neighbour
      and distort UMAP's neighbourhood graph.
    - ``truth_ari`` / ``truth_ari_soft`` (only with ``truth``): adjusted Rand
      index of ``labels_`` / ``soft_labels_`` against known groups, outliers
      counted as their own label. For generated data; never used to fit.
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    X = _as_matrix(X)
    labels = segmenter.labels_
    if X.shape[0] != labels.size:
        raise ValueError(f"X has {X.shape[0]} rows but the segmenter was fitted on {labels.size}")
    clustered = ~segmenter.outlier_mask_
    metrics: dict[str, float | None] = {
        "n_segments": float(segmenter.n_segments_),
        "outlier_share": float(segmenter.outlier_mask_.mean()),
        "dbcv": None,
        "silhouette": None,
        "stability": None,
    }
    if segmenter.n_segments_ >= 2:
        metrics["dbcv"] = float(segmenter.clusterer_.relative_validity_)
        metrics["silhouette"] = float(
            silhouette_score(
                segmenter.embedding_[clustered],
                labels[clustered],
                sample_size=min(int(clustered.sum()), _SILHOUETTE_SAMPLE),
                random_state=seed,
            )
        )
    agreement = getattr(segmenter, "seed_agreement_", None)
    if agreement is not None:
        metrics["stability"] = float(agreement)
    elif bootstrap > 0:
        metrics["stability"] = _stability(segmenter, X, bootstrap, seed, sample_share)
    if truth is not None:
        truth = list(truth)
        if len(truth) != labels.size:
            raise ValueError(f"truth has {len(truth)} entries for {labels.size} customers")
        metrics["truth_ari"] = float(adjusted_rand_score(truth, labels))
        metrics["truth_ari_soft"] = float(adjusted_rand_score(truth, segmenter.soft_labels_))
    return metrics


def _stability(
    segmenter: CustomerSegmenter, X: np.ndarray, bootstrap: int, seed: int, sample_share: float
) -> float | None:
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    n = X.shape[0]
    size = min(int(round(sample_share * n)), _STABILITY_MAX_SAMPLE)
    params = segmenter.get_params() | {"segment_map": False, "soft_assign": False, "candidates": 1}
    # keep the fitted granularity: a default size would shrink with the sample
    params["min_cluster_size"] = max(2, int(round(segmenter.min_cluster_size_ * size / n)))
    params["min_samples"] = segmenter.min_samples_
    scores = []
    for b in range(bootstrap):
        rows = np.sort(rng.choice(n, size=size, replace=False))
        params["seed"] = int(segmenter.seed) + 1 + b + 1000 * seed
        try:
            refit = CustomerSegmenter(**params).fit(X[rows])
        except InsufficientDataError:
            return None
        scores.append(adjusted_rand_score(segmenter.labels_[rows], refit.labels_))
    return float(np.mean(scores))


def _as_matrix(X: np.ndarray, *, n_features: int | None = None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-d customers x features matrix, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("the feature matrix contains NaN or infinite values")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"expected {n_features} features per customer, got {X.shape[1]}")
    return X


def _check_enough(n: int, min_cluster_size: int) -> None:
    needed = max(MIN_CUSTOMERS, 3 * min_cluster_size)
    if n < needed:
        raise InsufficientDataError(
            f"Too few customers to segment: {n} given, at least {needed} needed "
            f"(segments of at least {min_cluster_size} customers, at least two of them, "
            "plus room for outliers). Import more customers or lower min_cluster_size."
        )
