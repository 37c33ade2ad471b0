"""Which topics are one, and which nest under a coarser one: average linkage over topics.

Both decisions read one similarity between topics, the mean of two cosines
(centroid embeddings and c-TF-IDF word vectors), so that topics count as alike
only when they both mean and say similar things. Average linkage, unlike
pairwise joins, never lets a chain of neighbours lump a whole theme together.
"""

from __future__ import annotations

import numpy as np

__all__ = ["duplicate_labels", "nested_groups", "topic_similarity"]

GROUP_SIMILARITY = 0.3  # topics nest under one coarse topic above this mean similarity
BROAD_TOPIC_SHARE = 0.05  # ... but two topics this big are separate themes, never nested together


def topic_similarity(centroids: np.ndarray, words) -> np.ndarray:
    """Mean of the centroid cosine (unit ``centroids``) and the c-TF-IDF cosine (``words``)."""
    from sklearn.metrics.pairwise import cosine_similarity

    return (centroids @ centroids.T + cosine_similarity(words)) / 2


def _tree(similarity: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform((distance + distance.T) / 2, checks=False), "average")


def duplicate_labels(similarity: np.ndarray, *, threshold: float, cap: int) -> np.ndarray:
    """A group per topic: topics alike above ``threshold`` share one; at most ``cap`` groups."""
    from scipy.cluster.hierarchy import fcluster

    if len(similarity) < 2:
        return np.ones(len(similarity), dtype=int)
    tree = _tree(similarity)
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    if labels.max() > cap:
        labels = fcluster(tree, t=cap, criterion="maxclust")
    return labels


def nested_groups(similarity: np.ndarray, sizes: np.ndarray, n_documents: int) -> dict[int, int]:
    """Group index of every topic nested with similar ones under a coarse topic.

    A group stops growing below ``GROUP_SIMILARITY`` or when it would join two
    parts that each hold ``BROAD_TOPIC_SHARE`` of the documents: broad themes
    ("gifts", "kids") stay apart instead of being lumped together. (A second,
    coarser HDBSCAN on the UMAP vectors was tried first: on one of two UMAP
    settings it lumped half the corpus together.)
    """
    n_topics = len(similarity)
    if n_topics < 3:
        return {}
    tree = _tree(similarity)
    broad_size = BROAD_TOPIC_SHARE * n_documents
    members: dict[int, list[int]] = {t: [t] for t in range(n_topics)}
    whole: dict[int, bool] = dict.fromkeys(members, True)
    parent: dict[int, int] = {}
    for row, (a, b, height, _) in enumerate(tree):
        node, a, b = n_topics + row, int(a), int(b)
        members[node] = members[a] + members[b]
        parent[a] = parent[b] = node
        broad = sizes[members[a]].sum() >= broad_size and sizes[members[b]].sum() >= broad_size
        whole[node] = whole[a] and whole[b] and height <= 1.0 - GROUP_SIMILARITY and not broad
    groups = [
        sorted(members[node])
        for node in members
        if whole[node] and len(members[node]) > 1 and not whole.get(parent.get(node, -1), False)
    ]
    groups.sort(key=lambda group: group[0])
    return {topic: g for g, group in enumerate(groups) for topic in group}
