"""Which documents HDBSCAN left out may join a topic, and how close they must be to its centroid.

Documents that name no subject, or that were dissolved from a cluster sharing
a mood only, keep no topic. For the others the threshold is the lower of the
similarity at which most clustered documents sit to their own centroid and
the one that leaves at most the allowed share of documents without a topic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nlp.topics.clusters import MAX_MOOD_SUBJECT_WORDS

__all__ = ["NATURAL_THRESHOLD_QUANTILE", "mood_documents", "outlier_threshold"]

NATURAL_THRESHOLD_QUANTILE = 0.1  # outliers at least as close as 90% of members join anyway


def mood_documents(subject_words: np.ndarray, hdbscan_model: Any) -> np.ndarray:
    """Documents that say nothing but a mood: no subject word, or a dissolved cluster's few.

    ``hdbscan_model`` is the fitted :class:`~nlp.topics.clusters.SubjectClusterer`
    (or the caller's own clusterer, which dissolves nothing).
    """
    mood = subject_words == 0
    dissolved = getattr(hdbscan_model, "labels_", None)
    if dissolved is not None and len(dissolved) == len(mood):
        raw = np.asarray(hdbscan_model.clusterer.labels_, dtype=int)
        mood |= (raw >= 0) & (dissolved < 0) & (subject_words <= MAX_MOOD_SUBJECT_WORDS)
    return mood


def outlier_threshold(
    similarity: np.ndarray, clustered: np.ndarray, mood: np.ndarray, *, max_outlier_share: float
) -> tuple[float, np.ndarray]:
    """The minimum centroid similarity to join a topic, and the open outliers' best similarities.

    The threshold is the lower of (a) the similarity at which 90% of clustered
    documents sit to their own centroid (an outlier that close belongs anyway)
    and (b) the highest similarity that still brings the unassigned share down
    to ``max_outlier_share``. The best similarities come sorted, highest first.
    """
    members = clustered >= 0
    natural = float(
        np.quantile(similarity[members, clustered[members]], NATURAL_THRESHOLD_QUANTILE)
    )
    open_ = ~members & ~mood
    best = np.sort(similarity[open_].max(axis=1))[::-1] if open_.any() else np.zeros(0)
    allowed = int(np.floor(max_outlier_share * len(clustered) + 1e-9))
    allowed = max(0, allowed - int(np.sum(~members & mood)))
    must_assign = len(best) - allowed
    # A hair below the boundary document's similarity: BERTopic recomputes it in
    # float32, and the document that decides the share must not fall just short.
    needed = float(best[must_assign - 1]) - 1e-5 if must_assign > 0 else float("inf")
    return min(natural, needed), best
