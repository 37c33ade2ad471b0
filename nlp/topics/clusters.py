"""Clusters of documents that share a subject, not only a mood.

Short texts that say only how a customer feels ("Really pleased", "Not bad",
"Does the job") sit close together in embedding space and HDBSCAN finds them a
cluster: a "topic" of mood. :class:`SubjectClusterer` wraps the clusterer
BERTopic runs and dissolves every cluster whose documents, sentiment, time and
stop words set aside, have almost nothing left to say: those documents have no
topic (``-1``) instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_MOOD_SUBJECT_WORDS", "SubjectClusterer"]

MAX_MOOD_SUBJECT_WORDS = 1  # a cluster whose median document has at most this many subject words


class SubjectClusterer:
    """A clusterer (``fit`` then ``labels_``) that drops clusters united by mood alone.

    :param clusterer: the clusterer to run (HDBSCAN), fitted as given.
    :param subject_words: per document, how many subject words it holds, in the
        order BERTopic passes the documents.
    Fitted: ``labels_`` (contiguous ids, ``-1`` for none) and ``mood_clusters_``
    (how many clusters were dissolved).
    """

    def __init__(self, clusterer: Any, subject_words: np.ndarray):
        self.clusterer = clusterer
        self.subject_words = subject_words

    def fit(self, X: np.ndarray, y: Any = None) -> SubjectClusterer:
        """Cluster ``X``, then dissolve the clusters of mood alone."""
        self.clusterer.fit(X)
        labels = np.asarray(self.clusterer.labels_, dtype=int)
        kept = [
            label
            for label in np.unique(labels[labels >= 0])
            if np.median(self.subject_words[labels == label]) > MAX_MOOD_SUBJECT_WORDS
        ]
        self.mood_clusters_ = int(len(np.unique(labels[labels >= 0])) - len(kept))
        renumber = {old: new for new, old in enumerate(kept)}
        self.labels_ = np.array([renumber.get(label, -1) for label in labels.tolist()], dtype=int)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Not used: new documents go to the nearest topic centroid instead."""
        raise NotImplementedError("topics of new documents come from TopicModeler.transform")
